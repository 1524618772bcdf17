"""Suite 3: prompt tokens per turn against the story's length, over one long scripted game.

The game is played through the real engine (Story.play, LanceDB slot, saves) on the
scripted model. What is measured is the size of what the model is sent, so the embedder
is a fast bag-of-words hashing embedder (the real one would take most of an hour for a
1,000-turn game on this machine; recall quality is measured in the recall suite).
Tokens are `TurnStats.prompt_tokens`: characters / 4 of both calls of the turn
(the paragraph and the update), as the scripted model counts them.

The rolling-context baseline is computed on the same paragraphs at the sample points.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

from . import common
from .baselines import RollingContext, WINDOW, tokens


class HashEmbedder:
    """Deterministic bag-of-words vectors (hashed unigrams), unit length. Not a language model."""

    name = "hashing-bow"
    dim = common.DIM

    def load(self) -> None:
        pass

    def embed(self, texts):
        out = np.zeros((len(texts), self.dim), dtype="float32")
        for row, text in enumerate(texts):
            for w in re.findall(r"[a-z0-9']+", text.lower()):
                h = zlib.crc32(w.encode())
                out[row, h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
            n = np.linalg.norm(out[row])
            out[row] = out[row] / n if n else 1.0 / np.sqrt(self.dim)
        return out

    def embed_one(self, text):
        return self.embed([text])[0]


SAMPLES = (1, 10, 20, 50, 100, 200, 300, 500, 750, 1000, 2000)


async def _game(turns: int, saves: Path, log) -> dict:
    from rgpt_fiction.engine.state import Persona
    from rgpt_fiction.engine.story import TurnOptions
    from rgpt_fiction.llm.scripted import ScriptedModel
    from rgpt_fiction.saves.slot import Slot
    from rgpt_fiction.session import open_story

    w = common.world()
    slot = Slot(saves, "prompt")
    model = common.TimedModel(ScriptedModel())
    story, _ = open_story(slot, model, HashEmbedder(), TurnOptions(), world=w, persona=Persona(w.player.name))
    try:
        async for _ev in story.start():
            pass
        per_turn, para_call, overhead = [], [], []
        t0 = time.perf_counter()
        for i in range(turns):
            n_calls = len(model.calls)
            r = await common.play_turn(story, model, story.plans[i % len(story.plans)])
            per_turn.append(r.prompt_tokens)
            para_call.append(model.calls[n_calls]["chars"] // 4)
            overhead.append(r.overhead_ms)
            if (i + 1) % 100 == 0:
                log(f"    turn {i + 1}/{turns} ({time.perf_counter() - t0:.0f} s)")
        paragraphs = [n.paragraph for n in story.game.path()]
        rolling = {}
        for s in SAMPLES:
            if s <= turns:
                rc = RollingContext(story.brief, paragraphs[:s], Path(saves) / "unused.jsonl", WINDOW)
                rolling[s] = tokens(rc.prompt(story.game.path()[s].plan))
    finally:
        slot.close()
    return {"per_turn": per_turn, "paragraph_call": para_call, "overhead_ms": overhead, "rolling": rolling}


def run(turns: int = 300, log=print) -> dict:
    with tempfile.TemporaryDirectory(prefix="rgpt-bench-prompt-") as tmp:
        g = asyncio.run(_game(turns, Path(tmp), log))
    per = g["per_turn"]

    def at(t):
        return per[t - 1] if 0 < t <= len(per) else None

    rows = []
    for s in SAMPLES:
        if s <= len(per):
            rows.append({
                "turn": s, "ours_tokens": at(s), "ours_paragraph_call_tokens": g["paragraph_call"][s - 1],
                "rolling_tokens": g["rolling"].get(s), "ratio_vs_rolling": common.ratio(at(s), g["rolling"].get(s)),
                "overhead_ms": g["overhead_ms"][s - 1],
            })
    last = len(per)
    ref_t = 20 if last >= 20 else 1
    dev = None if at(ref_t) is None else round(100 * (at(last) - at(ref_t)) / at(ref_t), 1)
    early = per[10:30] if last >= 30 else per[:max(1, last // 2)]
    late = per[-20:]
    dev_mean = round(100 * (sum(late) / len(late) - sum(early) / len(early)) / (sum(early) / len(early)), 1) if per else None
    budgets = [common.budget(
        f"prompt tokens flat: turn {last} vs turn {ref_t}", "within 15 %",
        f"turn {ref_t}: {at(ref_t)}, turn {last}: {at(last)} ({dev:+.1f} %); mean of the last 20 turns vs turns 11-30: "
        f"{dev_mean:+.1f} %; max over the game {max(per)}, min after turn 10 {min(per[10:] or per)}",
        dev is not None and abs(dev) <= 15,
        f"TurnStats.prompt_tokens (chars/4 of both model calls) over a {last}-turn scripted game",
    )]
    return {
        "suite": "prompt", "config": {"turns": turns, "embedder": HashEmbedder.name, "window_tokens": WINDOW},
        "rows": rows, "budgets": budgets, "series": per,
        "notes": ["The scripted model's paragraphs are ~65 words; the engine's prompt budgets clip every part, "
                  "so the bound holds for longer paragraphs too."],
    }
