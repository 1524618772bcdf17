"""The memory panel: the short-term memory (editable), the facts, the facts the reader pinned (editable),
what was recalled (and what the storyteller saw), and a search.

The paper's promise is that memory is plain text people can read and edit; this is
where they do. The panel only shows and asks: it posts messages, and the story screen
talks to the engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Static, TextArea

if TYPE_CHECKING:
    from rgpt_fiction.engine.state import Node
    from rgpt_fiction.memory.rows import Recall


def recalls_text(recalls: Sequence[Recall], empty: str) -> Text:
    """Remembered things, each under where it comes from and how close it was: what a turn
    recalled, or what the reader's search found (`empty` says there is nothing)."""
    text = Text()
    if not recalls:
        text.append(empty, style="dim")
        return text
    for i, r in enumerate(recalls):
        if i:
            text.append("\n")
        where = "lore" if r.kind == "lore" else f"turn {r.turn}"
        text.append(f"{where} · {r.score:.2f}", style="bold")
        if r.reason:
            text.append(f" ({r.reason})", style="italic")
        text.append("\n" + r.text + "\n")
    return text


class MemoryPanel(VerticalScroll, can_focus=False):
    """Not a Tab stop itself: Tab goes straight to the memory text, Save and the search line."""

    BINDINGS = [Binding("ctrl+s", "save_memory", "Save the memory (or the pinned facts)")]

    class MemoryEdited(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class PinsEdited(Message):
        """The pinned facts as the reader wrote them, one a line."""

        def __init__(self, lines: list[str]) -> None:
            super().__init__()
            self.lines = lines

    class InspectRequested(Message):
        pass

    class SearchRequested(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield Static("Short-term memory", classes="panel-heading")
        yield Static("Used for the next turn. Edit it, then Save (ctrl+s).", classes="panel-hint")
        yield TextArea("", id="memory-text", soft_wrap=True, show_line_numbers=False)
        yield Button("Save memory", id="save-memory", variant="primary")
        yield Static("Facts", classes="panel-heading")
        yield Static("", id="facts", markup=False)
        yield Static("Pinned facts", classes="panel-heading")
        yield Static("Yours: in every prompt, never changed by the storyteller. One a line (at most 5); "
                     "ctrl+s saves.", classes="panel-hint")
        yield TextArea("", id="pinned-text", soft_wrap=True, show_line_numbers=False)
        yield Static("", id="pins-problem", classes="problem", markup=False)
        yield Button("Save pins", id="save-pins")
        yield Static("Recalled for this turn", classes="panel-heading")
        yield Static("", id="recalled", markup=False)
        yield Button("What the storyteller saw (i)", id="inspect-turn")
        yield Static("Search the long-term memory", classes="panel-heading")
        yield Input(placeholder="words, then Enter", id="memory-search")
        yield Static("", id="search-results", markup=False)

    def show_node(self, node: Node) -> None:
        self.query_one("#memory-text", TextArea).load_text(node.memory)
        facts = Text("\n".join(f"• {f}" for f in node.facts)) if node.facts else Text("No facts yet.", style="dim")
        self.query_one("#facts", Static).update(facts)
        self.query_one("#recalled", Static).update(recalls_text(node.retrieved, "Nothing was recalled for this turn."))
        self.query_one("#pinned-text", TextArea).load_text("\n".join(node.pinned))
        self.show_pins_problem("")

    def show_pins_problem(self, message: str) -> None:
        self.query_one("#pins-problem", Static).update(Text(message))

    def show_hits(self, hits: Sequence[Recall]) -> None:
        self.query_one("#search-results", Static).update(recalls_text(hits, "No memories match."))

    def show_search_error(self, message: str) -> None:
        self.query_one("#search-results", Static).update(Text(message))

    def action_save_memory(self) -> None:
        """ctrl+s: saves the pinned facts when they have the keys, else the short-term memory."""
        pins = self.query_one("#pinned-text", TextArea)
        if pins.has_focus:
            self.post_message(self.PinsEdited(pins.text.splitlines()))
            return
        self.post_message(self.MemoryEdited(self.query_one("#memory-text", TextArea).text))

    @on(Button.Pressed, "#save-pins")
    def save_pins_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.PinsEdited(self.query_one("#pinned-text", TextArea).text.splitlines()))

    @on(Button.Pressed, "#inspect-turn")
    def inspect_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.InspectRequested())

    @on(Button.Pressed, "#save-memory")
    def save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save_memory()

    @on(Input.Submitted, "#memory-search")
    def search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.query_one("#search-results", Static).update(Text("Searching…", style="dim"))
            self.post_message(self.SearchRequested(event.value.strip()))
