"""The world's own events: things the author wrote to happen to the hero, told in order, one every
few turns, each as the last lines of a paragraph, with the choices the author wrote for it offered
first (engine/update.py).

Why: shown an outline line in the prompt ("Where the story goes next: Lieutenant Okafor finds you
and warns you off the case"), the 1.5B model brought it about in none of 6 resampled paragraphs; it
follows the reader's plan and the last paragraph. An event the game tells itself happens for certain,
at the end of the paragraph, so the model's plans answer it and the reader's choice does not get cut
short by it."""

from __future__ import annotations

from typing import Sequence

from .state import Node
from .text import ends_sentence, normalize


def due_event(events: Sequence[object], path: Sequence[Node], every: int) -> int | None:
    """The index of the world event the turn after `path` (the opening first, its parent last) tells,
    or None: events are told in order, the first at turn `every - 1`, each next one `every` turns after
    the last told on this path (so a branch tells them on its own, and a turn written again tells the
    same one)."""
    if every <= 0 or not path:
        return None
    told = [n for n in path if n.event is not None]
    if len(told) >= len(events):
        return None
    last = told[-1].depth if told else -1
    return len(told) if path[-1].depth + 1 - last >= every else None


def told_event(paragraph: str, event: str) -> str:
    """The paragraph with the event told after it, as its own lines (the paragraph's last sentence
    closed first, so the two are never read as one sentence)."""
    paragraph = paragraph.rstrip()
    if paragraph and not ends_sentence(paragraph):
        paragraph += "."
    return paragraph + "\n\n" + event.strip()


def chosen_outcome(events: Sequence[object], parent: Node | None, plan: str) -> str:
    """The outcome the world's author wrote for the event choice the reader just took ("" when the
    plan is not one of the choices of the event the last paragraph ended with, or has none): the
    next paragraph opens with it. Given the plan alone, the 1.5B model echoed the choice and drifted
    ("You ask Okafor why he is telling you this now" was answered by Okafor asking it himself)."""
    if parent is None or parent.event is None or not 0 <= parent.event < len(events):
        return ""
    event = events[parent.event]
    wanted = normalize(plan)
    for choice, outcome in zip(getattr(event, "choices", []), getattr(event, "outcomes", [])):
        if normalize(choice) == wanted:
            return outcome.strip()
    return ""
