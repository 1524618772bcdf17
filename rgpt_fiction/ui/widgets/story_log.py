"""The story so far: paragraphs and the reader's plans, newest at the bottom.

Every text is shown literally (rich Text objects, never markup). A new paragraph
streams into one Passage widget; the rest of the log is not touched per token. The
log is anchored to the bottom while the reader is at the bottom; scrolling up
releases it, scrolling back down re-anchors it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from rich.text import Text
from textual.containers import VerticalScroll
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
    (typing there would reach the hotkeys): PageUp/PageDown and the mouse scroll it."""

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
