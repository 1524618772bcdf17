"""Suite: a tree of 1,000 turns (issue 5). Navigation (undo, redo, alternatives, go to) and
path-filtered retrieval must stay under 50 ms.

The tree is grown like a reader who often undoes and branches: each new node's parent is
the current node most of the time, otherwise a random earlier node. Every node has a real
LanceDB row (random unit vector: the search cost does not depend on what vectors mean).
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from pathlib import Path

from . import common
from .common import budget, median, p95


def _grow(story, slot, n: int, seed: int) -> None:
    import numpy as np

    from rgpt_fiction.memory.rows import MemoryRow

    rng = random.Random(seed)
    rng_np = np.random.default_rng(seed)
    game = story.game
    rows = []
    for i in range(len(game.nodes), n):
        parent = game.current if rng.random() < 0.8 else rng.randrange(i)
        node = common.filler_node(i, rng, common.paragraph(rng, 60) + f" (node {i})")
        node.parent = parent
        game.add(node)
        rows.append(MemoryRow.paragraph(i, node.depth, node.paragraph))
    story.memory.add(rows, common.unit_vectors(rng_np, len(rows)))
    story.memory.compact()
    slot.save(game)


async def _main(n: int, ops: int, log) -> dict:
    from rgpt_fiction.llm.scripted import ScriptedModel

    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        story, slot = await common.start_story(Path(tmp), ScriptedModel(), name="tree")
        try:
            _grow(story, slot, n, seed=5)
            game = story.game
            depths = [node.depth for node in game.nodes.values()]
            ids = list(game.nodes)
            timings: dict[str, list[float]] = {k: [] for k in ("goto", "undo", "redo", "alt", "path", "retrieve")}
            vec = common.unit_vectors(__import__("numpy").random.default_rng(1), 1)[0]
            for _ in range(ops):
                for name, action in (
                    ("goto", lambda: story.goto(rng.choice(ids))),
                    ("undo", story.undo),
                    ("redo", story.redo),
                    ("alt", lambda: story.alt(1)),
                    ("path", lambda: game.path_ids()),
                    ("retrieve", lambda: story.memory.search_path(vec, 3, game.path_ids()[:-1])),
                ):
                    t = time.perf_counter()
                    action()
                    timings[name].append((time.perf_counter() - t) * 1000)
            branches = sum(1 for i in ids if len(game.children(i)) > 1)
        finally:
            slot.close()
    rows = [{"operation": k, "median_ms": median(v), "p95_ms": p95(v), "n": len(v)} for k, v in timings.items()]
    worst = max(r["p95_ms"] for r in rows)
    log(f"  tree of {n} nodes, {branches} branch points, max depth {max(depths)}: worst p95 {worst} ms")
    return {
        "suite": "tree",
        "config": {"nodes": n, "operations_each": ops, "branch_points": branches, "max_depth": max(depths)},
        "rows": rows,
        "budgets": [budget("tree navigation and path retrieval (1,000 nodes)", "< 50 ms", f"worst p95 {worst} ms",
                           worst < 50, "goto/undo/redo/alt (each autosaves), path walk, LanceDB search on the path")],
        "notes": ["navigation includes the autosave that follows every change of node"],
    }


def run(nodes: int = 1000, ops: int = 30, log=print) -> dict:
    return asyncio.run(_main(nodes, ops, log))
