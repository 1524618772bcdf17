"""Retelling: a paragraph that tells again, in other words, what the last paragraphs told.

Eight-word copies are stopped while the model writes (the copy penalty) and counted by the
quality measures; a retelling keeps the events and changes the words ("The dust starts to move
again in a strange shimmering pattern" a turn after "The dust starts to move again, creating a
strange shimmering pattern"), so it is seen sentence by sentence, by meaning (the embedder).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .text import sentences, speech_units

RETOLD = 0.8  # cosine (all-MiniLM-L6-v2) at which a sentence tells again what an earlier one told
MIN_WORDS = 4  # shorter sentences ("You nod.") are not events


def story_sentences(text: str) -> list[str]:
    """The sentences of a paragraph that can tell an event (four words or more), each stripped. Split
    as `sentences` splits (a split of its own at every full stop put "You slip down the stairs,
    hearing Mrs." and "You go looking for Dr." in a harrowmere play's memory, the next prompt's
    story so far)."""
    return [s.strip() for s in sentences(text or "") if len(s.split()) >= MIN_WORDS]


def story_units(text: str) -> list[str]:
    """As `story_sentences`, with a line of speech kept whole (`speech_units`): what the memory takes
    from a paragraph in its own words."""
    return [s.strip() for s in speech_units(text or "") if len(s.split()) >= MIN_WORDS]


def retold_rate(paragraph: str, earlier: list[str], embed: Callable[[list[str]], np.ndarray],
                threshold: float = RETOLD) -> float:
    """Share of the paragraph's sentences that tell again what a sentence of the `earlier` paragraphs
    told. `embed(texts)` gives unit vectors."""
    own = story_sentences(paragraph)
    before = [s for p in earlier for s in story_sentences(p)]
    if not own or not before:
        return 0.0
    vecs = embed(own + before)
    sims = vecs[: len(own)] @ vecs[len(own):].T
    return round(float((sims.max(axis=1) >= threshold).mean()), 4)
