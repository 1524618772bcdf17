"""Facts the reader pins: kept on the turn (a list on the node, copied to every turn written after
it, so they rewind with undo and differ from branch to branch), always in the paragraph prompt in a
part of their own, and never touched by the model's update (they are the reader's, not the model's).

The prompt stays flat: at most MAX_PINNED facts of at most PIN_WORDS words each, so the part never
needs cutting (its word budget, prompts.BUDGET["pinned"], holds them all).
"""

from __future__ import annotations

from ..errors import ReaderError
from .text import clean, word_count

MAX_PINNED = 5
PIN_WORDS = 20
PINNED_WORDS = MAX_PINNED * PIN_WORDS  # the prompt part's word budget: every pin always fits


class PinError(ReaderError, ValueError):
    """A pin that cannot be kept as it is (empty, too long, one too many, not there); the message says why."""


def pin_text(text: str) -> str:
    """The reader's fact made safe (control characters stripped, one line); PinError when it is empty or
    longer than a pin may be."""
    fact = " ".join(clean(text or "").split())
    if not fact:
        raise PinError("the fact to pin is empty: write what must stay true, e.g. /pin Mara is alive")
    words = word_count(fact)
    if words > PIN_WORDS:
        raise PinError(f"a pinned fact is at most {PIN_WORDS} words (this one has {words}): say it shorter, "
                       "or pin it as two facts")
    return fact


def pinned_with(pinned: list[str], text: str) -> list[str]:
    """`pinned` with one more fact; PinError when it is bad, already pinned or one too many."""
    fact = pin_text(text)
    if fact.casefold() in (p.casefold() for p in pinned):
        raise PinError(f"'{fact}' is already pinned")
    if len(pinned) >= MAX_PINNED:
        raise PinError(f"at most {MAX_PINNED} facts can be pinned (the prompt keeps its size): unpin one first")
    return [*pinned, fact]


def _index(pinned: list[str], number: int) -> int:
    if not pinned:
        raise PinError("no fact is pinned on this turn")
    if not 1 <= number <= len(pinned):
        raise PinError(f"there is no pinned fact {number}: the pinned facts are numbered 1 to {len(pinned)}")
    return number - 1


def pinned_edited(pinned: list[str], number: int, text: str) -> list[str]:
    """`pinned` with fact `number` (from 1) reworded; PinError when there is no such fact or the text is bad."""
    i = _index(pinned, number)
    fact = pin_text(text)
    if any(p.casefold() == fact.casefold() for j, p in enumerate(pinned) if j != i):
        raise PinError(f"'{fact}' is already pinned")
    return [*pinned[:i], fact, *pinned[i + 1:]]


def pinned_without(pinned: list[str], number: int) -> list[str]:
    """`pinned` without fact `number` (from 1); PinError when there is no such fact."""
    i = _index(pinned, number)
    return [*pinned[:i], *pinned[i + 1:]]


def pinned_from(lines: list[str]) -> list[str]:
    """The pinned facts as the reader wrote them, one a line (blank lines skipped): what the memory panel
    saves. PinError naming the fact (by its number) when one cannot be pinned."""
    pinned: list[str] = []
    for line in (line for line in lines if line.strip()):
        try:
            pinned = pinned_with(pinned, line)
        except PinError as exc:
            raise PinError(f"pinned fact {len(pinned) + 1}: {exc}") from None
    return pinned
