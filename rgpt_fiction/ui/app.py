"""The Textual game: the app, its background loading of the storyteller, and `run()`.

Nothing heavy is imported at module level: the title screen must be interactive in
under a second. litellm, torch and sentence-transformers load in a background thread
(`load_storyteller`) started once the title is on screen; LanceDB loads when a game
is opened. Every dependency can be injected, so tests pass a scripted model.
"""

from __future__ import annotations

import asyncio
import time
from functools import partial
from pathlib import Path
from typing import Awaitable, Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from rgpt_fiction.saves.shelf import Shelf

from .screens.title import TitleScreen
from .storyteller import NoStoryteller, StorytellerLoaded, heavy_loaded, unpacking_text


class RgptApp(App[int]):
    """The game. `model`, `embedder` and the `shelf` of save slots may be injected; otherwise they are built
    from `settings` (the shelf from `saves_dir`, else the settings' saves folder)."""

    CSS_PATH = "app.tcss"
    TITLE = "rgpt-fiction"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
    ]

    storyteller: reactive[str] = reactive("loading")  # "loading", "ready" or "error"
    storyteller_progress: reactive[str] = reactive("")  # first start: how far the model file is unpacked

    def __init__(
        self,
        settings,
        *,
        model=None,
        embedder=None,
        saves_dir: str | Path | None = None,
        shelf: Shelf | None = None,
        worlds_dirs: Iterable[str | Path] | None = None,
        world: str | Path | None = None,
        slot: str | None = None,
        shipped_worlds: bool = True,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.model = model
        self.embedder = embedder
        self._model_injected = model is not None
        self._embedder_injected = embedder is not None
        self.shelf = shelf if shelf is not None else Shelf(saves_dir if saves_dir is not None else settings.saves_dir)
        self.extra_worlds_dirs = [str(d) for d in (worlds_dirs or [])]
        self.start_world = world
        self.start_slot = slot
        self.shipped_worlds = shipped_worlds
        self.storyteller_error = ""
        self.heavy_at_title: list[str] | None = None  # recorded when the title is first shown
        self.title_shown_at: float | None = None
        self.open_slot = None  # the Slot of the game being played (locked), if any
        self._storyteller_ready: asyncio.Event | None = None
        self._loading_started = False

    @property
    def saves_dir(self) -> Path:
        return self.shelf.root

    # --- start ----------------------------------------------------------------
    def on_mount(self) -> None:
        self._storyteller_ready = asyncio.Event()
        self._catch_interrupt(True)
        self.push_screen(TitleScreen())

    def _catch_interrupt(self, on: bool) -> None:
        """SIGINT (kill -INT; the Ctrl+C key itself is Textual's: copy, or how to quit) ends the game
        as Ctrl+Q does, with exit status 130: the turn in progress cancelled, the slot closed."""
        import signal

        loop = asyncio.get_running_loop()
        try:
            if on:
                loop.add_signal_handler(signal.SIGINT, self.interrupted)
            else:
                loop.remove_signal_handler(signal.SIGINT)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no signals here
            pass

    def interrupted(self) -> None:
        self._stop_turns()
        self.close_game()
        self.exit(return_code=130)

    def title_shown(self) -> None:
        """Called by the title screen after its first paint: record, then start loading."""
        if self._loading_started:
            return
        self._loading_started = True
        self.title_shown_at = time.perf_counter()
        self.heavy_at_title = heavy_loaded()
        self.load_storyteller()
        if self.start_world or self.start_slot:
            self.call_after_refresh(self._open_from_flags)

    def _open_from_flags(self) -> None:
        from rgpt_fiction.engine.state import Persona
        from rgpt_fiction.saves.slot import SlotError
        from rgpt_fiction.world import WorldError, load_world

        world = None
        if self.start_world:
            try:
                world = load_world(self.start_world)
            except WorldError as exc:
                self.notify(str(exc), title="Cannot load the world", severity="error", markup=False, timeout=15)
                return
        if self.start_slot:
            try:
                slot = self.shelf.slot(self.start_slot)
            except SlotError as exc:
                self.notify(str(exc), title="Bad slot name", severity="error", markup=False)
                return
            if slot.exists():
                self.play(slot.name)
            elif world is not None:
                self.play(slot.name, world=world, persona=Persona(world.player.name))
            else:
                self.notify(
                    f"There is no saved game '{slot.name}' in {self.saves_dir}; give --world to start it.",
                    severity="error", markup=False,
                )
            return
        if world is not None:
            from .screens.new_game import PersonaScreen

            self.push_screen(PersonaScreen(world))

    # --- the storyteller (model + embedder), loaded in a thread -------------------
    @work(thread=True, exclusive=True, group="storyteller", exit_on_error=False)
    def load_storyteller(self) -> None:
        error = ""
        try:
            from rgpt_fiction.factory import make_embedder, make_model, prepare_model

            if self.embedder is None:
                self.embedder = make_embedder(self.settings)
            self.embedder.load()
            if self.model is None:
                if not self.settings.model.startswith("scripted"):
                    from rgpt_fiction.llm.client import import_litellm

                    import_litellm()
                self.model = make_model(self.settings)
            prepare_model(self.model, progress=self._assembling)
        except Exception as exc:  # noqa: BLE001 - shown to the reader, who can fix the settings
            from rgpt_fiction.errors import describe

            error = describe(exc) or f"{type(exc).__name__}: {exc}"
        self.post_message(StorytellerLoaded(error))

    def _assembling(self, done: int, total: int) -> None:
        """From the loading thread: how far the first-start assembly of the model file is."""
        text = unpacking_text(done, total)
        if text != self.storyteller_progress:
            self.call_from_thread(setattr, self, "storyteller_progress", text)

    def loading_text(self) -> str:
        """The line shown while the storyteller loads."""
        return self.storyteller_progress or "Loading the storyteller…"

    def on_storyteller_loaded(self, message: StorytellerLoaded) -> None:
        self.storyteller_progress = ""
        self.storyteller_error = message.error
        self.storyteller = "error" if message.error else "ready"
        if self._storyteller_ready is not None:
            self._storyteller_ready.set()
        if message.error:
            self.notify(
                f"{message.error}\nChange the model in Settings (s on the title screen).",
                title="The storyteller could not load", severity="error", markup=False, timeout=20,
            )

    async def wait_storyteller(self) -> tuple[object, object]:
        """The model and embedder, once loaded. Raises NoStoryteller (a RuntimeError) with the reason if
        loading failed."""
        if not self._loading_started:
            self.title_shown()
        assert self._storyteller_ready is not None
        await self._storyteller_ready.wait()
        if self.storyteller_error:
            raise NoStoryteller(self.storyteller_error)
        return self.model, self.embedder

    @property
    def model_name(self) -> str:
        return getattr(self.model, "name", None) or self.settings.model

    def apply_settings(self, settings) -> None:
        """New settings from the settings screen: rebuild what changed (in the background)."""
        old = self.settings
        self.settings = settings
        reload = False
        model_keys = ("model", "api_base", "timeout", "connect_timeout", "idle_timeout", "structured")
        if not self._model_injected and any(getattr(settings, k) != getattr(old, k) for k in model_keys):
            self.model = None
            reload = True
        if not self._embedder_injected and settings.embedding_model != old.embedding_model:
            self.embedder = None
            reload = True
        if reload or self.storyteller == "error":
            self.storyteller_error = ""
            self.storyteller = "loading"
            self._storyteller_ready = asyncio.Event()
            self.load_storyteller()

    # --- navigation -------------------------------------------------------------
    def worlds_dirs(self) -> list[Path]:
        """The shipped worlds (unless turned off, as in tests), then every --worlds-dir."""
        from rgpt_fiction.world import default_worlds_dirs

        dirs = default_worlds_dirs(self.extra_worlds_dirs)
        return dirs if self.shipped_worlds else [Path(d) for d in self.extra_worlds_dirs]

    def back_to_title(self) -> None:
        """Pop every screen above the title (closing an open game)."""
        while len(self.screen_stack) > 2 and not isinstance(self.screen, TitleScreen):
            self.pop_screen()

    def leave_story(self, then) -> None:
        """Run `then` (which closes the open story, if any), asking first when a turn is running or
        the reader's next plan is not sent yet."""
        from .screens.dialogs import ConfirmScreen
        from .screens.story import StoryScreen

        story = next((s for s in self.screen_stack if isinstance(s, StoryScreen)), None)
        if story is None or isinstance(self.screen, ConfirmScreen):
            then()
        else:
            story.confirm_leave(then)

    def play(self, slot_name: str, world=None, persona=None, overwrite: bool = False) -> None:
        """Open the story screen for a slot: continue it, or begin it from a world and persona."""
        from .screens.story import StoryScreen

        def go() -> None:
            self.back_to_title()
            self.push_screen(StoryScreen(slot_name, world=world, persona=persona, overwrite=overwrite))

        self.leave_story(go)

    def close_game(self) -> None:
        if self.open_slot is not None:
            self.open_slot.close()
            self.open_slot = None

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_new_game(self) -> None:
        from .screens.new_game import WorldsScreen

        def go() -> None:
            self.back_to_title()
            self.push_screen(WorldsScreen(mode="new"))

        self.leave_story(go)

    def action_load(self) -> None:
        from .screens.load import LoadScreen

        def go() -> None:
            self.back_to_title()
            self.push_screen(LoadScreen())

        self.leave_story(go)

    def action_settings(self) -> None:
        from .screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def story_action(self, action: str) -> Awaitable[None] | None:
        """A story verb's action (from the command palette) run on the story screen, and awaited by the
        palette (undo, redo and the versions are async actions)."""
        from .screens.story import StoryScreen

        if isinstance(self.screen, StoryScreen):
            return self.screen.run_action(action)
        self.notify("Open a game first (New game or Load).", severity="warning")
        return None

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette: starting and loading games, every story verb (rgpt_fiction.verbs), settings, help."""
        from rgpt_fiction.verbs import in_palette

        yield SystemCommand("New game", "Pick a world and begin a new story", self.action_new_game)
        yield SystemCommand("Load", "Continue a saved game", self.action_load)
        for verb in in_palette():
            yield SystemCommand(verb.title, verb.description, partial(self.story_action, verb.screen_action))
        yield SystemCommand("Settings", "Model, temperature, paragraph length…", self.action_settings)
        yield SystemCommand("Help", "All the keys", self.action_help)
        yield from super().get_system_commands(screen)

    # --- the end ----------------------------------------------------------------
    async def action_quit(self) -> None:
        self.leave_story(self.quit_now)

    def quit_now(self) -> None:
        self._stop_turns()
        self.close_game()
        self.exit(0)

    def _stop_turns(self) -> None:
        for worker in list(self.workers):
            if worker.group == "turn":
                worker.cancel()

    def on_unmount(self) -> None:
        self._catch_interrupt(False)
        self.close_game()


def run(settings, worlds_dirs=None, world=None, slot=None) -> int:
    """Run the game; returns the exit code. Every open slot is closed (unlocked) on the way out."""
    app = RgptApp(settings, shelf=Shelf(settings.saves_dir), worlds_dirs=worlds_dirs, world=world, slot=slot)
    try:
        app.run()
    finally:
        app.close_game()
    return app.return_code or 0
