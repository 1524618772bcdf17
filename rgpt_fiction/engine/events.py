"""What a turn yields to whoever shows it: text as it is written, then the finished turn.

`TurnEvent` is the union of them all. Whoever shows a turn (the story screen, line mode)
handles it in one `match` ending in `assert_never`, so a new kind of event is a type error
in every consumer that does not show it yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..errors import ReaderError
from .state import Node

PhaseName = Literal["recalling", "writing", "remembering", "saving"]


@dataclass
class Delta:
    """A piece of the new paragraph, as the model writes it."""

    text: str


@dataclass
class Restart:
    """Discard the partial paragraph shown so far: it is being written again."""

    reason: str


@dataclass
class Notice:
    """Something the reader should know about their input (e.g. a plan that was shortened)."""

    text: str


@dataclass
class Phase:
    """What the turn is doing now: 'recalling', 'writing', 'remembering', 'saving'."""

    name: PhaseName


@dataclass
class PlansReady:
    """The next plans, written and checked while the memory is still being written: the reader can
    read and choose; a choice made now is played once the turn is stored (TurnDone)."""

    plans: list[str]


@dataclass
class TurnStats:
    turn: int
    node: int
    prompt_tokens: int = 0
    completion_tokens: int = 0
    llm_seconds: float = 0.0
    overhead_ms: float = 0.0
    total_seconds: float = 0.0
    memories_stored: int = 0
    retrieved: list[int] = field(default_factory=list)  # turn numbers recalled (-1: lore)
    lore: list[str] = field(default_factory=list)  # why each lore entry came in
    plans: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)  # causes of retries and repairs
    loop_regenerations: int = 0
    plan_similarity_max: float = 0.0
    plan_similarity_mean: float = 0.0
    paragraph_words: int = 0
    model: str = ""
    save_error: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)  # where the overhead went, by step
    # where the reader feels it (seconds from the pick): the first word on screen, the plans on
    # screen, the turn stored; the paragraph's own streaming time; prompt tokens the backend had to
    # evaluate after its cache (None when it does not say); generation speed
    first_word_s: float | None = None
    plans_shown_s: float | None = None
    turn_s: float | None = None
    stream_s: float | None = None
    prompt_tokens_evaluated: int | None = None
    prompt_tokens_prewarmed: int = 0  # evaluated ahead of the pick, while the reader read
    tokens_per_s: float | None = None
    world_event: int | None = None  # the world event told at the end of the paragraph (its index)
    authored_opening: bool = False  # the paragraph opened with the outcome the world's author wrote for the choice taken
    told_back: bool = False  # its first sentence, the choice told back alone, was left out (`prompts.without_echo`)


@dataclass
class TurnDone:
    """The turn is stored (long-term memory, the game, the save): the last event of a turn."""

    node: Node
    stats: TurnStats


# What the pipeline yields while it writes (engine/turn.py), and what a whole turn yields (engine/story.py).
DraftEvent = Delta | Restart | Notice | Phase | PlansReady
TurnEvent = Delta | Restart | Notice | Phase | PlansReady | TurnDone


class TurnError(ReaderError):
    """A turn that failed; the story is exactly as it was before the turn."""
