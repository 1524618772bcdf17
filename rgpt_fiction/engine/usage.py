"""What a turn's model calls cost, added up as they stream: tokens, time, and speed."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..llm.base import Usage
from .events import TurnStats


@dataclass
class ModelUsage:
    """The sum of a turn's model calls. `evaluated` (prompt tokens the backend evaluated after its
    cache) is None as soon as one call does not say; `gen_*` time the generation from each call's
    first piece to its last, for tokens per second."""

    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    evaluated: int | None = 0
    gen_seconds: float = 0.0
    gen_tokens: int = 0

    def add(self, usage: Usage, first_piece: float | None) -> None:
        """One call's Usage; `first_piece` is when its first piece of text came (perf_counter)."""
        self.prompt_tokens += usage.prompt_tokens
        self.completion_tokens += usage.completion_tokens
        evaluated = usage.evaluated
        self.evaluated = None if evaluated is None or self.evaluated is None else self.evaluated + evaluated
        if first_piece is not None and usage.completion_tokens > 1:
            self.gen_seconds += time.perf_counter() - first_piece
            self.gen_tokens += usage.completion_tokens - 1

    def report(self, stats: TurnStats) -> None:
        """Write the sums into the turn's stats."""
        stats.prompt_tokens, stats.completion_tokens = self.prompt_tokens, self.completion_tokens
        stats.prompt_tokens_evaluated = self.evaluated
        stats.llm_seconds = round(self.seconds, 3)
        if self.gen_seconds > 0:
            stats.tokens_per_s = round(self.gen_tokens / self.gen_seconds, 2)
