"""What the storyteller saw for a turn (engine/trace_view.py): the turn, what was recalled and why, each
model call's parts with their tokens against their budgets, the messages as sent, the raw answers and
the repairs. Left and right go through the turns of the story; Esc closes."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from rgpt_fiction.engine.coauthor import CoAuthor


class InspectScreen(Screen[None]):
    BINDINGS = [
        Binding("escape,q,i", "close", "Close"),
        Binding("left,comma", "turn(-1)", "Earlier turn"),
        Binding("right,full_stop", "turn(1)", "Later turn"),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
    ]

    def __init__(self, story: CoAuthor, node_id: int) -> None:
        super().__init__()
        self.story, self.node_id = story, node_id

    def compose(self) -> ComposeResult:
        yield Static("", id="inspect-heading", classes="screen-heading", markup=False)
        yield VerticalScroll(id="inspect-body")
        yield Footer()

    async def on_mount(self) -> None:
        await self.show_turn()

    async def show_turn(self) -> None:
        from rgpt_fiction.engine.trace_view import sections

        ins = await asyncio.to_thread(self.story.inspect, self.node_id)
        path = self.story.game.path_ids()
        where = f"turn {ins.node.depth} of {len(path) - 1}" if self.node_id in path else f"turn {ins.node.depth}"
        self.query_one("#inspect-heading", Static).update(Text(f"What the storyteller saw · {where}"))
        body = self.query_one("#inspect-body", VerticalScroll)
        await body.remove_children()
        widgets: list[Static] = []
        for heading, text in sections(ins):
            widgets.append(Static(Text(heading), classes="panel-heading", markup=False))
            widgets.append(Static(Text(text), classes="inspect-text", markup=False))
        await body.mount_all(widgets)
        body.scroll_home(animate=False)
        body.focus()

    async def action_turn(self, step: int) -> None:
        path = self.story.game.path_ids()
        i = path.index(self.node_id) + step if self.node_id in path else len(path) - 1
        if 0 <= i < len(path) and path[i] != self.node_id:
            self.node_id = path[i]
            await self.show_turn()
        else:
            self.notify("That is the " + ("opening." if step < 0 else "last turn."), timeout=3)

    def action_page(self, pages: int) -> None:
        body = self.query_one("#inspect-body", VerticalScroll)
        body.scroll_to(y=body.scroll_y + pages * max(1, body.size.height - 2), animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
