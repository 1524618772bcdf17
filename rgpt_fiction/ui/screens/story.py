"""The story screen: it shows a turn.

The story so far scrolls above; the plans for the next turn (1..9, arrows+Enter, mouse)
and a line for the reader's own plan sit below; a status line on top; the memory panel
on the right (m). Every turn runs in a worker from a callable the engine gives (start,
play, retry) and its events are shown in one place (`show_event`); Esc cancels it and
the story is as it was before. The engine does all the story logic.

The reader's hands are never refused: while a paragraph is written the plan line keeps
the keys (typing never reaches a hotkey), and a plan typed or picked then is queued and
played once the turn is stored. A saved story is on screen at once; only a turn waits
for the storyteller to load. What the screen holds and shows is in story_view.py, what
the reader does besides reading a turn in story_verbs.py, editing, pinning and inspecting in
story_coauthor.py.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, AsyncGenerator, Callable, assert_never, cast

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Footer, Input, TextArea

from rgpt_fiction.engine.events import Delta, Notice, Phase, PlansReady, Restart, TurnDone, TurnEvent

from ..verb_bindings import story_bindings
from ..widgets.memory import MemoryPanel
from ..widgets.phase import CANCELLABLE, PHASES, PhaseLine
from ..widgets.plans import PlanList
from ..widgets.queued import QueuedPlan
from ..widgets.status import StatusLine
from ..widgets.story_log import LogTurn, StoryLog
from .story_coauthor import StoryCoAuthor

if TYPE_CHECKING:
    from rgpt_fiction.engine.story import Story
    from rgpt_fiction.llm.base import ChatModel
    from rgpt_fiction.memory.rows import TextEmbedder
    from rgpt_fiction.session import Reconciled

OWN_PLACEHOLDER = "Your own plan, then Enter"


class StoryScreen(StoryCoAuthor):
    BINDINGS = story_bindings()  # the verbs table (rgpt_fiction.verbs), Esc, scrolling, plan numbers

    phase: reactive[str] = reactive("")  # what the turn in progress is doing (events.Phase)

    # --- layout -----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        with Horizontal(id="story-body"):
            with Vertical(id="story-main"):
                yield StoryLog(id="log")
                yield PhaseLine(id="phase")
                yield PlanList(id="plans", on_typed=self.begin_own_plan)
                yield QueuedPlan(id="queued")
                yield Input(placeholder=OWN_PLACEHOLDER, id="own", select_on_focus=False)  # a letter begun on the plans stays
            yield MemoryPanel(id="memory")
        yield Footer()

    def on_resize(self) -> None:
        self.update_status()

    def on_mount(self) -> None:
        self.memory_panel.display = False
        self.phase_line.tell("Opening the story…")
        self.update_status()
        self.plan_list.focus()
        self.open_game()

    def begin_own_plan(self, char: str) -> None:
        """A character typed on the plans that is no key of the game (PlanList's `on_typed`), or text pasted
        there: the reader's own plan begins with it, after what the line holds already."""
        if self.focused is not self.own_input:
            self.set_focus(self.own_input)  # at once: the next keys go to the line
        self.own_input.insert_text_at_cursor(char)

    # --- opening ----------------------------------------------------------------
    @work(exclusive=True, group="open", exit_on_error=False)
    async def open_game(self) -> None:
        from rgpt_fiction.factory import turn_options
        from rgpt_fiction.session import attach

        from .story_open import open_new, read_saved

        app = self.rgpt_app
        try:
            self.slot = app.shelf.slot(self.slot_name)
            if self.world is None and not self.overwrite:  # continue: the story is on screen at once
                self.saved_game = await asyncio.to_thread(read_saved, self.slot, lambda: self._closed)
                if self.saved_game is None:
                    return
                await self.show_game(rebuild=True)
        except Exception as exc:  # noqa: BLE001 - locked, corrupt or unwritable slots are explained
            self._cannot_open(exc)
            return
        if app.storyteller == "loading":
            self._show_loading()
            self.watch(app, "storyteller_progress", self._show_loading, init=False)
        try:
            model, embedder = cast("tuple[ChatModel, TextEmbedder]", await app.wait_storyteller())
        except RuntimeError as exc:
            self.notify(f"{exc}\nChange the model in Settings. Your story is saved as it was.",
                        title="No storyteller", severity="error", markup=False, timeout=15)
            self.dismiss_story()
            return
        try:
            options = turn_options(app.settings)
            opened: tuple[Story, Reconciled | None] | None
            if self.saved_game is not None:
                opened = await asyncio.to_thread(attach, self.slot, self.saved_game, model, embedder, options)
            else:
                if self.overwrite:  # the reader agreed to replace the game saved under this name
                    await asyncio.to_thread(app.shelf.clear, self.slot_name)
                opened = await asyncio.to_thread(open_new, self.slot, model, embedder, options, self.world,
                                                 self.persona, lambda: self._closed)
        except Exception as exc:  # noqa: BLE001
            self._cannot_open(exc)
            return
        if opened is None or self._closed:
            return
        self.story, fixed = opened
        app.open_slot = self.slot  # type: ignore[assignment]  # RgptApp.open_slot is not annotated
        if fixed and (fixed.removed or fixed.reembedded):
            self.notify(f"Memory repaired: {fixed.removed} stray rows removed, {fixed.reembedded} turns re-embedded.")
        self.phase_line.tell("")
        if not self.story.game.nodes:
            self.run_turn(self.story.start)
        else:
            await self.show_game(rebuild=self.saved_game is None)
            self.play_queued()

    # --- while a turn runs -------------------------------------------------------------
    def watch_writing(self, writing: bool) -> None:
        self.set_class(writing, "-writing")
        self.refresh_bindings()
        own = self.own_input
        if writing:
            self.remove_class("-plans-ready")
            # the plan line keeps the keys while the paragraph is written: typing never reaches a hotkey
            if not isinstance(self.focused, (Input, TextArea)):
                own.focus()
            self.plan_list.disabled = True
            return
        self.phase_line.turn_ended()
        self.remove_class("-plans-ready")
        self.plan_list.disabled = False
        after, self._focus_after = self._focus_after, ""
        if after == "own" or (self.focused is own and own.value.strip()):
            own.focus()  # the reader is writing their next plan
        elif after == "plans" or not isinstance(self.focused, (Input, TextArea)) or self.focused is own:
            self.plan_list.focus()

    def watch_phase(self, phase: str) -> None:
        if self.writing and phase:
            self.phase_line.doing(PHASES.get(phase, phase), phase in CANCELLABLE)

    # --- a turn ---------------------------------------------------------------------
    def run_turn(self, events: Callable[[], AsyncGenerator[TurnEvent, None]], plan: str = "", own: bool = False,
                 replace: bool = False) -> None:
        """Run the turn `events()` yields: after the reader's `plan` (echoed above the paragraph;
        `own` when typed), or a new version of the last turn (`replace`), or the opening."""
        if self.story is None:
            self.notify("The story is still opening.", severity="warning")
            return
        if self.writing:
            self.notify("A paragraph is being written: wait, or press Esc to cancel it.", severity="warning")
            return
        self.writing = True
        self.phase_line.turn_began()
        # not `exclusive`: `writing` already allows one turn at a time, and a queued plan's turn is
        # started as the previous one ends, which `exclusive` would mark cancelled
        self.turn_worker = self.run_worker(self._turn(events, plan, own, replace), group="turn", exit_on_error=False)

    def play(self, plan: str, own: bool = False) -> None:
        story = self.story
        if story is not None:
            self.run_turn(lambda: story.play(plan, own=own), plan, own)

    async def _turn(self, events: Callable[[], AsyncGenerator[TurnEvent, None]], plan: str, own: bool,
                    replace: bool) -> None:
        shown: LogTurn | None = None
        self.phase = "recalling"
        try:
            shown = await self.log_view.begin_turn(plan, own, replace)
            async with contextlib.aclosing(events()) as stream:
                async for event in stream:
                    self.show_event(event, shown)
        except asyncio.CancelledError:
            self._take_back(shown, plan, own)
            self.notify("Turn cancelled: the story is as it was.", timeout=4)
            self.rewrite_stopped()
            raise
        except Exception as exc:  # noqa: BLE001 - a failed turn is explained; it must not end the game
            self._take_back(shown, plan, own)
            self._turn_failed(exc, plan)
            self.rewrite_stopped()
            return
        finally:
            self.writing = False
        if shown is not None and shown.finished:
            await self.show_game(rebuild=replace)
            self.call_later(self.after_turn)  # once this turn's worker has finished: a queued plan, or the
            # next of the turns after an edit written again

    def show_event(self, event: TurnEvent, shown: LogTurn) -> None:
        """One event of the turn in progress, on screen: the only place a turn's events are read."""
        match event:
            case Delta(text=text):
                shown.passage.append(text)
            case Restart(reason=reason):
                shown.passage.reset()
                self.phase_line.doing(f"{reason}…")
            case Notice(text=text):
                self.notify(text[:1].upper() + text[1:] + ".", severity="warning", markup=False, timeout=8)
            case Phase(name=name):
                self.phase = name
            case PlansReady(plans=plans):
                self.show_early_plans(plans)
            case TurnDone(node=node):
                shown.finish(node)
            case _:
                assert_never(event)

    def _take_back(self, shown: LogTurn | None, plan: str, own: bool) -> None:
        """A turn that failed or was cancelled: off the log, and the reader's words back in their line."""
        if shown is not None:
            shown.take_back()
        own_input = self.own_input
        if own and not own_input.value:
            own_input.value = plan  # give the reader their words back
            self._focus_after = "own"
        if self.queued.pending and not own_input.value:  # the turn it waited for is not there
            number, words = self.queued.take()
            own_input.value = words or str(number)
            self._focus_after = "own"

    def _turn_failed(self, exc: Exception, plan: str) -> None:
        from rgpt_fiction.engine.events import TurnError
        from rgpt_fiction.engine.story import PlanError
        from rgpt_fiction.errors import describe, transient

        if isinstance(exc, (TurnError, PlanError)):
            what = "pick the plan again (its number or Enter) to retry" if plan else "press r to try again"
            if not transient(exc):  # waiting will not help: say where to fix it first
                what = "fix the cause (the model is in Settings, s on the title screen), then " + what
            self.notify(f"{exc}\nNothing was lost: {what}.", title="The storyteller failed", severity="error",
                        markup=False, timeout=15)
        else:
            message = describe(exc) or f"{type(exc).__name__}: {exc}"
            self.notify(f"{message}\nNothing was lost.", title="The turn failed", severity="error",
                        markup=False, timeout=15)

    def show_early_plans(self, plans: list[str]) -> None:
        """The next plans, shown while the storyteller is still writing down what happened: the
        reader can read them and choose; the choice is played as soon as the turn is stored."""
        self.plan_list.show(plans)
        self.plan_list.disabled = False
        self.add_class("-plans-ready")
        self.phase_line.doing("Writing down what happened: choose now, your plan is played as soon as it is stored",
                              True)
        if not (self.focused is self.own_input and self.own_input.value.strip()):
            self.plan_list.focus()

    def action_retry(self) -> None:
        story = self.story
        if story is None:
            return
        if not story.game.nodes:
            self.run_turn(story.start)
        elif story.node.parent is None:
            self.notify("The opening cannot be written again.", severity="warning")
        elif not self.writing:
            self.run_turn(story.retry, replace=True)
        else:
            self._idle()

    # --- save as ------------------------------------------------------------------------
    def action_save_as(self) -> None:
        if self.game is None or self.slot is None:
            return
        from rgpt_fiction.saves.names import SlotError

        from .dialogs import AskScreen

        shelf = self.rgpt_app.shelf

        def answered(name: str | None) -> None:
            if not name:
                return
            try:
                if self.story is not None:
                    self.story.save()
                shelf.copy(self.slot_name, name)
            except (SlotError, OSError) as exc:
                self.notify(str(exc), title="Save as failed", severity="error", markup=False)
                return
            self.notify(f"Saved a copy as '{name}'. You keep playing in '{self.slot_name}'.", markup=False)

        self.app.push_screen(AskScreen("Save a copy of this game as:", f"{self.slot_name}-copy", shelf.name_problem,
                                       ok="Save copy"), answered)
