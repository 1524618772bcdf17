"""The plan the reader chose before the storyteller could take it: typed or picked while a paragraph
is written (or while the story opens), shown above the plan line, played as soon as it can be."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class QueuedPlan(Static):
    """Either a plan number (of the plans still to come) or the reader's own words; empty when hidden."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.number = 0
        self.words = ""
        self.display = False

    @property
    def pending(self) -> bool:
        return bool(self.number or self.words)

    def queue(self, number: int = 0, words: str = "", shown: str = "") -> None:
        """Queue plan `number` (`shown`: its words, when the plans are already on screen) or own `words`."""
        self.number, self.words = number, words
        text = Text()
        text.append("Next: ", style="bold")
        if number:
            text.append(f"{number}. {shown}" if shown else f"plan {number} of the plans to come")
        else:
            text.append(words)
        text.append("  · Esc takes it back", style="dim")
        self.update(text)
        self.display = True

    def take(self) -> tuple[int, str]:
        """(number, words) of the queued plan, and the queue is empty again."""
        queued = (self.number, self.words)
        self.number, self.words = 0, ""
        self.update("")
        self.display = False
        return queued
