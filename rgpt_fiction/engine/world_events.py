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
from ..world.names import name_words
from .state import Node
from .text import ends_sentence, normalize

# An event that brings in a person the paragraph before it already has in the scene tells them arriving a second
# time: "Augustus Vail's buggy pulls up beside you" after a paragraph of Vail talking at your side (a blind judge
# marked all four versions of that turn as contradicted by the event), "Temür Noyan rides up beside you" after Temür
# Noyan asked you something. In nine 30-turn plays, 16 of 77 paragraphs that ended with an event naming one of the
# world's people already named them. Such an event waits for a later turn, at most HOLD_TURNS turns; the author
# names the person it brings in (`arrives`): taken as the first person its text names, "Bahadur looks at the sky
# and says nothing" was held while Bahadur was at your side, where it fitted, and told two turns later at an inn
# he was not at.
HOLD_TURNS = 2
EVENT_HELD = "world event held: its person is already in the scene"


def due_event(events: Sequence[object], path: Sequence[Node], every: int) -> int | None:
    """The index of the world event the turn after `path` (the opening first, its parent last) tells,
    or None: events are told in order, the first at turn `every - 1`, each next one `every` turns after
    the last told on this path (so a branch tells them on its own, and a turn written again tells the
    same one)."""
    if every <= 0 or not path:
        return None
    told = sum(n.event is not None for n in path)
    if told >= len(events):
        return None
    return told if _since_last(path) >= every else None


def turns_late(path: Sequence[Node], every: int) -> int:
    """How many turns after it was due the event `due_event` gives for the turn after `path` is (0: on time)."""
    return max(0, _since_last(path) - every) if path else 0


def _since_last(path: Sequence[Node]) -> int:
    """Turns from the last event told on `path` (or from before the opening) to the turn after it."""
    last = next((n.depth for n in reversed(path) if n.event is not None), -1)
    return path[-1].depth + 1 - last


def waits(arrives: str, paragraph: str, late: int) -> bool:
    """Whether an event that brings in the person `arrives` (the world file's `arrives`) waits for a later turn:
    the narration of the `paragraph` it would end (not its quoted speech: "Have you seen Vail?") already names
    them, and it is less than HOLD_TURNS turns `late`. Two turns late it is told all the same: a person who
    stays in the scene does not stop the story."""
    from ..quality import names_person

    return late < HOLD_TURNS and bool(arrives) and names_person(paragraph, name_words(arrives))


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
