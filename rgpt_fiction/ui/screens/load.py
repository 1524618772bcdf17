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
    """The saved games on the app's shelf. A game that cannot be read says why, and offers what brings it
    back: Restore (b) when its backup loads, Recover (v) from its journal otherwise."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("enter", "load", "Load", priority=True),  # priority: the list's own Enter is not shown
        Binding("r", "rename", "Rename"),
        Binding("d,delete", "delete", "Delete"),
        Binding("b", "restore", "Restore"),
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
        self.slots = self.app.shelf.slots()
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
        self.refresh_bindings()
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
        if action in ("restore", "recover"):  # shown only for a game that cannot be read: one or the other
            info = self._current() if self.is_mounted else None
            if info is None or not info.error:
                return False
            return (info.backup_turn is not None) == (action == "restore")
        return True

    def _change(self, failed: str, change) -> bool:
        """Run a change to the shelf; a refusal (the game is open elsewhere, a bad name, a disk error) is
        shown under the title `failed`. Returns whether it was done."""
        from rgpt_fiction.errors import ReaderError, describe

        try:
            change()
        except (ReaderError, OSError) as exc:
            self.notify(describe(exc) or str(exc), title=failed, severity="error", markup=False, timeout=12)
            return False
        return True

    def action_restore(self) -> None:
        """Make a broken game's backup (its last good state) current again; the broken file is kept."""
        info = self._current()
        if info is None or info.backup_turn is None:
            return
        if self._change("Restore failed", lambda: self.app.shelf.restore_backup(info.name)):
            self.notify(f"Restored '{info.name}' to turn {info.backup_turn}, its last good state (the broken file "
                        "is kept as state.json.broken). Enter plays it.", markup=False, timeout=10)
        self.refresh_slots(select=info.name)

    def action_recover(self) -> None:
        """Rebuild an unreadable game from its journal, with the world the reader picks."""
        from rgpt_fiction.engine.state import Persona
        from rgpt_fiction.engine.story import new_game

        from .new_game import WorldsScreen

        info = self._current()
        if info is None or not info.error:
            return
        turns = self.app.shelf.recoverable_turns(info.name)
        if not turns:
            self.notify(f"{info.error}\nIts journal holds no turn either: nothing can be recovered.",
                        title="Cannot recover", severity="error", markup=False, timeout=12)
            return

        def picked(world) -> None:
            if world is None:
                return
            blank = new_game(world, Persona(world.player.name))
            if not self._change("Recovery failed", lambda: self.app.shelf.recover(info.name, blank)):
                return
            self.notify(f"Recovered {turns} turns of '{info.name}' into {world.title}, played by "
                        f"{world.player.name}. The broken files are kept as *.broken.", markup=False, timeout=10)
            self.refresh_slots(select=info.name)

        self.app.push_screen(WorldsScreen(mode="recover", heading=f"Which world was '{info.name}' played in?"),
                             picked)

    def action_rename(self) -> None:
        from .dialogs import AskScreen

        info = self._current()
        if info is None:
            return

        def answered(name: str | None) -> None:
            if not name or name == info.name:
                return
            self._change("Rename failed", lambda: self.app.shelf.rename(info.name, name))
            self.refresh_slots(select=name)

        def check(name: str) -> str:
            return self.app.shelf.name_problem(name, keep=info.name)

        self.app.push_screen(AskScreen(f"Rename '{info.name}' to:", info.name, check, ok="Rename"), answered)

    def action_delete(self) -> None:
        from .dialogs import ConfirmScreen

        info = self._current()
        if info is None:
            return

        def answered(yes: bool | None) -> None:
            if yes and self._change("Delete failed", lambda: self.app.shelf.delete(info.name)):
                self.notify(f"Deleted '{info.name}'.", markup=False)
            self.refresh_slots()

        self.app.push_screen(
            ConfirmScreen(f"Delete the saved game '{info.name}' ({info.world_title}, {info.turns} turns)? "
                          "This cannot be undone.", yes="Delete"),
            answered,
        )
