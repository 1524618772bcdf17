"""The memory panel: the short-term memory (editable), the facts, what was recalled, and a search.

The paper's promise is that memory is plain text people can read and edit; this is
where they do. The panel only shows and asks: it posts messages, and the story screen
talks to the engine.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Static, TextArea


def recalled_text(retrieved: list[dict]) -> Text:
    text = Text()
    if not retrieved:
        text.append("Nothing was recalled for this turn.", style="dim")
        return text
    for i, r in enumerate(retrieved):
        if i:
            text.append("\n")
        where = "lore" if r.get("kind") == "lore" else f"turn {r.get('turn')}"
        text.append(f"{where} · {float(r.get('score', 0.0)):.2f}", style="bold")
        if r.get("reason"):
            text.append(f" ({r['reason']})", style="italic")
        text.append("\n" + str(r.get("text", "")) + "\n")
    return text


def hits_text(hits: list) -> Text:
    text = Text()
    if not hits:
        text.append("No memories match.", style="dim")
        return text
    for i, h in enumerate(hits):
        if i:
            text.append("\n")
        where = "lore" if h.kind == "lore" else f"turn {h.turn}"
        text.append(f"{where} · {h.score:.2f}", style="bold")
        text.append("\n" + h.text + "\n")
    return text


class MemoryPanel(VerticalScroll, can_focus=False):
    """Not a Tab stop itself: Tab goes straight to the memory text, Save and the search line."""

    BINDINGS = [Binding("ctrl+s", "save_memory", "Save memory")]

    class MemoryEdited(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

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
        yield Static("Recalled for this turn", classes="panel-heading")
        yield Static("", id="recalled", markup=False)
        yield Static("Search the long-term memory", classes="panel-heading")
        yield Input(placeholder="words, then Enter", id="memory-search")
        yield Static("", id="search-results", markup=False)

    def show_node(self, node) -> None:
        self.query_one("#memory-text", TextArea).load_text(node.memory)
        facts = Text("\n".join(f"• {f}" for f in node.facts)) if node.facts else Text("No facts yet.", style="dim")
        self.query_one("#facts", Static).update(facts)
        self.query_one("#recalled", Static).update(recalled_text(node.retrieved))

    def show_hits(self, hits: list) -> None:
        self.query_one("#search-results", Static).update(hits_text(hits))

    def show_search_error(self, message: str) -> None:
        self.query_one("#search-results", Static).update(Text(message))

    def action_save_memory(self) -> None:
        self.post_message(self.MemoryEdited(self.query_one("#memory-text", TextArea).text))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save-memory":
            event.stop()
            self.action_save_memory()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "memory-search":
            event.stop()
            if event.value.strip():
                self.query_one("#search-results", Static).update(Text("Searching…", style="dim"))
                self.post_message(self.SearchRequested(event.value.strip()))
