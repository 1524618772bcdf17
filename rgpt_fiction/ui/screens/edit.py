"""The dialogs of an edit: the paragraph in a text area (ctrl+s saves, Esc cancels), and what becomes of
the turns after it (keep them as they were, or write them again from their plans)."""

from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea


class EditScreen(ModalScreen[str | None]):
    """Edit one paragraph; dismisses with the new text, or None when cancelled. `check` returns why the
    text cannot be saved ("" when it can): the dialog stays open with the reader's words."""

    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("escape", "cancel", "Cancel")]

    def __init__(self, heading: str, text: str, check: Callable[[str], str]) -> None:
        super().__init__(classes="dialog-screen")
        self.heading, self.text, self.check = heading, text, check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="edit-box"):
            yield Static(Text(self.heading, style="bold"), classes="dialog-question")
            yield TextArea(self.text, id="edit-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="problem", classes="problem", markup=False)
            yield Static("ctrl+s saves it as a new version (the old one is kept) · Esc cancels · F7 selects all",
                         classes="panel-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        area = self.query_one("#edit-text", TextArea)
        area.move_cursor(area.document.end)  # at the end, where a reader goes on writing
        area.focus()

    def action_save(self) -> None:
        text = self.query_one("#edit-text", TextArea).text
        problem = self.check(text)
        if problem:
            self.query_one("#problem", Static).update(Text(problem[:1].upper() + problem[1:] + "."))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)


class LaterScreen(ModalScreen[str | None]):
    """Ask what becomes of the turns after an edited one: "keep", "rewrite", or None (cancel the edit)."""

    BINDINGS = [Binding("k", "answer('keep')", "Keep them"), Binding("r", "answer('rewrite')", "Rewrite them"),
                Binding("escape", "answer('')", "Cancel")]

    def __init__(self, after: int) -> None:
        super().__init__(classes="dialog-screen")
        self.after = after

    def compose(self) -> ComposeResult:
        turns = "The turn" if self.after == 1 else f"The {self.after} turns"
        with Vertical(classes="dialog"):
            yield Static(Text(f"{turns} after this one were written from the old paragraph. Keep them as they "
                              "are (k), or write them again from their plans on your version (r)? Either way, "
                              "undo (u) brings the story back as it was."), classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Keep them", variant="primary", id="keep")
                yield Button("Rewrite them", id="rewrite")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer("" if event.button.id == "cancel" else str(event.button.id))

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer or None)
