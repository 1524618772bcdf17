"""The errors a reader may meet, as one clear line each (no tracebacks)."""

from __future__ import annotations


def describe(exc: BaseException) -> str | None:
    """A message for errors we know how to explain; None for real bugs (which keep their traceback)."""
    from .config import SettingsError
    from .engine.events import TurnError
    from .engine.story import PlanError
    from .llm.base import LLMError
    from .saves.lock import SlotLocked
    from .saves.slot import SlotError
    from .world.load import WorldError

    known = (SettingsError, TurnError, PlanError, LLMError, SlotLocked, SlotError, WorldError)
    if isinstance(exc, known):
        return str(exc)
    name = type(exc).__name__
    if name in ("CliError", "EmbedderError", "EmbeddedModelError"):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    return None


def transient(exc: BaseException) -> bool:
    """Whether waiting may fix the model failure behind `exc` (a rate limit, a server error, a
    dropped connection). Failures that are not model calls, or unknown, count as transient."""
    from .llm.base import LLMError

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, LLMError):
            return exc.retryable
        exc = exc.__cause__ or exc.__context__
    return True
