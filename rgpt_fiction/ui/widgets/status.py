"""The status line on top of the story: world, slot, turn, the last turn's time and the model.

What fits is decided by `fit`, a pure function of the parts and the width: on a narrow
terminal the least needed parts give way first (the slot, then the time), and what the
reader must know ("NOT SAVED") stays longest.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

from rich.text import Text
from textual.widgets import Static

SEPARATOR = " · "


class Part(NamedTuple):
    text: str
    style: str = ""
    keep: int = 0  # when the line is too narrow, the part with the lowest `keep` goes first


def fit(parts: Sequence[Part], width: int) -> list[Part]:
    """The parts that fit in `width` columns joined by SEPARATOR, dropping the lowest `keep`
    first (the earliest of equals); the last part standing is kept however long it is."""
    kept = list(parts)
    while len(kept) > 1 and sum(len(p.text) + len(SEPARATOR) for p in kept) - len(SEPARATOR) > width:
        kept.remove(min(kept, key=lambda p: p.keep))
    return kept


def story_parts(title: str | None, slot: str, model: str, *, turn: str = "", last_seconds: float | None = None,
                not_saved: bool = False) -> list[Part]:
    """The status of a story, most needed first: "NOT SAVED", the world, the turn (and its
    version), the model, the last turn's time, the slot."""
    parts = [Part("NOT SAVED", "bold red", 9)] if not_saved else []
    if title:
        parts.append(Part(title, "bold", 8))
    parts.append(Part(slot, "", 1))
    if turn:
        parts.append(Part(turn, "", 7))
    if last_seconds is not None:
        parts.append(Part(f"last turn {last_seconds:.1f}s", "", 2))
    parts.append(Part(model, "", 3))
    return parts


class StatusLine(Static):
    """One line, never wrapped: the parts that fit the terminal's width."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)

    def show(self, parts: Sequence[Part]) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, part in enumerate(fit(parts, (self.app.size.width or 80) - 2)):
            if i:
                text.append(SEPARATOR)
            text.append(part.text, style=part.style)
        self.update(text)
