"""The plans for the next turn, as options: 1..9, arrows and Enter, or the mouse. The reader's own
plan has its own line below, always in sight, however long the plans are."""

from __future__ import annotations

from typing import Callable

from rich.table import Table
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class PlanList(OptionList):
    """Options "1. plan" …; posts PlanList.Chosen."""

    class Chosen(Message):
        def __init__(self, index: int, plan: str) -> None:
            super().__init__()
            self.index = index
            self.plan = plan

    def __init__(self, on_typed: Callable[[str], None] | None = None, **kwargs) -> None:
        """`on_typed`: given a character typed here that is no key of the screen, and the plan line takes the keys
        after it (typed fast, "Look at the dust" had its "t" reach the tree of turns while the focus was still
        moving to the plan line): until the plans have focus again, every key that still reaches them is sent on
        to the app, which gives it to the line that has the focus now, in the order typed (Enter too)."""
        super().__init__(**kwargs)
        self.plans: list[str] = []
        self.on_typed = on_typed
        self._typing = False
        self.add_class("-empty")  # no plans before the story is open: no empty box

    def on_key(self, event: events.Key) -> None:
        if self.on_typed is None:
            return
        if self._typing:
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
        elif event.is_printable and event.character and event.character.strip() \
                and event.key not in self.screen.active_bindings:
            event.stop()
            event.prevent_default()
            self._typing = True
            self.on_typed(event.character)

    def on_paste(self, event: events.Paste) -> None:
        if self.on_typed is not None and event.text.strip():
            event.stop()
            self._typing = True
            self.on_typed(" ".join(event.text.split()))

    def on_focus(self) -> None:
        self._typing = False

    def show(self, plans: list[str]) -> None:
        self.plans = list(plans)
        options = []
        for i, plan in enumerate(self.plans):
            prompt = Table.grid()  # a long plan wraps under its own words, not under its number
            prompt.add_column(width=3, no_wrap=True)
            prompt.add_column(ratio=1)
            prompt.add_row(Text(f"{i + 1}." if i < 9 else "", style="bold"), Text(plan))
            options.append(Option(prompt, id=f"plan-{i}"))
        self.set_options(options)
        self.highlighted = 0 if self.plans else None
        self.set_class(not self.plans, "-empty")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.plans):
            self.post_message(self.Chosen(event.option_index, self.plans[event.option_index]))
