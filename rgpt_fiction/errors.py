"""The errors a reader may meet, as one clear line each (no tracebacks).

Every error whose message is written for the reader derives from `ReaderError`; `describe`
shows those as they are, explains an OSError, and returns None for anything else (a real
bug, which keeps its traceback). This module imports nothing from the package, so a new
kind of reader-facing error needs no change here.
"""

from __future__ import annotations


class ReaderError(Exception):
    """An error whose message is meant for the reader: it says what went wrong and where.

    `retryable` says whether waiting may fix it: True or False for a model call that failed,
    None when the error does not know (it is not a model call)."""

    retryable: bool | None = None


def describe(exc: BaseException) -> str | None:
    """A message for errors we know how to explain; None for real bugs (which keep their traceback)."""
    if isinstance(exc, ReaderError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    return None


def transient(exc: BaseException | None) -> bool:
    """Whether waiting may fix the model failure behind `exc` (a rate limit, a server error, a
    dropped connection). Failures that are not model calls, or unknown, count as transient."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ReaderError) and exc.retryable is not None:
            return exc.retryable
        exc = exc.__cause__ or exc.__context__
    return True
