"""Slot names: what a slot may be called (a folder name on every system), and a name made from words."""

from __future__ import annotations

import re

from ..errors import ReaderError

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_NAME = re.compile(r"^[\w][\w .\-]{0,63}$", re.UNICODE)


class SlotError(ReaderError):
    """A slot that cannot be used: bad name, missing, corrupt. The message says which and why."""


def check_slot_name(name: str) -> str:
    """The name, stripped; raises SlotError saying what is wrong with it (path separators, dots,
    names reserved on some systems, length, characters)."""
    name = (name or "").strip()
    if not name:
        raise SlotError("a slot name cannot be empty")
    if "/" in name or "\\" in name:
        raise SlotError(f"slot name '{name}' must not contain path separators ('/' or '\\')")
    if name.startswith("."):
        raise SlotError(f"slot name '{name}' must not start with a dot (such folders are hidden or special)")
    if ".." in name:
        raise SlotError(f"slot name '{name}' must not contain '..'")
    if name.lower().split(".")[0] in _RESERVED:
        raise SlotError(f"slot name '{name}' is reserved on some systems; choose another")
    if name.endswith("."):
        raise SlotError(f"slot name '{name}' must not end with a dot (some systems drop it)")
    if len(name) > 64:
        raise SlotError(f"slot name '{name[:20]}…' is {len(name)} characters long; at most 64")
    if not re.match(r"\w", name):
        raise SlotError(f"slot name '{name}' must begin with a letter, a digit or '_'")
    if not _NAME.match(name):
        bad = sorted({c for c in name if not (c.isalnum() or c in " .-_")})
        shown = " ".join(repr(c) for c in bad)
        raise SlotError(
            f"slot name '{name}' may use letters, digits, spaces, '.', '-' and '_' only (not {shown})"
        )
    return name


def suggest_slot_name(*parts: str) -> str:
    """A slot name made from words (a world's title, the hero's name): `the-harbour-test-wren`."""
    text = "-".join(p for p in parts if p)
    slug = re.sub(r"[^\w]+", "-", text.casefold(), flags=re.UNICODE).strip("-_")
    return slug[:48] or "story"
