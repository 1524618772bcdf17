"""What the story screen holds and shows: the slot, the open story (or the saved game shown
while the storyteller loads), the widgets, the status line, and closing or leaving.

The layers of the story screen: StoryView (this), StoryVerbs (story_verbs.py: what the
reader does besides playing a turn), StoryCoAuthor (story_coauthor.py: editing a paragraph,
pinning facts, what the storyteller saw), StoryScreen (story.py: the layout, opening, a turn).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, cast

from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker

from ..widgets.memory import MemoryPanel
from ..widgets.phase import PhaseLine
from ..widgets.plans import PlanList
from ..widgets.queued import QueuedPlan
from ..widgets.status import StatusLine, story_parts
from ..widgets.story_log import StoryLog

if TYPE_CHECKING:
    from rgpt_fiction.engine.state import Game, Persona
    from rgpt_fiction.engine.story import Story
    from rgpt_fiction.saves.slot import Slot
    from rgpt_fiction.world.model import World

    from ..app import RgptApp


class StoryView(Screen[None]):
    writing: reactive[bool] = reactive(False)  # a turn is being written

    def __init__(self, slot_name: str, world: World | None = None, persona: Persona | None = None,
                 overwrite: bool = False) -> None:
        super().__init__()
        self.slot_name = slot_name
        self.world = world  # the world of a new game (None: continue the slot's)
        self.persona = persona
        self.overwrite = overwrite
        self.slot: Slot | None = None
        self.story: Story | None = None
        self.saved_game: Game | None = None  # the game as read from the slot, shown while the storyteller loads
        self.turn_worker: Worker[None] | None = None
        self._closed = False
        self._focus_after = ""  # where the keys go when the turn ends: "plans", "own" or as they were

    # --- views ----------------------------------------------------------------------
    @property
    def rgpt_app(self) -> RgptApp:
        """The app, by its own type: its storyteller, settings and saves folder."""
        return cast("RgptApp", self.app)

    @property
    def game(self) -> Game | None:
        """The game on screen: the open story's, or the saved one shown while the storyteller loads."""
        return self.story.game if self.story is not None else self.saved_game

    @property
    def log_view(self) -> StoryLog:
        return self.query_one("#log", StoryLog)

    @property
    def phase_line(self) -> PhaseLine:
        return self.query_one("#phase", PhaseLine)

    @property
    def plan_list(self) -> PlanList:
        return self.query_one("#plans", PlanList)

    @property
    def queued(self) -> QueuedPlan:
        return self.query_one("#queued", QueuedPlan)

    @property
    def own_input(self) -> Input:
        return self.query_one("#own", Input)

    @property
    def memory_panel(self) -> MemoryPanel:
        return self.query_one("#memory", MemoryPanel)

    def play(self, plan: str, own: bool = False) -> None:
        """Play `plan` now (`own`: the reader typed it). StoryScreen runs the turn."""
        raise NotImplementedError

    # --- what is shown -----------------------------------------------------------------
    def update_status(self) -> None:
        """World, slot, turn, last turn's time and model, as many as fit (widgets/status.py)."""
        story, game, app = self.story, self.game, self.rgpt_app
        if game is None:
            parts = story_parts(self.world.title if self.world else None, self.slot_name, app.model_name)
        else:
            turn = ""
            if game.nodes:
                turn = f"turn {game.turn}"
                alts = game.alternatives() if story is not None else []
                if len(alts) > 1:
                    turn += f" (version {alts.index(game.current) + 1}/{len(alts)})"
            last = story.last_stats if story is not None else None
            parts = story_parts(game.world.title, self.slot_name, app.model_name, turn=turn,
                                last_seconds=last.total_seconds if last else None,
                                not_saved=bool(story and story.save_error))
        self.query_one("#status", StatusLine).show(parts)

    async def show_game(self, rebuild: bool = False) -> None:
        """The game on screen: its path (when `rebuild`), its plans, its memory and the status line."""
        game = self.game
        if game is None:
            return
        if rebuild:
            await self.log_view.show_path(game.path())
        if game.nodes:
            self.plan_list.show(game.node.plans)
            self.memory_panel.show_node(game.node)
        self.update_status()
        if self.story is not None and self.story.save_error:
            self.notify(f"{self.story.save_error}\nThe game goes on in memory; free some space or check the folder.",
                        title="The game could not be saved", severity="error", markup=False, timeout=15)

    def _show_loading(self, _progress: str = "") -> None:
        """While the storyteller loads: that it does, and what happens once it is ready."""
        app = self.rgpt_app
        if app.storyteller == "loading" and self.story is None:
            if not (self.game and self.game.nodes):
                what = "the story begins as soon as it is ready"
            elif self.queued.pending:
                what = "your plan is taken as soon as it is ready"
            else:
                what = "read on; pick a plan at any time"
            self.phase_line.tell(f"{app.loading_text()}  ({what})")

    # --- closing and leaving --------------------------------------------------------------
    def _cannot_open(self, exc: Exception) -> None:
        from rgpt_fiction.errors import describe

        self.notify(describe(exc) or f"{type(exc).__name__}: {exc}", title="Cannot open the game", severity="error",
                    markup=False, timeout=15)
        if self.slot is not None:
            self.slot.close()
        self.slot = None
        self.dismiss_story()

    def dismiss_story(self) -> None:
        if self.is_current:
            self.app.pop_screen()
        elif self in self.app.screen_stack:
            self.rgpt_app.back_to_title()

    def on_unmount(self) -> None:
        self._closed = True
        if self.turn_worker is not None:
            self.turn_worker.cancel()
        if self.slot is not None:
            self.slot.close()
        if self.rgpt_app.open_slot is self.slot:
            self.rgpt_app.open_slot = None

    def unfinished(self) -> str:
        """What leaving now would lose, or "" when nothing would."""
        if self.writing:
            turn = self.game.turn if self.game and self.game.nodes else 0
            return (f"A paragraph is being written. Leaving now cancels it; the story is saved up to "
                    f"turn {turn}.")
        if self.queued.pending or self.own_input.value.strip():
            return "Your next plan is not sent yet; leaving now forgets it. The story itself is saved."
        return ""

    def confirm_leave(self, then: Callable[[], None]) -> None:
        """Run `then` (which leaves the story), after asking when something would be lost."""
        lost = self.unfinished()
        if not lost:
            then()
            return
        from .dialogs import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                if self.turn_worker is not None:
                    self.turn_worker.cancel()
                then()

        self.app.push_screen(ConfirmScreen(f"{lost}\n\nLeave the story?", yes="Leave", no="Stay"), answered)

    def action_leave(self) -> None:
        self.confirm_leave(self.rgpt_app.back_to_title)
