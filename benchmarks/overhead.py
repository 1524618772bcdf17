"""Suite 2: the engine's overhead per turn against the number of stored memories.

For each story length a new slot is opened, its opening played, then grown to N stored
paragraphs: a linear path of engine-shaped nodes (paragraph, memory, plans, facts, recalled
texts) and one LanceDB row each with a random unit vector (the real embedder would need
hours for 100,000 texts; the search cost does not depend on what the vectors mean). Then
turns are played through `Story.play` on the scripted model, and `TurnStats.overhead_ms`
(everything but the model's own streaming) and `TurnStats.timings_ms` are read.

Two ways to play:
- back to back: the next turn starts as soon as the last one is saved, so it waits for the
  background prefetch (embedding the new memory and plans) -- autoplay;
- with reading time: the prefetch is awaited before the next turn's clock starts -- a
  person reading the paragraph and choosing a plan.

The same data then feeds the baselines (baselines.py).
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path

from . import common
from .baselines import ReferenceRecurrentGPT, RollingContext, engine_prompt_tokens, report as baselines_report
from .common import median, p95

FULL_SIZES = (10, 1_000, 10_000, 100_000)
QUICK_SIZES = (10, 1_000, 10_000)
# turns measured per mode: fewer where a turn is slow (saving grows with the story)
FULL_TURNS = {10: 15, 1_000: 15, 10_000: 15, 100_000: 10}
QUICK_TURNS = {10: 5, 1_000: 5, 10_000: 5}
# the scripted model streams one word per WORD_DELAY seconds (~250 words/s, a fast remote model):
# work the engine overlaps with the model's generation then stays hidden, as it would in play
WORD_DELAY = 0.004
STEPS = ("prefetch_wait", "recall", "embed", "store", "save")


def _summary(results) -> dict:
    oh = [r.overhead_ms for r in results]
    nosave = [r.overhead_ms - (r.timings_ms.get("save") or 0) for r in results]
    out = {
        "turns": len(results),
        "median_ms": median(oh), "p95_ms": p95(oh), "max_ms": round(max(oh), 1) if oh else None,
        "without_save_median_ms": median(nosave), "without_save_p95_ms": p95(nosave),
        "first_word_median_ms": median([r.first_word_ms for r in results]),
        "first_word_p95_ms": p95([r.first_word_ms for r in results]),
        "prompt_tokens_median": median([r.prompt_tokens for r in results]),
        "steps_median_ms": {},
    }
    for step in STEPS:
        out["steps_median_ms"][step] = median([r.timings_ms.get(step) for r in results])
    known = [sum(v for k, v in r.timings_ms.items() if k in STEPS) for r in results]
    out["steps_median_ms"]["other"] = median([r.overhead_ms - k for r, k in zip(results, known)])
    out["repairs"] = sorted({x for r in results for x in r.repairs})
    return out


def _table_data(story):
    """Texts and vectors of the stored paragraphs, in node order (what the baselines hold in RAM)."""
    import numpy as np

    t = story.memory.table().to_arrow()
    kinds = t.column("kind").to_pylist()
    nodes = t.column("node").to_pylist()
    texts = t.column("text").to_pylist()
    vec = t.column("vector").combine_chunks().flatten().to_numpy().reshape(len(t), -1)
    keep = sorted((n, i) for i, (n, k) in enumerate(zip(nodes, kinds)) if k == "paragraph")
    idx = [i for _n, i in keep]
    return [texts[i] for i in idx], np.ascontiguousarray(vec[idx], dtype="float32")


def _embed_rate(emb, n: int = 32) -> float:
    rng = random.Random(99)
    texts = [common.paragraph(rng) + f" #{i}" for i in range(n)]
    t = time.perf_counter()
    emb.embed(texts)
    return n / (time.perf_counter() - t)


def run_baselines(story, turns: int, reembed_max: int, rate: float | None, size: int, seed: int = 3) -> dict:
    opts = story.options
    texts, vectors = _table_data(story)
    n = len(texts)
    rng = random.Random(seed)
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="rgpt-bench-roll-") as tmp:
        roll = RollingContext(story.brief, texts, Path(tmp) / "transcript.jsonl")
        res = [roll.turn(common.plan_text(rng), common.paragraph(rng)) for _ in range(turns)]
        out["rolling"] = {
            "median_ms": median([r["overhead_ms"] for r in res]), "p95_ms": p95([r["overhead_ms"] for r in res]),
            "prompt_tokens_median": median([r["prompt_tokens"] for r in res]),
            "oldest_paragraph_in_prompt": roll.recalled_from,
        }
    node = story.node
    ref = ReferenceRecurrentGPT(story.embedder, texts, vectors, k=opts.recall_k)
    res = []
    for _ in range(turns):
        plan, para = common.plan_text(rng), common.paragraph(rng)
        last = ref.texts[-1]
        res.append(ref.turn(plan, para, lambda rec, last=last, plan=plan, para=para: engine_prompt_tokens(
            story.brief, node.memory, node.facts, rec, last, plan, para, opts)))
    out["reference_ram"] = {
        "median_ms": median([r["overhead_ms"] for r in res]), "p95_ms": p95([r["overhead_ms"] for r in res]),
        "search_median_ms": median([r["search_ms"] for r in res]), "add_median_ms": median([r["add_ms"] for r in res]),
        "prompt_tokens_median": median([r["prompt_tokens"] for r in res]),
    }
    if size <= reembed_max:
        refe = ReferenceRecurrentGPT(story.embedder, texts, vectors, k=opts.recall_k, reembed=True)
        res = [refe.turn(common.plan_text(rng), common.paragraph(rng)) for _ in range(min(turns, 3))]
        out["reference_reembed"] = {"median_ms": median([r["overhead_ms"] for r in res]), "estimated": False}
    elif rate:
        est = n / rate * 1000 + out["reference_ram"]["median_ms"]
        out["reference_reembed"] = {"median_ms": round(est, 1), "estimated": True}
    return out


def search_probe(story, reps: int = 7) -> dict:
    """Where recall's time goes: LanceDB search with the engine's path filter, without a filter,
    and the same top-k as a numpy scan over the same vectors held in RAM (no embedding in any)."""
    import numpy as np

    texts, vectors = _table_data(story)
    older = story.game.path_ids()[:-1]
    rng = np.random.default_rng(1)
    qs = common.unit_vectors(rng, reps)
    out = {}
    for name, fn in (
        ("lancedb_path_filter_ms", lambda q: story.memory.search_path(q, story.options.recall_k, older)),
        ("lancedb_no_filter_ms", lambda q: story.memory.search(q, story.options.recall_k)),
        ("lancedb_lore_ms", lambda q: story.memory.search_lore(q, 4)),
        ("numpy_scan_ms", lambda q: np.argpartition(-(vectors @ q), 3)[:3]),
    ):
        fn(qs[0])
        times = []
        for q in qs:
            with common.Timer() as t:
                fn(q)
            times.append(t.ms)
        out[name] = median(times)
    return out


def embed_probe(reps: int = 5) -> dict:
    """Latency of the embedder on one short plan and one paragraph, at torch's default thread
    count and at one thread (torch's OpenMP threads spin; on a busy 2-core box that hurts)."""
    import torch

    emb = common.embedder()
    rng = random.Random(5)
    default = torch.get_num_threads()
    out = {}
    try:
        for threads in sorted({default, 1}, reverse=True):
            torch.set_num_threads(threads)
            emb.embed(["warm up"])
            plan_ms, para_ms = [], []
            for i in range(reps):
                with common.Timer() as t:
                    emb.embed([common.plan_text(rng) + f" {i}"])
                plan_ms.append(t.ms)
                with common.Timer() as t:
                    emb.embed([common.paragraph(rng) + f" {i}"])
                para_ms.append(t.ms)
            out[f"threads_{threads}"] = {"plan_median_ms": median(plan_ms), "paragraph_median_ms": median(para_ms)}
    finally:
        torch.set_num_threads(default)
    out["default_threads"] = default
    out["loadavg"] = common.loadavg()
    return out


async def measure_size(n: int, turns: int, warmup: int, saves: Path, baselines: bool = True,
                       reembed_max: int = 10, rate: float | None = None, word_delay: float = WORD_DELAY) -> dict:
    from rgpt_fiction.llm.scripted import ScriptedModel
    from rgpt_fiction.session import open_story

    model = common.TimedModel(ScriptedModel(delay=word_delay))
    story, slot = await common.start_story(saves, model, name=f"n{n}")
    try:
        fill = common.prefill(story, slot, n)
        for i in range(warmup):
            await common.play_turn(story, model, story.plans[i % len(story.plans)])
        b2b = []
        for i in range(turns):
            b2b.append(await common.play_turn(story, model, story.plans[i % len(story.plans)]))
        inter = []
        for i in range(turns):
            await story._await_prefetch()  # the reader reads; the prefetch finishes
            inter.append(await common.play_turn(story, model, story.plans[(i + 1) % len(story.plans)]))
        await story._await_prefetch()
        t = time.perf_counter()
        story.memory.compact()
        compact_ms = (time.perf_counter() - t) * 1000
        state_bytes = common.slot_bytes(slot)
        row = {
            "memories": n, "fill": fill, "saved_game_mb": round(state_bytes / 1e6, 2),
            "back_to_back": _summary(b2b), "interactive": _summary(inter),
            "compact_ms": round(compact_ms, 1),
        }
        row["search_probe"] = search_probe(story)
        if baselines:
            row.update(run_baselines(story, turns, reembed_max, rate, n))
    finally:
        slot.close()
    # opening the slot again: load the JSON state and reconcile it with the vector table
    t = time.perf_counter()
    story2, _ = open_story(slot, model, common.embedder(), story.options)
    row["open_ms"] = round((time.perf_counter() - t) * 1000, 1)
    slot.close()
    row["ours_back_to_back_median_ms"] = row["back_to_back"]["median_ms"]
    row["ours_interactive_median_ms"] = row["interactive"]["median_ms"]
    row["ours_prompt_tokens_median"] = row["interactive"]["prompt_tokens_median"]
    row["loadavg"] = common.loadavg()
    return row


def run(sizes=QUICK_SIZES, turns: int | dict = QUICK_TURNS, warmup: int = 1, baselines: bool = True,
        reembed_max: int = 10, probe: bool = True, word_delay: float = WORD_DELAY, log=print) -> dict:
    emb = common.embedder()
    rate = _embed_rate(emb) if baselines else None
    rows = []
    with tempfile.TemporaryDirectory(prefix="rgpt-bench-") as tmp:
        for n in sizes:
            log(f"  overhead: {n:,} stored memories ...")
            t = time.perf_counter()
            k = turns.get(n, 4) if isinstance(turns, dict) else turns
            rows.append(asyncio.run(measure_size(n, k, warmup, Path(tmp), baselines, reembed_max, rate, word_delay)))
            log(f"    done in {time.perf_counter() - t:.1f} s: median {rows[-1]['interactive']['median_ms']} ms "
                f"(reading time), {rows[-1]['back_to_back']['median_ms']} ms (back to back)")
    budgets = []
    by_n = {r["memories"]: r for r in rows}
    for n, limit in ((10_000, 50), (100_000, 150)):
        r = by_n.get(n)
        if r is None:
            budgets.append(common.budget(f"turn overhead at {n:,} memories", f"< {limit} ms", "not run (quick)", None,
                                         "run without --quick"))
            continue
        inter, b2b = r["interactive"], r["back_to_back"]
        budgets.append(common.budget(
            f"turn overhead at {n:,} memories", f"< {limit} ms",
            f"median {inter['median_ms']} ms / p95 {inter['p95_ms']} ms with reading time; "
            f"median {b2b['median_ms']} / p95 {b2b['p95_ms']} ms back to back; "
            f"without the save step: median {inter['without_save_median_ms']} / p95 {inter['without_save_p95_ms']} ms",
            inter["p95_ms"] is not None and inter["p95_ms"] < limit,
            f"TurnStats.overhead_ms over {inter['turns']} turns, scripted model, real embedder + LanceDB slot "
            "(met = p95 with reading time under budget)"))
    fw = [r["interactive"]["first_word_p95_ms"] for r in rows if r["interactive"]["first_word_p95_ms"] is not None]
    if fw:
        worst = max(fw)
        budgets.append(common.budget(
            "first word on screen (beyond the model's first token)", "< 50 ms",
            f"p95 {worst} ms at worst over story lengths {', '.join(str(r['memories']) for r in rows)} (with reading time)",
            worst < 50, "play() called -> first Delta, minus the model's own time to its first chunk"))
    result = {
        "suite": "overhead",
        "config": {"sizes": list(sizes), "turns": turns, "warmup": warmup, "word_delay_s": word_delay, "embed_rate_per_s": round(rate, 1) if rate else None},
        "rows": rows, "budgets": budgets, "notes": [],
    }
    if probe:
        result["embedder_probe"] = embed_probe()
    if baselines:
        result["baselines"] = baselines_report(result)
    return result
