"""Suite 6: the embedded model (SmolLM2-135M on llama.cpp through litellm) on this machine.

- raw streams: `LiteLLMModel("embedded/smollm2").stream()` on a paragraph prompt of the
  engine's own shape; time to first token, completion tokens per second (after the first
  token), the first call (which loads the model) reported apart;
- turns: whole turns through `Story.play` on a fresh slot with the real embedder, the turn's
  wall time, the model's share (`TurnStats.llm_seconds`) and the engine's overhead.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from . import common

MODEL = "embedded/smollm2"


async def _stream_once(model, messages, max_tokens: int) -> dict:
    from rgpt_fiction.llm.base import Usage

    t0 = time.perf_counter()
    first = None
    usage = None
    chars = 0
    async for item in model.stream(messages, max_tokens=max_tokens, temperature=0.8):
        if isinstance(item, Usage):
            usage = item
        elif isinstance(item, str):
            if first is None:
                first = time.perf_counter()
            chars += len(item)
    end = time.perf_counter()
    toks = usage.completion_tokens if usage else chars // 4
    gen_s = end - (first or end)
    return {"ttft_ms": round(((first or end) - t0) * 1000, 1), "total_s": round(end - t0, 3),
            "completion_tokens": toks, "prompt_tokens": usage.prompt_tokens if usage else None,
            "tokens_per_s": round((toks - 1) / gen_s, 1) if gen_s > 0 and toks > 1 else None}


async def _main(streams: int, turns: int, max_tokens: int, log) -> dict:
    from rgpt_fiction.engine.prompts import paragraph_messages, world_brief
    from rgpt_fiction.engine.state import Persona
    from rgpt_fiction.llm.client import LiteLLMModel

    w = common.world()
    brief = world_brief(w.for_player(w.player.name).snapshot(), Persona(w.player.name))
    messages = paragraph_messages(brief, "You have just arrived.", [], [], w.opening or "", w.first_choices[0]
                                  if w.first_choices else "Look around.", 120)
    model = LiteLLMModel(MODEL)
    t = time.perf_counter()
    cold = await _stream_once(model, messages, 8)
    cold["wall_ms"] = round((time.perf_counter() - t) * 1000, 1)
    warm = []
    for i in range(streams):
        warm.append(await _stream_once(model, messages, max_tokens))
        log(f"    stream {i + 1}: ttft {warm[-1]['ttft_ms']} ms, {warm[-1]['tokens_per_s']} tok/s")
    results = []
    if turns:
        timed = common.TimedModel(model)
        with tempfile.TemporaryDirectory(prefix="rgpt-bench-emb-") as tmp:
            story, slot = await common.start_story(Path(tmp), timed)
            try:
                for i in range(turns):
                    n = len(timed.calls)
                    t = time.perf_counter()
                    r = await common.play_turn(story, timed, story.plans[i % len(story.plans)])
                    st = story.last_stats
                    calls = timed.calls[n:]
                    results.append({
                        "wall_s": round(time.perf_counter() - t, 2), "llm_s": st.llm_seconds,
                        "overhead_ms": r.overhead_ms, "first_word_overhead_ms": r.first_word_ms,
                        "model_ttft_ms": round((calls[0]["first"] - calls[0]["start"]) * 1000, 1)
                        if calls and calls[0]["first"] else None,
                        "calls": len(calls), "completion_tokens": st.completion_tokens,
                        "prompt_tokens": st.prompt_tokens, "repairs": st.repairs, "timings_ms": r.timings_ms,
                    })
                    log(f"    turn {i + 1}: {results[-1]['wall_s']} s (model {st.llm_seconds} s, "
                        f"overhead {r.overhead_ms} ms, repairs {st.repairs})")
                    await story._await_prefetch()
            finally:
                slot.close()
    return {"cold": cold, "streams": warm, "turns": results}


def run(streams: int = 3, turns: int = 2, max_tokens: int = 160, log=print) -> dict:
    try:
        d = asyncio.run(_main(streams, turns, max_tokens, log))
    except Exception as exc:  # noqa: BLE001 - the model may be missing; report it, go on
        return {"suite": "embedded", "config": {}, "rows": [], "budgets": [],
                "notes": [f"not available: {type(exc).__name__}: {exc}"]}
    warm = d["streams"]
    turns_ = d["turns"]
    rows = [{
        "model": MODEL,
        "cold_first_token_ms": d["cold"]["ttft_ms"],
        "ttft_median_ms": common.median([s["ttft_ms"] for s in warm]),
        "tokens_per_s_median": common.median([s["tokens_per_s"] for s in warm]),
        "turn_median_s": common.median([t["wall_s"] for t in turns_]),
        "turn_llm_median_s": common.median([t["llm_s"] for t in turns_]),
        "turn_overhead_median_ms": common.median([t["overhead_ms"] for t in turns_]),
        "first_word_overhead_median_ms": common.median([t["first_word_overhead_ms"] for t in turns_]),
    }]
    budgets = []
    fw = rows[0]["first_word_overhead_median_ms"]
    if fw is not None:
        budgets.append(common.budget(
            "first word on screen with the embedded model (beyond its first token)", "< 50 ms",
            f"median {fw} ms over {len(turns_)} turns (model's own first token: "
            f"{common.median([t['model_ttft_ms'] for t in turns_])} ms)", fw < 50,
            "play() -> first Delta, minus the model call's own time to first chunk"))
    return {"suite": "embedded", "config": {"streams": streams, "turns": turns, "max_tokens": max_tokens},
            "rows": rows, "detail": d, "budgets": budgets, "notes": []}
