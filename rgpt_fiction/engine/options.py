"""How a turn is written: the reader's settings and the engine's guards, passed to every turn."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TurnOptions:
    n_plans: int = 3
    # the model's own paragraphs, about this long: at 120 words, blind readers of 15-turn plays of two worlds
    # would stop sooner (turns 2 and 5) than at 70 (turns 5 and 6), and a wending play's own turns took a
    # median 24.0 s against 21.5 s
    paragraph_words: int = 70
    memory_words: int = 150
    recall_k: int = 3
    recall_skip: int = 4  # the last turns of the path are not recalled (engine/recall.py says why)
    temperature: float = 0.8
    lore_budget_words: int = 120
    plan_similarity: float = 0.85  # plans closer than this (cosine) are near-duplicates
    loop_similarity: float = 0.92  # a paragraph closer than this to a recent one is a loop
    loop_window: int = 3
    played_window: int = 6  # plans played in the last turns of the path are not offered again
    offered_window: int = 2  # plans like those offered in the last turns are offered only when no new one is left
    event_every: int = 3  # a world event ends a paragraph every this many turns (0: never; engine/world_events.py)
    retold_loop: float = 0.5  # a paragraph whose sentences are this much retold is a loop
    # the prompt laid out for the cache: the update continues the paragraph's conversation and the
    # known start of the next prompt is evaluated while the reader reads (False: the layout before)
    cache_layout: bool = True
