"""Long-term memory in a turn: what is recalled into the prompt, and whether a new paragraph
only repeats the story."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from ..memory.rows import LORE_NODE, Recall
from ..memory.rows import LongTermMemory
from ..world.model import Lore
from .retelling import retold_rate
from .vectors import VectorCache


async def recall(
    memory: LongTermMemory, vectors: VectorCache, lore: list[Lore], *, plan: str, short_term: str, last: str,
    path: list[int], k: int, lore_budget_words: int, skip: int = 1,
) -> list[Recall]:
    """Paragraphs on the path (but the last, which the prompt shows anyway) and lore entries near
    the plan and the short-term memory. The two LanceDB searches run at once: each has a fixed
    cost that would otherwise add up."""
    vec = await asyncio.to_thread(vectors.query, plan, short_term)
    # the last `skip` turns are not recalled: the last paragraph is in the prompt, and the turns before
    # it are in the short-term memory; a paragraph recalled from them is one the model tells again
    older = path[:-skip] if skip > 0 else path
    hits, similar = await asyncio.gather(
        asyncio.to_thread(memory.search_path, vec, k, older),
        asyncio.to_thread(memory.search_lore, vec, 4) if lore else asyncio.sleep(0, []),
    )
    recalls = [replace(h, score=round(h.score, 4), kind="paragraph") for h in hits]
    if lore:
        from ..world.lore import select_lore

        scores = [(h.lore_index, h.score) for h in similar]
        for hit in select_lore(lore, [plan, last], scores, budget_words=lore_budget_words):
            score = next((s for i, s in scores if i == hit.index), 0.0)
            recalls.append(Recall(hit.text, -1, round(score, 4), "lore", hit.reason, LORE_NODE, hit.index))
    return recalls


async def recall_offered(
    memory: LongTermMemory, vectors: VectorCache, lore: list[Lore], *, plans: list[str], short_term: str, last: str,
    path: list[int], k: int, lore_budget_words: int, skip: int = 1,
) -> list[Recall]:
    """What to recall before the reader chooses, for the plans they are offered: each plan's nearest
    paragraphs, taken in turns (the best of every plan first, then the second best...) up to `k`,
    and the lore their keys or their meaning bring in. So the chosen plan's best memory is there,
    and the whole prompt but the plan is known (and evaluated by a model with a cache) while the
    reader reads."""
    if not plans:
        return await recall(memory, vectors, lore, plan="", short_term=short_term, last=last, path=path, k=k,
                            lore_budget_words=lore_budget_words, skip=skip)
    vecs = await asyncio.to_thread(lambda: [vectors.query(p, short_term) for p in plans])
    older = path[:-skip] if skip > 0 else path
    found = await asyncio.gather(
        *(asyncio.to_thread(memory.search_path, v, k, older) for v in vecs),
        *((asyncio.to_thread(memory.search_lore, v, 4) for v in vecs) if lore else ()),
    )
    ranked, similar = found[:len(plans)], [h for hits in found[len(plans):] for h in hits]
    recalls: list[Recall] = []
    for rank in range(k):
        for hits in ranked:
            if rank < len(hits) and len(recalls) < k and all(r.node != hits[rank].node for r in recalls):
                recalls.append(replace(hits[rank], score=round(hits[rank].score, 4), kind="paragraph"))
    if lore:
        from ..world.lore import select_lore

        best: dict[int, float] = {}
        for h in similar:
            best[h.lore_index] = max(best.get(h.lore_index, 0.0), h.score)
        scores = sorted(best.items(), key=lambda item: -item[1])
        for hit in select_lore(lore, [*plans, last], scores, budget_words=lore_budget_words):
            recalls.append(Recall(hit.text, -1, round(best.get(hit.index, 0.0), 4), "lore", hit.reason, LORE_NODE,
                                  hit.index))
    return recalls


def lore_for_plan(recalls: list[Recall], lore: list[Lore], plan: str, last: str, budget_words: int) -> list[Recall]:
    """The recalls made ahead for the plans offered, with their lore chosen again for the `plan` the reader took.
    Ahead, the keys of all the plans compete for the budget, and the plan taken could be left without its own:
    in a dustchoir play, "Take the bent coin to the assayer and ask its source" was written with the lore of Lost
    Side and Sam Carvell (the keys of the plan offered first), not that of the coin or the assayer. Entries kept
    are the same recalls, so a prompt whose lore does not change is the one the model's cache holds."""
    if not lore:
        return recalls
    from ..world.lore import select_lore

    ahead = {r.lore_index: r for r in recalls if r.kind == "lore"}
    scores = [(r.lore_index, r.score) for r in ahead.values() if r.reason.startswith("similar")]
    chosen = []
    for hit in select_lore(lore, [plan, last], scores, budget_words=budget_words):
        was = ahead.get(hit.index)
        chosen.append(was if was is not None and was.reason == hit.reason else
                      Recall(hit.text, -1, was.score if was else 0.0, "lore", hit.reason, LORE_NODE, hit.index))
    return [r for r in recalls if r.kind != "lore"] + chosen


def is_loop(vectors: VectorCache, paragraph: str, recent: list[str], threshold: float, retold: float = 1.01) -> bool:
    """Whether `paragraph` says again what the `recent` paragraphs said: as a whole (cosine above
    `threshold`), or sentence by sentence in other words (a share `retold` of its sentences or more:
    `retelling`). Embeds the paragraph either way: long-term memory stores that vector."""
    vecs = vectors.many([paragraph, *recent])
    if not recent:
        return False
    if float((vecs[1:] @ vecs[0]).max()) > threshold:
        return True
    return retold_rate(paragraph, recent, vectors.embedder.embed) >= retold


def loops(vectors: VectorCache, paragraph: str, recent: list[str], recalled: list[str], similarity: float,
          retold: float) -> bool:
    """The loop guard: the last paragraphs told again (as a whole or sentence by sentence), or a
    recalled older paragraph copied as a whole."""
    return is_loop(vectors, paragraph, recent, similarity, retold) or is_loop(vectors, paragraph, recalled, similarity)
