"""Suite 6: the embedded models on this machine, where the reader feels them.

For the default storyteller (`embedded/qwen-1.5b`) and the fast tier (`embedded/smollm2`), each with
the prompt laid out for the cache (the update continues the paragraph's conversation; the known
start of the next prompt is evaluated while the reader reads) and with the layout before, side by
side in one run: a fresh game played by a simulated reader who reads each paragraph at
`READING_WPM` words a minute before picking (`autoplay --reading-wpm`). Per turn, from
`TurnStats`: `first_word_s` (pick -> first word), `plans_shown_s` minus the paragraph's own
streaming time, `turn_s` (pick -> stored), `prompt_tokens_evaluated` (after cache reuse, from
llama.cpp's own prefix match), `tokens_per_s`, paragraph words (of the turns the model wrote: a turn
that takes an author's outcome has it as its whole paragraph, with no first word to wait for).
"""

from __future__ import annotations

import asyncio
import io
import statistics
import tempfile
from pathlib import Path

from . import common

MODELS = ("embedded/qwen-1.5b", "embedded/smollm2")
READING_WPM = 250


def _median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


async def _play(model_name: str, cache_layout: bool, turns: int, folder: Path, log) -> list[dict]:
    from rgpt_fiction.engine.state import Persona
    from rgpt_fiction.engine.story import TurnOptions
    from rgpt_fiction.autoplay import autoplay
    from rgpt_fiction.headless import Printer
    from rgpt_fiction.llm.client import LiteLLMModel
    from rgpt_fiction.saves.slot import Slot
    from rgpt_fiction.session import open_story

    world = common.world()
    slot = Slot(folder, f"bench-{model_name.split('/')[-1]}-{'cache' if cache_layout else 'before'}")
    story, _ = open_story(slot, LiteLLMModel(model_name), common.embedder(), TurnOptions(cache_layout=cache_layout),
                          world=world, persona=Persona(world.player.name))
    try:
        rows = await autoplay(story, turns, Printer(io.StringIO()), seed=3, quiet=True, reading_wpm=READING_WPM)
    finally:
        slot.close()
    played = [r for r in rows if r["turn"] > 0]
    for r in played:
        log(f"    {model_name} {'cache' if cache_layout else 'before'} turn {r['turn']}: first word "
            f"{r['first_word_s']} s, plans {r['plans_shown_s']} s, turn {r['turn_s']} s, evaluated "
            f"{r['prompt_tokens_evaluated']} of {r['prompt_tokens']}, {r['tokens_per_s']} tok/s, "
            f"{r['paragraph_words']} words")
    return played


def _row(model: str, cache_layout: bool, played: list[dict]) -> dict:
    return {
        "model": model, "layout": "cache" if cache_layout else "before", "turns": len(played),
        "first_word_s": _median([r["first_word_s"] for r in played]),
        "plans_after_paragraph_s": _median([
            r["plans_shown_s"] - (r["first_word_s"] or 0) - (r["stream_s"] or 0) for r in played
            if r["plans_shown_s"] is not None]),
        "turn_s": _median([r["turn_s"] for r in played]),
        "prompt_tokens_evaluated": _median([r["prompt_tokens_evaluated"] for r in played]),
        "prompt_tokens_prewarmed": _median([r["prompt_tokens_prewarmed"] for r in played]),
        "prompt_tokens": _median([r["prompt_tokens"] for r in played]),
        "tokens_per_s": _median([r["tokens_per_s"] for r in played]),
        # the model's own paragraphs: an author's outcome is a turn's whole paragraph, with no model call
        "paragraph_words": _median([r["paragraph_words"] for r in played if not r.get("authored_opening")]),
    }


def run(turns: int = 20, models=MODELS, log=print) -> dict:
    rows, detail = [], {}
    with tempfile.TemporaryDirectory(prefix="rgpt-bench-emb-") as tmp:
        for model in models:
            for cache_layout in (True, False):
                try:
                    played = asyncio.run(_play(model, cache_layout, turns, Path(tmp), log))
                except Exception as exc:  # noqa: BLE001 - a model may be missing; report it, go on
                    rows.append({"model": model, "layout": "cache" if cache_layout else "before",
                                 "error": f"{type(exc).__name__}: {exc}"})
                    continue
                detail[f"{model} {'cache' if cache_layout else 'before'}"] = played
                rows.append(_row(model, cache_layout, played))
    budgets = []
    for r in rows:
        if r.get("error") or r["layout"] != "cache":
            continue
        default = r["model"] == MODELS[0]
        goal = 4.0 if default else 1.0
        budgets.append(common.budget(
            f"{r['model']}: pick -> first word (reading at {READING_WPM} wpm)", f"median <= {goal:g} s",
            f"median {r['first_word_s']} s over {r['turns']} turns", r["first_word_s"] is not None
            and r["first_word_s"] <= goal, "TurnStats.first_word_s"))
        if default:
            budgets.append(common.budget(
                f"{r['model']}: paragraph end -> plans on screen", "median <= 8 s",
                f"median {r['plans_after_paragraph_s']} s", (r["plans_after_paragraph_s"] or 99) <= 8,
                "plans_shown_s - first_word_s - stream_s"))
            budgets.append(common.budget(
                f"{r['model']}: prompt tokens evaluated after cache reuse", "median <= 500 per turn",
                f"median {r['prompt_tokens_evaluated']} (plus {r['prompt_tokens_prewarmed']} while reading)",
                (r["prompt_tokens_evaluated"] or 9999) <= 500, "llama.cpp's prefix match, both calls"))
            budgets.append(common.budget(
                f"{r['model']}: the whole turn", "median <= 40 s", f"median {r['turn_s']} s",
                (r["turn_s"] or 99) <= 40, "TurnStats.turn_s, pick -> stored"))
    return {"suite": "embedded", "config": {"turns": turns, "models": list(models), "reading_wpm": READING_WPM},
            "rows": rows, "detail": detail, "budgets": budgets,
            "notes": ["'before' is the layout before the cache work: recalls ahead of the last paragraph, a "
                      "fresh update prompt, nothing evaluated while the reader reads."]}
