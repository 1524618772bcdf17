"""Repairs for answers the model could not get right after a retry: keep the paragraph,
derive what is missing, so the reader always gets a memory and N distinct plans."""

from __future__ import annotations

import re

from ..world.model import World
from .parsing import close_speech
from .text import clip_words, overlap, speech_units, word_count

_TEMPLATES = [
    "Press on boldly toward {thing}.",
    "Hold back and study {thing} carefully before acting.",
    "Ask {person} what they know about {thing}.",
    "Look for a clever way to turn {thing} to your advantage.",
    "Search the surroundings for something you have missed.",
    "Retrace your steps and think over what has just happened.",
    "Call out and see who answers.",
    "Find somewhere safe to rest and gather your strength.",
]


# "the <noun>" where the next word ends the phrase: two words were taken before, and a lowtide play offered
# "Press on boldly toward the councilman kept." (a fresh reader quoted it as garbled)
_THE_NOUN = re.compile(r"\bthe ([a-z]{4,})(?=\s+(?:of|in|on|at|to|and|or|with|from|by|for|behind|under|near|into|"
                       r"across|beside|outside|inside)\b|[^\w\s'-]|\s*$)")


def _salient(paragraph: str, world: World) -> tuple[str, str]:
    """A person and a thing the paragraph mentions, for concrete fallback plans: the thing one of the
    world's lore keys the paragraph names (the longest), else the last "the <noun>" that ends a phrase."""
    names = [c.name for c in world.characters if c.name]
    person = next((n for n in names if n.split()[0].lower() in paragraph.lower()), None)
    person = person or (names[0] if names else "the nearest person")
    keys = sorted({k for entry in world.lore for k in entry.keys
                   if k[:1].islower() and re.search(rf"\b{re.escape(k)}\b", paragraph, re.I)}, key=len)
    nouns = _THE_NOUN.findall(paragraph)
    thing = "the " + re.sub(r"^the\s+", "", keys[-1]) if keys else f"the {nouns[-1]}" if nouns else "what lies ahead"
    return person, thing


def fallback_plans(paragraph: str, world: World, have: list[str], n: int) -> list[str]:
    person, thing = _salient(paragraph, world)
    plans = list(have)
    for template in _TEMPLATES:
        if len(plans) >= n:
            break
        plan = template.format(person=person, thing=thing)
        if all(overlap(plan, p) <= 0.6 for p in plans):
            plans.append(plan)
    return plans[:n]


def fallback_memory(previous: str, paragraph: str, budget: int) -> str:
    """Older memory (its most recent part) followed by the new paragraph's opening, within budget."""
    half = budget // 2
    prev_words = previous.split()
    tail = " ".join(prev_words[-half:]) if prev_words else ""
    return clip_words((tail + " " + paragraph).strip(), budget)


HAPPENED_SENTENCES = 2  # of the model's answer, at most
HAPPENED_MAX_WORDS = 45
SAME_SENTENCE = 0.7  # word overlap at which a sentence says what a memory sentence says


def roll_memory(previous: str, happened: str, budget: int) -> str:
    """The short-term memory after a turn: what it held, then what just happened, its oldest
    sentences dropped until it fits the budget. The model is asked only for the one new sentence
    (rewriting the whole memory, the 1.5B model copied the old one out unchanged, turn after turn,
    and the story circled back to the scene it was stuck on)."""
    kept = [s.strip() for s in speech_units(previous) if s.strip()]  # a line of speech is kept or dropped whole
    told = [_ended(s.strip()) for s in speech_units(happened) if s.strip()][:HAPPENED_SENTENCES]
    # what the memory already says is not said twice (the model copied memory sentences into its answer)
    told = [s for s in told if all(overlap(s, k) <= SAME_SENTENCE for k in kept)]
    new = close_speech(_ended(clip_words(" ".join(told), min(budget, HAPPENED_MAX_WORDS)))) if told else ""
    while kept and word_count(" ".join(kept)) + word_count(new) > budget:
        kept.pop(0)
    return " ".join([*kept, new]) if new else " ".join(kept)


def _ended(sentence: str) -> str:
    """A sentence with its full stop (the model's last one often has none)."""
    return sentence if sentence[-1] in ".!?…\"'”’)" else sentence + "."
