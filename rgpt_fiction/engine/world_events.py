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

from ..world.model import World
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


def chosen_outcome(world: World, parent: Node | None, plan: str) -> tuple[str, list[str]]:
    """The outcome the world's author wrote for the choice the reader just took, with the follow-ups they
    wrote for it: one of the choices of the event the last paragraph ended with, or one of the first choices
    after the world's opening (("", []) when the plan is not such a choice, or it has no outcome). The outcome
    is the next paragraph, and its follow-ups are the first plans offered after it. Given the plan alone,
    the 1.5B model echoed the choice and drifted ("You ask Okafor why he is telling you this now" was answered
    by Okafor asking it himself); asked for the plans after an outcome, it offered ones that did not take it
    up ("Ask the librarian for help"), and readers said the story dropped the author's beats."""
    if parent is None:
        return "", []
    if parent.event is not None and 0 <= parent.event < len(world.events):
        event = world.events[parent.event]
        choices, outcomes, follow_ups = event.choices, event.outcomes, event.follow_ups
    elif parent.parent is None and parent.edited_from is None:  # the world's opening (not one the reader rewrote)
        choices, outcomes, follow_ups = world.first_choices, world.first_outcomes, world.first_follow_ups
    else:
        return "", []
    wanted = normalize(plan)
    at = next((i for i, choice in enumerate(choices[:len(outcomes)]) if normalize(choice) == wanted), None)
    if at is None:
        return "", []
    return outcomes[at].strip(), list(follow_ups[at]) if at < len(follow_ups) else []
