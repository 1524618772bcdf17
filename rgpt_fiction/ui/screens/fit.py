"""Forms that fit: on a short terminal the text fields and buttons of a form lose their borders
(one row each instead of three), so every field and the buttons stay in sight at 80x24."""

from __future__ import annotations

from textual import events
from textual.widgets import Button, Input


class FitsHeight:
    """Mixed into a form Screen: fields go compact below `COMPACT_BELOW` rows."""

    COMPACT_BELOW = 30

    def on_resize(self, event: events.Resize) -> None:
        self.fit_height(event.size.height)

    def fit_height(self, rows: int | None = None) -> None:
        rows = rows if rows is not None else self.app.size.height  # type: ignore[attr-defined]
        compact = rows < self.COMPACT_BELOW
        for widget in self.query(Input):  # type: ignore[attr-defined]
            widget.compact = compact
        for widget in self.query(Button):  # type: ignore[attr-defined]
            widget.compact = compact
