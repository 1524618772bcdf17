"""New game: pick a world (with a preview), then make it yours (name, description, tone, slot)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from .fit import FitsHeight


def world_preview(world, full: bool = False) -> Text:
    """The picker's preview of a world: title, genre and summary (and more when browsing)."""
    text = Text()
    text.append(world.title, style="bold")
    if world.genre:
        text.append(f"\n{world.genre}", style="italic")
    text.append("\n\n")
    text.append(world.summary)
    if full:
        if world.premise:
            text.append("\n\nPremise\n", style="bold")
            text.append(world.premise.replace("{player}", world.player.name))
        if world.player.name:
            text.append("\n\nYou play\n", style="bold")
            who = ", ".join(p for p in (world.player.name, world.player.role) if p)
            text.append(who)
        if world.characters:
            text.append("\n\nCharacters\n", style="bold")
            text.append("\n".join(f"• {c.name}: {c.description}" for c in world.characters))
        if world.content.tone:
            text.append("\n\nTone\n", style="bold")
            text.append(world.content.tone)
    return text


class WorldsScreen(Screen):
    """The world picker. mode "new" goes on to the persona; "browse" shows more of each world."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("enter", "choose", "Choose", priority=True),  # priority: the list's own Enter is not shown
    ]

    def __init__(self, mode: str = "new", heading: str = "") -> None:
        super().__init__()
        self.mode = mode  # "new", "browse", or "recover" (dismisses with the chosen World)
        self.heading = heading
        self.worlds: list = []  # (path, World | WorldError)

    def compose(self) -> ComposeResult:
        heading = self.heading or ("Choose a world for your story" if self.mode == "new" else "The worlds")
        yield Static(heading, classes="screen-heading")
        with Horizontal(id="worlds-body"):
            yield OptionList(id="world-list")
            yield VerticalScroll(Static("", id="world-preview", markup=False), id="world-preview-box")
        yield Footer()

    def on_mount(self) -> None:
        from rgpt_fiction.world import find_worlds

        self.worlds = find_worlds(*self.app.worlds_dirs())
        options = []
        for i, (path, world) in enumerate(self.worlds):
            if isinstance(world, Exception):
                options.append(Option(Text(f"{path.stem} (cannot be loaded)", style="dim"), id=f"w{i}"))
            else:
                options.append(Option(Text(world.title), id=f"w{i}"))
        menu = self.query_one("#world-list", OptionList)
        if options:
            menu.set_options(options)
            menu.highlighted = 0
        else:
            dirs = ", ".join(str(d) for d in self.app.worlds_dirs())
            self.query_one("#world-preview", Static).update(Text(f"No world files found in {dirs}."))
        menu.focus()

    def _current(self):
        menu = self.query_one("#world-list", OptionList)
        if menu.highlighted is None or not self.worlds:
            return None, None
        return self.worlds[menu.highlighted]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        path, world = self.worlds[event.option_index]
        preview = self.query_one("#world-preview", Static)
        if isinstance(world, Exception):
            preview.update(Text(f"{path.name} cannot be loaded:\n\n{world}"))
        else:
            preview.update(world_preview(world, full=self.mode == "browse"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_choose()

    def action_choose(self) -> None:
        path, world = self._current()
        if world is None:
            return
        if isinstance(world, Exception):
            self.notify(f"{path.name} has errors; fix them or pick another world.", severity="error", markup=False)
            return
        if self.mode == "recover":
            self.dismiss(world)
            return
        self.app.push_screen(PersonaScreen(world))


class PersonaScreen(FitsHeight, Screen):
    """Make the story yours: name, a few words about you, a tone or things to avoid, the save slot."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+s", "begin", "Begin"),
    ]

    def __init__(self, world) -> None:
        super().__init__()
        self.world = world
        self._slot_edited = False
        self._auto_slot = ""  # the last slot name suggested (not typed by the reader)

    def compose(self) -> ComposeResult:
        w = self.world
        yield Static(Text(f"A new story in {w.title}"), classes="screen-heading")
        with VerticalScroll(id="persona-form"):
            yield Label("Your name in the story")
            yield Input(w.player.name, id="name", placeholder="a name")
            yield Label("About you (optional)")
            about = ", ".join(p for p in (w.player.role, w.player.description) if p)
            if about:  # a hint that wraps, not a placeholder cut at the edge of the field
                yield Static(Text(f"The world's hero: {about}"), classes="field-hint", markup=False)
            yield Input("", id="description", placeholder="a few words about who you are")
            yield Label("A tone you want, or anything to avoid (optional)")
            if w.content.tone:
                yield Static(Text(f"The world's tone: {w.content.tone} (yours is added to it)"), classes="field-hint", markup=False)
            yield Input("", id="tone", placeholder="e.g. gentle, no gore")
            yield Label("Save slot")
            yield Input("", id="slot", placeholder="a name for this saved game")
            yield Static("", id="slot-msg", markup=False)
            with Horizontal(id="persona-buttons"):
                yield Button("Begin the story", variant="primary", id="begin")
                yield Button("Back", id="back")
        yield Footer()

    def on_mount(self) -> None:
        self.fit_height()
        self._set_slot(self.app.shelf.suggest(self.world.title, self.world.player.name))
        self.query_one("#name", Input).focus()

    def _set_slot(self, value: str) -> None:
        self._auto_slot = value
        self.query_one("#slot", Input).value = value
        self._check_slot(value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "name" and not self._slot_edited:
            self._set_slot(self.app.shelf.suggest(self.world.title, event.value.strip()))
        elif event.input.id == "slot":
            if event.value != self._auto_slot:
                self._slot_edited = True
            self._check_slot(event.value)

    def _check_slot(self, value: str) -> str:
        """Validate the slot name; returns "" when usable, "exists" when it would replace a game, or the error."""
        from rgpt_fiction.saves.slot import SlotError

        msg = self.query_one("#slot-msg", Static)
        try:
            name = self.app.shelf.slot(value).name
        except SlotError as exc:
            msg.update(Text(str(exc)))
            msg.set_classes("problem")
            return str(exc)
        if self.app.shelf.exists(name):
            msg.update(Text(f"A saved game named '{name}' exists: beginning will replace it (you will be asked)."))
            msg.set_classes("warning")
            return "exists"
        msg.update(Text(f"Saved as '{name}' in {self.app.saves_dir}", style="dim"))
        msg.set_classes("")
        return ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        order = ["name", "description", "tone", "slot"]
        i = order.index(event.input.id) if event.input.id in order else -1
        if 0 <= i < len(order) - 1:
            self.query_one(f"#{order[i + 1]}", Input).focus()
        else:
            self.action_begin()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "begin":
            self.action_begin()
        else:
            self.app.pop_screen()

    def action_begin(self) -> None:
        from rgpt_fiction.engine.state import Persona

        name = " ".join(self.query_one("#name", Input).value.split()) or self.world.player.name or "Traveller"
        persona = Persona(
            name=name,
            description=self.query_one("#description", Input).value.strip(),
            tone=self.query_one("#tone", Input).value.strip(),
        )
        slot_name = self.query_one("#slot", Input).value.strip()
        state = self._check_slot(slot_name)
        if state and state != "exists":
            self.notify(state, severity="error", markup=False)
            self.query_one("#slot", Input).focus()
            return
        if state == "exists":
            from .dialogs import ConfirmScreen

            def answered(yes: bool | None) -> None:
                if yes:
                    self.app.play(slot_name, world=self.world, persona=persona, overwrite=True)

            self.app.push_screen(
                ConfirmScreen(f"Replace the saved game '{slot_name}'? Its story will be lost.", yes="Replace"),
                answered,
            )
            return
        self.app.play(slot_name, world=self.world, persona=persona)
