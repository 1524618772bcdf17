"""The story screen: the heart of the game.

The story so far scrolls above; the plans for the next turn (1..9, arrows+Enter, mouse)
and a line for the reader's own plan sit below; a status line on top; the memory panel
on the right (m). Every turn runs in a worker; Esc cancels it and the story is as it
was before. The engine does all the story logic: this screen shows what it yields.

The reader's hands are never refused: while a paragraph is written the plan line keeps
the keys (typing never reaches a hotkey), and a plan typed or picked then is queued and
played once the turn is stored. A saved story is on screen at once; only a turn waits
for the storyteller to load.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TextArea
from textual.worker import Worker

from ..widgets.memory import MemoryPanel
from ..widgets.plans import PlanList
from ..widgets.queued import QueuedPlan
from ..widgets.story_log import Passage, StoryLog

PHASES = {
    "recalling": "Recalling what matters…",
    "writing": "The storyteller is writing…",
    "remembering": "Remembering and thinking of what could happen next…",
    "saving": "Saving…",
}
CANCELLABLE = ("recalling", "writing", "remembering")  # a save is not cancelled: it is not offered
OWN_PLACEHOLDER = "Your own plan, then Enter"


class StoryScreen(Screen):
    BINDINGS = [
        Binding("escape", "escape", "Cancel"),
        Binding("m", "toggle_memory", "Memory"),
        Binding("u", "undo", "Undo"),
        Binding("y", "redo", "Redo"),
        Binding("r", "retry", "Retry"),
        Binding("comma", "alt(-1)", "Previous version", show=False),
        Binding("full_stop", "alt(1)", "Next version", show=False),
        Binding("t", "tree", "Tree"),
        Binding("s", "save_as", "Save as", show=False),
        Binding("e", "export", "Export", show=False),
        Binding("q", "leave", "Back to title", show=False),
        Binding("pageup", "scroll_story(-1)", "Scroll the story up", show=False, priority=True),
        Binding("pagedown", "scroll_story(1)", "Scroll the story down", show=False, priority=True),
        *[Binding(str(i), f"pick({i})", f"Take plan {i}", show=False) for i in range(1, 10)],
    ]

    writing: reactive[bool] = reactive(False)
    phase: reactive[str] = reactive("")

    def __init__(self, slot_name: str, world=None, persona=None, overwrite: bool = False) -> None:
        super().__init__()
        self.slot_name = slot_name
        self.world = world
        self.persona = persona
        self.overwrite = overwrite
        self.slot = None
        self.story = None
        self.saved_game = None  # the game as read from the slot, shown while the storyteller loads
        self.turn_worker: Worker | None = None
        self._closed = False
        self._focus_after = ""  # where the keys go when the turn ends: "plans", "own" or as they were
        self._turn_started = 0.0  # when the turn in progress began (self.clock)
        self.clock = time.monotonic  # the seconds waited are counted on this (tests hold it still)
        self._phase_label = ""  # what the turn in progress is doing, as shown
        self._ticker = None  # redraws the seconds waited, once a second, while a turn runs
        self._cancellable = True

    # --- layout -----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="status", markup=False)
        with Horizontal(id="story-body"):
            with Vertical(id="story-main"):
                yield StoryLog(id="log")
                yield Static("", id="phase", markup=False)
                yield PlanList(id="plans")
                yield QueuedPlan(id="queued")
                yield Input(placeholder=OWN_PLACEHOLDER, id="own")
            yield MemoryPanel(id="memory")
        yield Footer()

    @property
    def log_view(self) -> StoryLog:
        return self.query_one("#log", StoryLog)

    @property
    def plan_list(self) -> PlanList:
        return self.query_one("#plans", PlanList)

    @property
    def memory_panel(self) -> MemoryPanel:
        return self.query_one("#memory", MemoryPanel)

    @property
    def own_input(self) -> Input:
        return self.query_one("#own", Input)

    @property
    def queued(self) -> QueuedPlan:
        return self.query_one("#queued", QueuedPlan)

    @property
    def game(self):
        """The game on screen: the open story's, or the saved one shown while the storyteller loads."""
        return self.story.game if self.story is not None else self.saved_game

    def on_resize(self) -> None:
        self.update_status()

    def on_mount(self) -> None:
        self.memory_panel.display = False
        self.show_phase("Opening the story…")
        self.update_status()
        self.plan_list.focus()
        self.open_game()

    def show_phase(self, text: str) -> None:
        self.query_one("#phase", Static).update(Text(text, style="italic") if text else "")

    # --- opening and closing ------------------------------------------------------
    def _show_loading(self, _progress: str = "") -> None:
        if self.app.storyteller == "loading" and self.story is None:
            if not (self.game and self.game.nodes):
                what = "the story begins as soon as it is ready"
            elif self.queued.pending:
                what = "your plan is taken as soon as it is ready"
            else:
                what = "read on; pick a plan at any time"
            self.show_phase(f"{self.app.loading_text()}  ({what})")

    @work(exclusive=True, group="open", exit_on_error=False)
    async def open_game(self) -> None:
        from rgpt_fiction.errors import describe
        from rgpt_fiction.factory import turn_options
        from rgpt_fiction.saves.slot import Slot
        from rgpt_fiction.session import attach

        try:
            self.slot = Slot(self.app.saves_dir, self.slot_name)
            if self.world is None and not self.overwrite:  # continue: the story is on screen at once
                self.saved_game = await asyncio.to_thread(self._read_blocking, self.slot)
                if self.saved_game is None:
                    return
                await self.show_game(rebuild=True)
        except Exception as exc:  # noqa: BLE001 - locked, corrupt or unwritable slots are explained
            self._cannot_open(describe(exc) or f"{type(exc).__name__}: {exc}")
            return
        if self.app.storyteller == "loading":
            self._show_loading()
            self.watch(self.app, "storyteller_progress", self._show_loading, init=False)
        try:
            model, embedder = await self.app.wait_storyteller()
        except RuntimeError as exc:
            self.notify(f"{exc}\nChange the model in Settings. Your story is saved as it was.",
                        title="No storyteller", severity="error", markup=False, timeout=15)
            self.dismiss_story()
            return
        try:
            options = turn_options(self.app.settings)
            if self.saved_game is not None:
                opened = await asyncio.to_thread(attach, self.slot, self.saved_game, model, embedder, options)
            else:
                opened = await asyncio.to_thread(self._open_blocking, self.slot, model, embedder, options)
        except Exception as exc:  # noqa: BLE001
            self._cannot_open(describe(exc) or f"{type(exc).__name__}: {exc}")
            return
        if opened is None or self._closed:
            return
        self.story, fixed = opened
        self.app.open_slot = self.slot
        if fixed and (fixed.removed or fixed.reembedded):
            self.notify(f"Memory repaired: {fixed.removed} stray rows removed, {fixed.reembedded} turns re-embedded.")
        self.show_phase("")
        if not self.story.game.nodes:
            self.run_turn("start")
        else:
            await self.show_game(rebuild=self.saved_game is None)
            self.play_queued()

    def _cannot_open(self, message: str) -> None:
        self.notify(message, title="Cannot open the game", severity="error", markup=False, timeout=15)
        if self.slot is not None:
            self.slot.close()
        self.slot = None
        self.dismiss_story()

    def _read_blocking(self, slot):
        from rgpt_fiction.session import read_game

        game = read_game(slot)
        if self._closed:  # the reader left while the game was opening
            slot.close()
            return None
        return game

    def _open_blocking(self, slot, model, embedder, options):
        from rgpt_fiction.session import open_story

        if self.overwrite and slot.exists():
            slot.open()  # refuses when another game has the slot open
            try:
                for part in (slot.state_path, slot.backup_path):
                    part.unlink(missing_ok=True)
                if slot.memory_path.exists():
                    import shutil

                    shutil.rmtree(slot.memory_path)
            finally:
                slot.close()
        story, fixed = open_story(slot, model, embedder, options, world=self.world, persona=self.persona)
        if self._closed:  # the reader left while the game was opening
            slot.close()
            return None
        return story, fixed

    def dismiss_story(self) -> None:
        if self.is_current:
            self.app.pop_screen()
        elif self in self.app.screen_stack:
            self.app.back_to_title()

    def on_unmount(self) -> None:
        self._closed = True
        if self.turn_worker is not None:
            self.turn_worker.cancel()
        if self.slot is not None:
            self.slot.close()
        if self.app.open_slot is self.slot:
            self.app.open_slot = None

    # --- leaving --------------------------------------------------------------------
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
        self.confirm_leave(self.app.back_to_title)

    # --- what is shown -------------------------------------------------------------
    def update_status(self) -> None:
        """World, slot, turn, last turn's time and model; on a narrow terminal the least needed parts
        go first (slot, then time), and "NOT SAVED" always shows."""
        story, game = self.story, self.game
        parts: list[tuple[str, str, int]] = []  # (text, style, keep priority: higher stays longer)
        if game is None:
            if self.world is not None:
                parts.append((self.world.title, "bold", 8))
            parts += [(self.slot_name, "", 1), (self.app.model_name, "", 3)]
        else:
            if story is not None and story.save_error:
                parts.append(("NOT SAVED", "bold red", 9))
            parts.append((game.world.get("title", "?"), "bold", 8))
            parts.append((self.slot_name, "", 1))
            if game.nodes:
                turn = f"turn {game.turn}"
                alts = story.alternatives() if story is not None else []
                if len(alts) > 1:
                    turn += f" (version {alts.index(game.current) + 1}/{len(alts)})"
                parts.append((turn, "", 7))
            if story is not None and story.last_stats:
                parts.append((f"last turn {story.last_stats.total_seconds:.1f}s", "", 2))
            parts.append((self.app.model_name, "", 3))
        width = (self.app.size.width or 80) - 2
        while len(parts) > 1 and sum(len(p[0]) + 3 for p in parts) - 3 > width:
            parts.remove(min(parts, key=lambda p: p[2]))
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, (chunk, style, _) in enumerate(parts):
            if i:
                text.append(" · ")
            text.append(chunk, style=style)
        self.query_one("#status", Static).update(text)

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
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.remove_class("-plans-ready")
        self._phase_label = ""
        self.plan_list.disabled = False
        self.show_phase("")
        after, self._focus_after = self._focus_after, ""
        if after == "own" or (self.focused is own and own.value.strip()):
            own.focus()  # the reader is writing their next plan
        elif after == "plans" or not isinstance(self.focused, (Input, TextArea)) or self.focused is own:
            self.plan_list.focus()

    def watch_phase(self, phase: str) -> None:
        if self.writing and phase:
            self._phase_label = PHASES.get(phase, phase)
            self._cancellable = phase in CANCELLABLE
            self._tick()

    def _tick(self) -> None:
        """The turn's phase line: what it is doing, the seconds waited so far, and whether Esc cancels."""
        if self.writing and self._phase_label:
            waited = int(self.clock() - self._turn_started)
            hint = "  (Esc cancels)" if self._cancellable else ""
            self.show_phase(f"{self._phase_label}  {waited} s{hint}")

    # --- a turn ---------------------------------------------------------------------
    def run_turn(self, kind: str, plan: str = "", own: bool = False) -> None:
        if self.story is None:
            self.notify("The story is still opening.", severity="warning")
            return
        if self.writing:
            self.notify("A paragraph is being written: wait, or press Esc to cancel it.", severity="warning")
            return
        self.writing = True
        self._turn_started = self.clock()
        self._ticker = self.set_interval(1.0, self._tick)
        # not `exclusive`: `writing` already allows one turn at a time, and a queued plan's turn is
        # started as the previous one ends, which `exclusive` would mark cancelled
        self.turn_worker = self.run_worker(self._turn(kind, plan, own), group="turn", exit_on_error=False)

    async def _turn(self, kind: str, plan: str, own: bool) -> None:
        from rgpt_fiction.engine.events import Delta, Phase, PlansReady, Restart, TurnDone, TurnError
        from rgpt_fiction.engine.story import PlanError
        from rgpt_fiction.errors import describe, transient

        story = self.story
        log = self.log_view
        added = []
        hidden: Passage | None = None
        done = None
        self.phase = "recalling"
        try:
            if kind == "start":
                events = story.start()
            elif kind == "retry":
                events = story.retry()
                hidden = log.last_passage()
                if hidden is not None:
                    hidden.display = False
            else:
                events = story.play(plan, own=own)
                added.append(await log.add_plan(plan, own))
            passage = await log.begin_passage()
            added.append(passage)
            try:
                async for event in events:
                    if isinstance(event, Delta):
                        passage.append(event.text)
                    elif isinstance(event, Restart):
                        passage.reset()
                        self._phase_label = f"{event.reason}…"
                        self._tick()
                    elif isinstance(event, Phase):
                        self.phase = event.name
                    elif isinstance(event, PlansReady):
                        self.show_early_plans(event.plans)
                    elif isinstance(event, TurnDone):
                        done = event
            finally:
                await events.aclose()
        except asyncio.CancelledError:
            self._undo_partial(added, hidden, kind, plan, own)
            self.notify("Turn cancelled: the story is as it was.", timeout=4)
            raise
        except (TurnError, PlanError) as exc:
            self._undo_partial(added, hidden, kind, plan, own)
            what = ("press r to try again" if kind in ("start", "retry")
                    else "pick the plan again (its number or Enter) to retry")
            if not transient(exc):  # waiting will not help: say where to fix it first
                what = "fix the cause (the model is in Settings, s on the title screen), then " + what
            self.notify(f"{exc}\nNothing was lost: {what}.", title="The storyteller failed", severity="error",
                        markup=False, timeout=15)
            return
        except Exception as exc:  # noqa: BLE001 - an unexpected failure must not kill the game
            self._undo_partial(added, hidden, kind, plan, own)
            message = describe(exc) or f"{type(exc).__name__}: {exc}"
            self.notify(f"{message}\nNothing was lost.", title="The turn failed", severity="error",
                        markup=False, timeout=15)
            return
        finally:
            self.writing = False
        if done is not None:
            passage.node_id = done.node.id
            passage.show(done.node.paragraph)  # the story as saved: echoes and choices made for the reader cut
            passage.remove_class("writing")
            await self.show_game(rebuild=kind == "retry")
            self.call_later(self.play_queued)  # once this turn's worker has finished

    def _undo_partial(self, added, hidden, kind, plan, own) -> None:
        for widget in added:
            widget.remove()
        if hidden is not None:
            hidden.display = True
        own_input = self.own_input
        if own and not own_input.value:
            own_input.value = plan  # give the reader their words back
            self._focus_after = "own"
        if self.queued.pending and not own_input.value:  # the turn it waited for is not there
            number, words = self.queued.take()
            own_input.value = words or str(number)
            self._focus_after = "own"

    # --- picking a plan, now or queued ----------------------------------------------
    def _busy(self) -> bool:
        """True while a plan cannot be played at once (the story opening, or a paragraph being written)."""
        return self.story is None or self.writing or not self.story.game.nodes

    def show_early_plans(self, plans: list[str]) -> None:
        """The next plans, shown while the storyteller is still writing down what happened: the
        reader can read them and choose; the choice is played as soon as the turn is stored."""
        self.plan_list.show(plans)
        self.plan_list.disabled = False
        self.add_class("-plans-ready")
        self._phase_label = "Writing down what happened: choose now, your plan is played as soon as it is stored"
        self._cancellable = True
        self._tick()
        if not (self.focused is self.own_input and self.own_input.value.strip()):
            self.plan_list.focus()

    def action_pick(self, number: int) -> None:
        if self._busy():
            early = self.plan_list.plans if self.has_class("-plans-ready") else []
            if early and number > len(early):
                self.notify(f"There are only {len(early)} plans.", severity="warning")
                return
            self.queued.queue(number=number, shown=early[number - 1] if early else "")
            self._show_loading()
            return
        plans = self.plan_list.plans
        if not plans:
            return
        if number > len(plans):
            self.notify(f"There are only {len(plans)} plans.", severity="warning")
            return
        self.run_turn("play", plans[number - 1])

    def play_queued(self) -> None:
        """Play the plan the reader queued, now that the story can take it."""
        if not self.queued.pending or self._busy():
            return
        number, words = self.queued.take()
        if number:
            self.action_pick(number)
        else:
            self._focus_after = "plans"
            self.run_turn("play", words, own=True)

    def on_plan_list_chosen(self, message: PlanList.Chosen) -> None:
        if self._busy():  # chosen among the plans shown early: queued like a plan key
            self.action_pick(message.index + 1)
            return
        self.run_turn("play", message.plan)

    @on(Input.Submitted, "#own")
    def submit_own(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.notify("Type what you want to do, or pick a numbered plan.", severity="warning")
            return
        event.input.value = ""
        if text.isdigit() and 1 <= int(text) <= 9:  # a plan number typed in the line takes that plan
            self.plan_list.focus()
            self.action_pick(int(text))
            return
        if self._busy():
            self.queued.queue(words=text)
            self._show_loading()
            return
        self._focus_after = "plans"
        self.run_turn("play", text, own=True)

    # --- the tree -------------------------------------------------------------------
    def _idle(self) -> bool:
        if self.story is None and self.saved_game is not None:
            self.notify("The storyteller is still loading: read on, or pick a plan (it is taken once ready).",
                        severity="warning")
            return False
        if self.story is None or not self.story.game.nodes:
            return False
        if self.writing:
            self.notify("A paragraph is being written: wait, or press Esc to cancel it.", severity="warning")
            return False
        return True

    async def _moved(self, node, none_message: str) -> None:
        if node is None:
            self.notify(none_message, timeout=4)
            return
        await self.show_game(rebuild=True)

    async def action_undo(self) -> None:
        if self._idle():
            await self._moved(self.story.undo(), "This is the beginning of the story.")

    async def action_redo(self) -> None:
        if self._idle():
            await self._moved(self.story.redo(), "Nothing to redo: this is the latest turn on this branch.")

    async def action_alt(self, step: int) -> None:
        if self._idle():
            await self._moved(self.story.alt(step), "No other version of this turn that way (r writes another).")

    def action_retry(self) -> None:
        if self.story is None:
            return
        if not self.story.game.nodes:
            self.run_turn("start")
        elif self.story.node.parent is None:
            self.notify("The opening cannot be written again.", severity="warning")
        elif not self.writing:
            self.run_turn("retry")
        else:
            self._idle()

    def action_tree(self) -> None:
        if not self._idle():
            return
        from .tree import TreeScreen

        async def chosen(node_id: int | None) -> None:
            if node_id is not None and self.story is not None and node_id != self.story.game.current:
                self.story.goto(node_id)
                await self.show_game(rebuild=True)

        self.app.push_screen(TreeScreen(self.story.game), chosen)

    # --- memory ---------------------------------------------------------------------
    def action_toggle_memory(self) -> None:
        panel = self.memory_panel
        panel.display = not panel.display
        if not panel.display and panel.has_focus_within:
            self.plan_list.focus()

    def on_memory_panel_memory_edited(self, message: MemoryPanel.MemoryEdited) -> None:
        if not self._idle():
            return
        self.story.edit_memory(message.text)
        self.memory_panel.show_node(self.story.node)
        if self.story.save_error:
            self.notify(self.story.save_error, title="Memory not saved", severity="error", markup=False)
        else:
            self.notify("Memory saved: the next turn uses it.", timeout=4)

    def on_memory_panel_search_requested(self, message: MemoryPanel.SearchRequested) -> None:
        self.search_memory(message.text)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def search_memory(self, text: str) -> None:
        if self.story is None:
            self.memory_panel.show_search_error("The long-term memory opens with the storyteller; search again in a moment.")
            return
        try:
            hits = await asyncio.to_thread(self.story.search, text, 8)
        except Exception as exc:  # noqa: BLE001 - shown in the panel
            self.memory_panel.show_search_error(f"The search failed: {exc}")
            return
        self.memory_panel.show_hits(hits)

    # --- keys -----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "escape":  # offered only when there is something to cancel or leave
            return bool(self.writing or self.queued.pending or isinstance(self.focused, (Input, TextArea))
                        or self.memory_panel.has_focus_within)
        return True

    def action_escape(self) -> None:
        if self.queued.pending:  # first Esc takes back the queued plan, the next one cancels the turn
            number, words = self.queued.take()
            own = self.own_input
            if words:
                own.value = f"{own.value} {words}".strip() if own.value.strip() else words
                own.cursor_position = len(own.value)
                own.focus()
            self._show_loading()
            return
        if self.writing and self.turn_worker is not None:
            self.turn_worker.cancel()
            return
        if self.memory_panel.display and self.memory_panel.has_focus_within:
            self.memory_panel.display = False
            self.plan_list.focus()
        elif isinstance(self.focused, Input):
            self.plan_list.focus()

    def action_scroll_story(self, pages: int) -> None:
        log = self.log_view
        log.scroll_to(y=log.scroll_y + pages * max(1, log.size.height - 2), animate=False)

    # --- save as, export ----------------------------------------------------------------
    def action_save_as(self) -> None:
        if self.game is None or self.slot is None:
            return
        from rgpt_fiction.saves.slot import Slot, SlotError

        from .dialogs import AskScreen

        def check(name: str) -> str:
            try:
                other = Slot(self.app.saves_dir, name)
            except SlotError as exc:
                return str(exc)
            return f"a saved game named '{other.name}' already exists" if other.path.exists() else ""

        def answered(name: str | None) -> None:
            if not name:
                return
            try:
                if self.story is not None:
                    self.story.save()
                self.slot.copy_to(Slot(self.app.saves_dir, name))
            except (SlotError, OSError) as exc:
                self.notify(str(exc), title="Save as failed", severity="error", markup=False)
                return
            self.notify(f"Saved a copy as '{name}'. You keep playing in '{self.slot_name}'.", markup=False)

        self.app.push_screen(AskScreen("Save a copy of this game as:", f"{self.slot_name}-copy", check,
                                       ok="Save copy"), answered)

    def action_export(self) -> None:
        if self.game is None or not self.game.nodes:
            return
        from rgpt_fiction.engine.export import export_markdown

        from .dialogs import AskScreen

        def answered(path: str | None) -> None:
            if not path:
                return
            target = Path(path).expanduser()
            try:
                target.write_text(export_markdown(self.game), encoding="utf-8")
            except OSError as exc:
                self.notify(f"Cannot write {target}: {exc.strerror or exc}", severity="error", markup=False)
                return
            self.notify(f"The story so far is in {target}", markup=False)

        self.app.push_screen(AskScreen("Export the story (Markdown) to the file:", f"{self.slot_name}.md",
                                       ok="Export"), answered)
