"""The story so far: paragraphs and the reader's plans, newest at the bottom.

Every text is shown literally (rich Text objects, never markup). A new paragraph
streams into one Passage widget; the rest of the log is not touched per token. The
log is anchored to the bottom while the reader is at the bottom; scrolling up
releases it, scrolling back down re-anchors it.

To edit a paragraph the reader selects it: `start_selecting` (the Edit key) or a click
marks a passage and gives the log the keys (up/down choose, Enter or a second click
asks for its edit, Esc ends); the log only asks (EditRequested), the screen edits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence, cast

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    from rgpt_fiction.engine.state import Node

MAX_SHOWN = 200  # turns shown in the log; older ones stay in the save and the export


class Passage(Static):
    """One paragraph of the story. `append` adds streamed text to it."""

    def __init__(self, text: str = "", node_id: int | None = None, classes: str = "") -> None:
        super().__init__(Text(text), markup=False, classes=("passage " + classes).strip())
        self.text = text
        self.node_id = node_id

    def append(self, piece: str) -> None:
        self.text += piece
        self.update(Text(self.text))

    def reset(self) -> None:
        self.show("")

    def on_click(self, event: events.Click) -> None:
        if self.node_id is not None:
            self.post_message(StoryLog.PassageClicked(self))

    def show(self, text: str) -> None:
        """Replace what was streamed (the kept paragraph is cleaned and guarded after streaming)."""
        if text != self.text:
            self.text = text
            self.update(Text(text))


class PlanEcho(Static):
    """The plan that led to the next paragraph: the reader's own words or the plan they chose."""

    def __init__(self, plan: str, own: bool) -> None:
        text = Text()
        text.append("You: " if own else "» ", style="bold")
        text.append(plan)
        super().__init__(text, markup=False, classes="plan-echo " + ("own" if own else "chosen"))
        self.plan = plan


class LogTurn:
    """What one turn has put on the log: the plan echoed, the passage the paragraph streams into,
    and the passage a retry replaces (hidden meanwhile). `take_back` leaves the log as it was
    before the turn; `finish` shows the paragraph as the story keeps it."""

    def __init__(self, passage: Passage, added: list[Widget], hidden: Passage | None) -> None:
        self.passage, self.added, self.hidden = passage, added, hidden
        self.finished = False

    def take_back(self) -> None:
        for widget in self.added:
            widget.remove()
        if self.hidden is not None:
            self.hidden.display = True

    def finish(self, node: Node) -> None:
        self.passage.node_id = node.id
        self.passage.show(node.paragraph)  # echoes and choices made for the reader are cut from it
        self.passage.remove_class("writing")
        self.finished = True


class StoryLog(VerticalScroll, can_focus=False):
    """The scrolling story. Rebuilt on jumps in the tree; appended to on a new turn. Not a Tab stop
    (typing there would reach the hotkeys): PageUp/PageDown and the mouse scroll it. While the reader
    selects a paragraph to edit it has the keys."""

    BINDINGS = [
        Binding("up,k", "select(-1)", "Previous paragraph"),
        Binding("down,j", "select(1)", "Next paragraph"),
        Binding("enter,w", "edit_selected", "Edit it"),
        Binding("escape", "stop_selecting", "Done"),
    ]

    class PassageClicked(Message):
        def __init__(self, passage: Passage) -> None:
            super().__init__()
            self.passage = passage

    class EditRequested(Message):
        """The reader asks to edit the paragraph of turn `node_id`."""

        def __init__(self, node_id: int) -> None:
            super().__init__()
            self.node_id = node_id

    class SelectingEnded(Message):
        pass

    # --- selecting a paragraph to edit ---------------------------------------------------
    def _passages(self) -> list[Passage]:
        return [p for p in self.query(Passage) if p.node_id is not None and p.display]

    @property
    def selected(self) -> Passage | None:
        found = self.query(".passage.-selected")
        return cast(Passage, found.first()) if found else None

    def start_selecting(self, node_id: int | None = None) -> bool:
        """Mark the passage of turn `node_id` (default: the last) and take the keys; False when none is shown."""
        passages = self._passages()
        chosen = next((p for p in passages if p.node_id == node_id), passages[-1] if passages else None)
        if chosen is None:
            return False
        self._mark(chosen)
        self.can_focus = True
        self.focus()
        return True

    def _mark(self, passage: Passage) -> None:
        for other in self.query(".passage.-selected"):
            other.remove_class("-selected")
        passage.add_class("-selected")
        self.scroll_to_widget(passage, animate=False)

    def action_select(self, step: int) -> None:
        passages, current = self._passages(), self.selected
        if not passages:
            return
        i = passages.index(current) + step if current in passages else len(passages) - 1
        self._mark(passages[max(0, min(i, len(passages) - 1))])

    def action_edit_selected(self) -> None:
        current = self.selected
        if current is not None and current.node_id is not None:
            self.post_message(self.EditRequested(current.node_id))

    def action_stop_selecting(self) -> None:
        self.stop_selecting()
        self.post_message(self.SelectingEnded())

    def stop_selecting(self) -> None:
        for other in self.query(".passage.-selected"):
            other.remove_class("-selected")
        self.can_focus = False

    def on_blur(self) -> None:
        if not self.app.screen_stack or self.screen is self.app.screen:  # not when a dialog opened on top
            self.stop_selecting()

    def on_story_log_passage_clicked(self, message: PassageClicked) -> None:
        message.stop()
        if message.passage.has_class("-selected"):
            self.action_edit_selected()
        else:
            self.start_selecting(message.passage.node_id)

    def on_mount(self) -> None:
        self.anchor()

    async def show_path(self, nodes: Sequence[Node]) -> None:
        await self.remove_children()
        widgets: list[Widget] = []
        if len(nodes) > MAX_SHOWN:
            hidden = len(nodes) - MAX_SHOWN
            widgets.append(Static(Text(f"… {hidden} earlier turns (in the save and the export)"), classes="log-note"))
            nodes = nodes[-MAX_SHOWN:]
        for node in nodes:
            if node.plan:
                widgets.append(PlanEcho(node.plan, node.own_plan))
            widgets.append(Passage(node.paragraph, node.id))
        await self.mount_all(widgets)
        self.anchor()

    async def begin_turn(self, plan: str = "", own: bool = False, replace: bool = False) -> LogTurn:
        """A turn begins: its plan echoed (when it has one), the passage a retry replaces hidden,
        and a new passage to stream into."""
        hidden = self.last_passage() if replace else None
        if hidden is not None:
            hidden.display = False
        added: list[Widget] = [await self.add_plan(plan, own)] if plan else []
        passage = await self.begin_passage()
        return LogTurn(passage, [*added, passage], hidden)

    async def add_plan(self, plan: str, own: bool) -> PlanEcho:
        echo = PlanEcho(plan, own)
        await self.mount(echo)
        self._follow()
        return echo

    async def begin_passage(self) -> Passage:
        passage = Passage("", classes="writing")
        await self.mount(passage)
        self._follow()
        return passage

    def _follow(self) -> None:
        if self.is_anchored and not self._anchor_released:
            self.scroll_end(animate=False, immediate=False)

    def last_passage(self) -> Passage | None:
        found = self.query(Passage)
        return found.last() if found else None
