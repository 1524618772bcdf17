"""Load: every save slot with its world, persona, turns, last played and last lines."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option


def when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp)) if timestamp else "?"


def slot_prompt(info) -> Text:
    text = Text()
    text.append(info.name, style="bold")
    if info.error:
        text.append("\n  cannot be read", style="italic")
        return text
    text.append(f"\n  {info.world_title}", style="italic")
    text.append(f"\n  {info.persona} · turn {info.turns}", style="dim")
    text.append(f"\n  {when(info.updated)}", style="dim")
    return text


class LoadScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("enter", "load", "Load", priority=True),  # priority: the list's own Enter is not shown
        Binding("r", "rename", "Rename"),
        Binding("d,delete", "delete", "Delete"),
        Binding("v", "recover", "Recover"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.slots: list = []

    def compose(self) -> ComposeResult:
        yield Static("Saved games", classes="screen-heading")
        with Horizontal(id="load-body"):
            yield OptionList(id="slot-list")
            yield VerticalScroll(Static("", id="slot-preview", markup=False), id="slot-preview-box")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_slots()

    def refresh_slots(self, select: str | None = None) -> None:
        from rgpt_fiction.saves.slot import list_slots

        self.slots = list_slots(self.app.saves_dir)
        menu = self.query_one("#slot-list", OptionList)
        menu.set_options([Option(slot_prompt(s), id=f"s{i}") for i, s in enumerate(self.slots)])
        if self.slots:
            names = [s.name for s in self.slots]
            menu.highlighted = names.index(select) if select in names else 0
            self._preview(menu.highlighted)
        else:
            self.query_one("#slot-preview", Static).update(
                Text(f"No saved games in {self.app.saves_dir} yet. Start a New game (n on the title screen).")
            )
        menu.focus()

    def _current(self):
        menu = self.query_one("#slot-list", OptionList)
        if menu.highlighted is None or not self.slots:
            return None
        return self.slots[menu.highlighted]

    def _preview(self, index: int) -> None:
        info = self.slots[index]
        text = Text()
        text.append(info.name + "\n", style="bold")
        if info.error:
            text.append(info.error)
        else:
            text.append(f"{info.world_title}\n", style="italic")
            text.append(f"Played by {info.persona} · {info.turns} turns · last played {when(info.updated)}\n\n")
            last = info.last_lines.strip()
            if last and len(info.last_lines) >= 240 and " " in last:
                last = "…" + last.split(" ", 1)[1]  # begin at a whole word
            text.append(last)
        self.query_one("#slot-preview", Static).update(text)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if 0 <= event.option_index < len(self.slots):
            self._preview(event.option_index)
        self.refresh_bindings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_load()

    def action_load(self) -> None:
        info = self._current()
        if info is None:
            return
        if info.error:
            self.notify(info.error, title="This game cannot be read", severity="error", markup=False, timeout=15)
            return
        self.app.play(info.name)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "recover":  # shown only for a game that cannot be read
            info = self._current() if self.is_mounted else None
            return info is not None and bool(info.error)
        return True

    def action_recover(self) -> None:
        """Rebuild an unreadable game from its journal, with the world the reader picks."""
        from rgpt_fiction.engine.state import Persona
        from rgpt_fiction.engine.story import new_game
        from rgpt_fiction.saves.slot import Slot, SlotError

        from .new_game import WorldsScreen

        info = self._current()
        if info is None or not info.error:
            return
        slot = Slot(self.app.saves_dir, info.name)
        if not slot.recoverable_turns():
            self.notify(f"{info.error}\nIts journal holds no turn either: nothing can be recovered.",
                        title="Cannot recover", severity="error", markup=False, timeout=12)
            return

        def picked(world) -> None:
            if world is None:
                return
            try:
                if self._unlocked(slot):
                    game = slot.recover_from_journal(new_game(world, Persona(world.player.name)))
                else:
                    return
            except (SlotError, OSError) as exc:
                self.notify(str(exc), title="Recovery failed", severity="error", markup=False)
                return
            self.notify(f"Recovered {len(game.nodes)} turns of '{info.name}' into {world.title}, played by "
                        f"{world.player.name}. The broken files are kept as *.broken.", markup=False, timeout=10)
            self.refresh_slots(select=info.name)

        self.app.push_screen(WorldsScreen(mode="recover", heading=f"Which world was '{info.name}' played in?"),
                             picked)

    def _unlocked(self, slot) -> bool:
        from rgpt_fiction.saves.lock import SlotLocked

        try:
            slot.open()
        except SlotLocked as exc:
            self.notify(str(exc), severity="error", markup=False)
            return False
        slot.close()
        return True

    def action_rename(self) -> None:
        from rgpt_fiction.saves.slot import Slot, SlotError

        from .dialogs import AskScreen

        info = self._current()
        if info is None:
            return

        def check(name: str) -> str:
            try:
                other = Slot(self.app.saves_dir, name)
            except SlotError as exc:
                return str(exc)
            return f"'{other.name}' is taken" if other.path.exists() and other.name != info.name else ""

        def answered(name: str | None) -> None:
            if not name or name == info.name:
                return
            try:
                slot = Slot(self.app.saves_dir, info.name)
                if self._unlocked(slot):
                    slot.rename(name)
            except (SlotError, OSError) as exc:
                self.notify(str(exc), title="Rename failed", severity="error", markup=False)
            self.refresh_slots(select=name)

        self.app.push_screen(AskScreen(f"Rename '{info.name}' to:", info.name, check, ok="Rename"), answered)

    def action_delete(self) -> None:
        from rgpt_fiction.saves.slot import Slot, SlotError

        from .dialogs import ConfirmScreen

        info = self._current()
        if info is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                slot = Slot(self.app.saves_dir, info.name)
                if self._unlocked(slot):
                    slot.delete()
                    self.notify(f"Deleted '{info.name}'.", markup=False)
            except (SlotError, OSError) as exc:
                self.notify(str(exc), title="Delete failed", severity="error", markup=False)
            self.refresh_slots()

        self.app.push_screen(
            ConfirmScreen(f"Delete the saved game '{info.name}' ({info.world_title}, {info.turns} turns)? "
                          "This cannot be undone.", yes="Delete"),
            answered,
        )
