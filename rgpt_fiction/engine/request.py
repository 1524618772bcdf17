"""What a turn is asked to write: the opening, a plan played, or a turn written again.

Every turn, the world's own opening included, is a TurnRequest handed to the one pipeline
(engine/turn.py); the request says what is given and what the model must still write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..memory.rows import MemoryRow, Recall
from ..world.model import World
from .parsing import usable_plans
from .text import clean

BEGIN = "Begin the story:"
OPENING_PLAN = f"{BEGIN} show the reader where they are and what is at stake."


def parent_plan_taken(plan: str) -> bool:
    """Whether `plan` is something the reader did (not the opening's own instruction)."""
    return bool(plan) and not plan.startswith(BEGIN)


@dataclass(frozen=True)
class TurnRequest:
    """One turn to write after `parent` (None: the opening) for `plan`.

    `seed` is a paragraph given rather than written (the world's opening); `plans` are next plans
    given rather than written (the world's first choices): with both, the model is not called and
    the short-term memory is derived. `rows` are stored in long-term memory with the turn (the
    world's lore, at the opening); `notices` are told to the reader before the turn begins;
    `recalls`, when given, are used instead of recalling for the plan. `pinned` are the reader's
    pinned facts for the prompt and the new turn (default: the parent's); `edited_from` names the
    turn whose paragraph the reader edited into `seed` (the model writes only the update)."""

    parent: int | None
    plan: str  # the plan taken; the instruction to begin for an opening the model writes; "" for a seeded one
    own: bool = False  # the reader typed the plan
    seed: str = ""
    plans: tuple[str, ...] = ()
    rows: tuple[MemoryRow, ...] = ()
    notices: tuple[str, ...] = ()
    recalls: tuple[Recall, ...] | None = None  # recalled before the reader chose (for the plans offered)
    pinned: tuple[str, ...] | None = None
    edited_from: int | None = None
    # the world author's outcome for the choice taken is the paragraph (`world_events.chosen_outcome`);
    # False when the reader asks for the turn again: the model writes it
    authored: bool = True

    @classmethod
    def opening(cls, world: World, lore: Sequence[MemoryRow], n_plans: int) -> TurnRequest:
        """The world's opening: its own paragraph with enough first choices (nothing to ask the
        model), its own paragraph the model must still remember and plan for, or none at all."""
        seed = clean(world.opening).strip()
        choices, _ = usable_plans([clean(c).strip() for c in world.first_choices], seed, n_plans)
        if seed and len(choices) >= n_plans:
            return cls(None, "", seed=seed, plans=tuple(choices), rows=tuple(lore))
        return cls(None, OPENING_PLAN, seed=seed, rows=tuple(lore))

    @property
    def given(self) -> bool:
        """Paragraph and plans are both given: the turn is written without the model."""
        return bool(self.seed and self.plans)
