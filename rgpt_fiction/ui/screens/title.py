"""The title screen: New game, Continue, Load, Worlds, Settings, Quit. Light to import."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

TITLE_ART = """\
╦═╗╔═╗╔═╗╔╦╗   ┌─┐┬┌─┐┌┬┐┬┌─┐┌┐┌
╠╦╝║ ╦╠═╝ ║    ├┤ ││   │ ││ ││││
╩╚═╚═╝╩   ╩    └  ┴└─┘ ┴ ┴└─┘┘└┘"""

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class TitleScreen(Screen):
    BINDINGS = [
        Binding("n", "app.new_game", "New game"),
        Binding("c", "continue", "Continue"),
        Binding("l", "app.load", "Load"),
        Binding("w", "worlds", "Worlds", show=False),  # in the menu, underlined: the footer fits 80 columns
        Binding("s", "app.settings", "Settings", show=False),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._latest = None  # SlotInfo of the most recent slot
        self._spin = 0
        self._timer = None

    def compose(self) -> ComposeResult:
        with Vertical(id="title-box"):
            yield Static(TITLE_ART, id="title-art", markup=False)
            yield Static("Personalized interactive fiction that never forgets.", id="tagline")
            with Center():
                yield OptionList(id="menu")
            yield Static("", id="loading", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_menu()
        self.watch(self.app, "storyteller", self._show_storyteller)
        self._timer = self.set_interval(0.12, self._tick)
        self.call_after_refresh(self.app.title_shown)

    def on_screen_resume(self) -> None:
        self.refresh_menu()

    def refresh_menu(self) -> None:
        menu = self.query_one("#menu", OptionList)
        try:
            slots = [s for s in self.app.shelf.slots() if not s.error]
        except OSError:
            slots = []
        self._latest = slots[0] if slots else None
        options = [Option(Text.assemble(("N", "bold underline"), "ew game"), id="new")]
        if self._latest is not None:
            s = self._latest
            options.append(Option(
                Text.assemble(("C", "bold underline"), f"ontinue  {s.world_title} — {s.persona}, turn {s.turns}"),
                id="continue",
            ))
        options += [
            Option(Text.assemble(("L", "bold underline"), "oad"), id="load"),
            Option(Text.assemble(("W", "bold underline"), "orlds"), id="worlds"),
            Option(Text.assemble(("S", "bold underline"), "ettings"), id="settings"),
            Option(Text.assemble(("Q", "bold underline"), "uit"), id="quit"),
        ]
        menu.set_options(options)
        menu.highlighted = 1 if self._latest is not None else 0
        menu.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        action = {
            "new": self.app.action_new_game, "continue": self.action_continue, "load": self.app.action_load,
            "worlds": self.action_worlds, "settings": self.app.action_settings,
        }.get(event.option.id or "")
        if action is not None:
            action()
        elif event.option.id == "quit":
            self.app.exit(0)

    def action_continue(self) -> None:
        if self._latest is None:
            self.notify("There is no saved game yet: start a New game.", severity="warning")
            return
        self.app.play(self._latest.name)

    def action_worlds(self) -> None:
        from .new_game import WorldsScreen

        self.app.push_screen(WorldsScreen(mode="browse"))

    # --- the loading indicator ---------------------------------------------------
    def _tick(self) -> None:
        if self.app.storyteller != "loading":
            return
        self._spin = (self._spin + 1) % len(SPINNER)
        self._show_storyteller(self.app.storyteller)

    def _show_storyteller(self, state: str) -> None:
        label = self.query_one("#loading", Static)
        if state == "loading":
            label.update(Text(f"{SPINNER[self._spin]} {self.app.loading_text()}", style="italic"))
            label.set_classes("-loading")
        elif state == "ready":
            label.update(Text(f"The storyteller is ready · {self.app.model_name}"))
            label.set_classes("-ready")
        else:
            label.update(Text(f"The storyteller could not load: {self.app.storyteller_error}", style="bold"))
            label.set_classes("-error")
