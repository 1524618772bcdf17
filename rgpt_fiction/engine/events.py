"""What a turn yields to whoever shows it: text as it is written, then the finished turn."""

from __future__ import annotations

from dataclasses import dataclass, field

from .state import Node


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

    name: str


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
    timings_ms: dict = field(default_factory=dict)  # where the overhead went, by step


@dataclass
class TurnDone:
    node: Node
    stats: TurnStats


class TurnError(Exception):
    """A turn that failed; the story is exactly as it was before the turn."""
