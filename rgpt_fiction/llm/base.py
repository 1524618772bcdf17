"""What the engine needs of a language model, whatever serves it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import AsyncIterator, Callable, Protocol

from ..errors import ReaderError


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int | None = None  # prompt tokens the backend reused from its cache; None: not reported
    estimated: bool = False  # counted by us (characters / 4), not by the backend

    @property
    def evaluated(self) -> int | None:
        """Prompt tokens the backend had to evaluate after its cache, when it says."""
        return None if self.cached_tokens is None else self.prompt_tokens - self.cached_tokens


class Restart:
    """Yielded by a stream that failed after some text and is being retried: discard what came so far."""

    def __init__(self, reason: str):
        self.reason = reason


class LLMError(ReaderError):
    """A model call that finally failed. The message names the model, the cause and what to do."""

    def __init__(self, model: str, cause: str, hint: str = "", retryable: bool = False):
        self.model = model
        self.cause = cause
        self.hint = hint
        self.retryable = retryable
        text = f"{model}: {cause}"
        if hint:
            text += f" — {hint}"
        super().__init__(text)


class ChatModel(Protocol):
    name: str
    # True when a last assistant message is continued (the answer's first words are given), not
    # answered anew: the embedded models and Anthropic's; OpenAI-style servers answer it instead
    prefill: bool

    def stream(
        self, messages: list[dict], *, max_tokens: int, temperature: float, json_schema: dict | None = None,
        until: Callable[[str], bool] | None = None,
    ) -> AsyncIterator["str | Usage | Restart"]:
        """Yields text deltas, maybe Restart markers, and finally one Usage. Raises LLMError.
        `until(text so far)` returning True ends the answer there (the model stops writing)."""
        ...
