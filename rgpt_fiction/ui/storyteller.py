"""The storyteller as the app waits for it: which heavy modules are loaded (none before the title is
shown), the message the loading thread posts, the error a turn meets when loading failed, and the
first start's progress line."""

from __future__ import annotations

import sys

from textual.message import Message

from rgpt_fiction.errors import ReaderError

HEAVY_MODULES = ("litellm", "torch", "sentence_transformers", "lancedb", "llama_cpp", "pyarrow")


def heavy_loaded() -> list[str]:
    """The heavy modules imported so far (they must not be before the title is shown)."""
    return [m for m in HEAVY_MODULES if m in sys.modules]


class StorytellerLoaded(Message):
    """Posted (from the loading thread) when the model and embedder are ready, or failed."""

    def __init__(self, error: str = "") -> None:
        super().__init__()
        self.error = error


class NoStoryteller(ReaderError, RuntimeError):
    """The model or the embedder could not load; the message says why (a turn waits on them)."""


def unpacking_text(done: int, total: int) -> str:
    """The line shown while the model file is assembled on the first start ("" once it is done)."""
    if done >= total:
        return ""
    return f"Unpacking the storyteller (first start only): {done * 100 // total} % of {total / 2**20:,.0f} MiB"
