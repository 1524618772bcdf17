"""The phase line under the story: what the storyteller is doing, how long the reader has
waited, and whether Esc cancels it; before the story opens, what it waits for.

This widget is the only writer of the line: the screen tells it what is happening
(`tell`, `turn_began`, `doing`, `turn_ended`) and it draws once a second while a turn runs.
"""

from __future__ import annotations

import time
from typing import Callable

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

PHASES = {
    "recalling": "Recalling what matters…",
    "writing": "The storyteller is writing…",
    "remembering": "Remembering and thinking of what could happen next…",
    "saving": "Saving…",
}
CANCELLABLE = ("recalling", "writing", "remembering")  # a save is not cancelled: it is not offered


class PhaseLine(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.clock: Callable[[], float] = time.monotonic  # the seconds waited are counted on this (tests hold it still)
        self.started = 0.0  # when the turn in progress began (on `clock`)
        self.label = ""  # what the turn in progress is doing
        self.cancellable = True
        self.note = ""  # shown while no turn runs
        self._ticker: Timer | None = None

    @property
    def ticking(self) -> bool:
        """Whether the line is redrawn once a second (while a turn runs)."""
        return self._ticker is not None

    def tell(self, note: str) -> None:
        """A line while no turn runs ("" for none): the story opening, the storyteller loading."""
        self.note = note
        self.redraw()

    def turn_began(self) -> None:
        self.started = self.clock()
        if self._ticker is None:
            self._ticker = self.set_interval(1.0, self.redraw)

    def doing(self, label: str, cancellable: bool | None = None) -> None:
        """What the turn does now; `cancellable` (unchanged when None) says whether Esc cancels it."""
        self.label = label
        if cancellable is not None:
            self.cancellable = cancellable
        self.redraw()

    def turn_ended(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.label = self.note = ""
        self.redraw()

    def redraw(self) -> None:
        if self.label:
            waited = int(self.clock() - self.started)
            text = f"{self.label}  {waited} s" + ("  (Esc cancels)" if self.cancellable else "")
        else:
            text = self.note
        self.update(Text(text, style="italic") if text else "")
