"""The story screen: the heart of the game.

The story so far scrolls above; the plans for the next turn (1..9, arrows+Enter, mouse)
and a line for the reader's own plan sit below; a status line on top; the memory panel
on the right (m). Every turn runs in a worker; Esc cancels it and the story is as it
was before. The engine does all the story logic: this screen shows what it yields.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Input, Static, TextArea
from textual.worker import Worker

from ..widgets.memory import MemoryPanel
from ..widgets.plans import PlanList
from ..widgets.story_log import Passage, StoryLog

PHASES = {
    "recalling": "Recalling what matters…",
    "writing": "The storyteller is writing…",
    "remembering": "Remembering and thinking of what could happen next…",
    "saving": "Saving…",
}


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
        self.turn_worker: Worker | None = None
        self._closed = False
        self._pending_pick = 0  # a plan number pressed while the story was opening
        self._focus_after = ""  # where the keys go when the turn ends: "plans", "own" or as they were
        self._turn_started = 0.0  # when the turn in progress began (time.monotonic)
        self._phase_label = ""  # what the turn in progress is doing, as shown
        self._ticker = None  # redraws the seconds waited, once a second, while a turn runs

    # --- layout -----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="status", markup=False)
        with Horizontal(id="story-body"):
            with Vertical(id="story-main"):
                yield StoryLog(id="log")
                yield Static("", id="phase", markup=False)
                yield PlanList(id="plans")
                yield Input(placeholder="Or write what you do next, then Enter", id="own")
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

    def on_resize(self) -> None:
        self.update_status()

    def on_mount(self) -> None:
        self.memory_panel.display = False
        self.query_one("#phase", Static).update(Text("Opening the story…", style="italic"))
        self.update_status()
        self.plan_list.focus()
        self.open_game()

    # --- opening and closing ------------------------------------------------------
    def _show_loading(self, _progress: str = "") -> None:
        if self.app.storyteller == "loading":
            self.query_one("#phase", Static).update(Text(self.app.loading_text(), style="italic"))

    @work(exclusive=True, group="open", exit_on_error=False)
    async def open_game(self) -> None:
        from rgpt_fiction.errors import describe
        from rgpt_fiction.factory import turn_options
        from rgpt_fiction.saves.slot import Slot

        if self.app.storyteller == "loading":
            self.query_one("#phase", Static).update(Text(self.app.loading_text(), style="italic"))
            self.watch(self.app, "storyteller_progress", self._show_loading, init=False)
        try:
            model, embedder = await self.app.wait_storyteller()
        except RuntimeError as exc:
            self.notify(f"{exc}\nChange the model in Settings.", title="No storyteller", severity="error",
                        markup=False, timeout=15)
            self.dismiss_story()
            return
        try:
            self.slot = Slot(self.app.saves_dir, self.slot_name)
            options = turn_options(self.app.settings)
            opened = await asyncio.to_thread(self._open_blocking, self.slot, model, embedder, options)
        except Exception as exc:  # noqa: BLE001 - locked, corrupt or unwritable slots are explained
            message = describe(exc) or f"{type(exc).__name__}: {exc}"
            self.notify(message, title="Cannot open the game", severity="error", markup=False, timeout=15)
            self.slot = None
            self.dismiss_story()
            return
        if opened is None:
            return
        self.story, fixed = opened
        self.app.open_slot = self.slot
        if fixed and (fixed.removed or fixed.reembedded):
            self.notify(f"Memory repaired: {fixed.removed} stray rows removed, {fixed.reembedded} turns re-embedded.")
        self.query_one("#phase", Static).update("")
        if not self.story.game.nodes:
            self.run_turn("start")
        else:
            await self.refresh_story(rebuild=True)
            pending, self._pending_pick = self._pending_pick, 0
            if pending:
                self.action_pick(pending)

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

    # --- what is shown -------------------------------------------------------------
    def update_status(self) -> None:
        """World, slot, turn, last turn's time and model; on a narrow terminal the least needed parts
        go first (slot, then time), and "NOT SAVED" always shows."""
        story = self.story
        parts: list[tuple[str, str, int]] = []  # (text, style, keep priority: higher stays longer)
        if story is None:
            parts += [(self.slot_name, "", 1), (self.app.model_name, "", 3)]
        else:
            game = story.game
            if story.save_error:
                parts.append(("NOT SAVED", "bold red", 9))
            parts.append((game.world.get("title", "?"), "bold", 8))
            parts.append((self.slot_name, "", 1))
            if game.nodes:
                turn = f"turn {game.turn}"
                alts = story.alternatives()
                if len(alts) > 1:
                    turn += f" (version {alts.index(game.current) + 1}/{len(alts)})"
                parts.append((turn, "", 7))
            if story.last_stats:
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

    async def refresh_story(self, rebuild: bool = False) -> None:
        story = self.story
        if story is None:
            return
        if rebuild:
            await self.log_view.show_path(story.game.path())
        if story.game.nodes:
            self.plan_list.show(story.plans)
            self.memory_panel.show_node(story.node)
        self.update_status()
        if story.save_error:
            self.notify(f"{story.save_error}\nThe game goes on in memory; free some space or check the folder.",
                        title="The game could not be saved", severity="error", markup=False, timeout=15)

    def watch_writing(self, writing: bool) -> None:
        self.set_class(writing, "-writing")
        self.plan_list.disabled = writing
        if not writing:
            if self._ticker is not None:
                self._ticker.stop()
                self._ticker = None
            self.query_one("#phase", Static).update("")
            after, self._focus_after = self._focus_after, ""
            if after == "own":
                self.query_one("#own", Input).focus()
            elif after == "plans" or not isinstance(self.focused, (Input, TextArea)):
                self.plan_list.focus()

    def watch_phase(self, phase: str) -> None:
        if phase:
            self._phase_label = PHASES.get(phase, phase)
            self.show_phase()

    def show_phase(self) -> None:
        """What the turn is doing, the seconds waited so far, and that Esc cancels."""
        if self.writing and self._phase_label:
            waited = int(time.monotonic() - self._turn_started)
            self.query_one("#phase", Static).update(
                Text(f"{self._phase_label}  {waited} s  (Esc cancels)", style="italic")
            )

    # --- a turn ---------------------------------------------------------------------
    def run_turn(self, kind: str, plan: str = "", own: bool = False) -> None:
        if self.story is None:
            self.notify("The story is still opening.", severity="warning")
            return
        if self.writing:
            self.notify("A paragraph is being written: wait, or press Esc to cancel it.", severity="warning")
            return
        self.writing = True
        self._turn_started = time.monotonic()
        self._ticker = self.set_interval(1.0, self.show_phase)
        self.turn_worker = self.run_worker(self._turn(kind, plan, own), group="turn", exclusive=True,
                                           exit_on_error=False)

    async def _turn(self, kind: str, plan: str, own: bool) -> None:
        from rgpt_fiction.engine.events import Delta, Phase, Restart, TurnDone, TurnError
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
                        self.show_phase()
                    elif isinstance(event, Phase):
                        self.phase = event.name
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
            await self.refresh_story(rebuild=kind == "retry")

    def _undo_partial(self, added, hidden, kind, plan, own) -> None:
        for widget in added:
            widget.remove()
        if hidden is not None:
            hidden.display = True
        own_input = self.query_one("#own", Input)
        if own and not own_input.value:
            own_input.value = plan  # give the reader their words back
            self._focus_after = "own"

    # --- picking a plan -------------------------------------------------------------
    def action_pick(self, number: int) -> None:
        plans = self.plan_list.plans
        if self.story is None:  # still opening: the choice is taken as soon as the story is open
            self._pending_pick = number
            self.notify(f"Plan {number} will be taken as soon as the story is open.")
            return
        if not plans:
            return
        if number > len(plans):
            self.notify(f"There are only {len(plans)} plans.", severity="warning")
            return
        self.run_turn("play", plans[number - 1])

    def on_plan_list_chosen(self, message: PlanList.Chosen) -> None:
        self.run_turn("play", message.plan)

    def on_plan_list_write_own(self, message: PlanList.WriteOwn) -> None:
        self.query_one("#own", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "own":
            return
        event.stop()
        text = event.value.strip()
        if not text:
            self.notify("Type what you want to do, or pick a numbered plan.", severity="warning")
            return
        if self.story is None:  # the words stay in the input
            self.notify("The story is still opening; press Enter again in a moment.", severity="warning")
            return
        if self.writing:
            self.notify("A paragraph is being written: wait, or press Esc to cancel it.", severity="warning")
            return
        event.input.value = ""
        self._focus_after = "plans"
        self.run_turn("play", text, own=True)

    # --- the tree -------------------------------------------------------------------
    def _idle(self) -> bool:
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
        await self.refresh_story(rebuild=True)

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
                await self.refresh_story(rebuild=True)

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
            return
        try:
            hits = await asyncio.to_thread(self.story.search, text, 8)
        except Exception as exc:  # noqa: BLE001 - shown in the panel
            self.memory_panel.show_search_error(f"The search failed: {exc}")
            return
        self.memory_panel.show_hits(hits)

    # --- keys -----------------------------------------------------------------------
    def action_escape(self) -> None:
        if self.writing and self.turn_worker is not None:
            self.turn_worker.cancel()
            return
        if self.memory_panel.display and self.memory_panel.has_focus_within:
            self.memory_panel.display = False
            self.plan_list.focus()
        elif isinstance(self.focused, Input):
            self.plan_list.focus()

    def action_leave(self) -> None:
        self.app.back_to_title()

    # --- save as, export ----------------------------------------------------------------
    def action_save_as(self) -> None:
        if self.story is None or self.slot is None:
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
                self.story.save()
                self.slot.copy_to(Slot(self.app.saves_dir, name))
            except (SlotError, OSError) as exc:
                self.notify(str(exc), title="Save as failed", severity="error", markup=False)
                return
            self.notify(f"Saved a copy as '{name}'. You keep playing in '{self.slot_name}'.", markup=False)

        self.app.push_screen(AskScreen("Save a copy of this game as:", f"{self.slot_name}-copy", check,
                                       ok="Save copy"), answered)

    def action_export(self) -> None:
        if self.story is None or not self.story.game.nodes:
            return
        from rgpt_fiction.engine.export import export_markdown

        from .dialogs import AskScreen

        def answered(path: str | None) -> None:
            if not path:
                return
            target = Path(path).expanduser()
            try:
                target.write_text(export_markdown(self.story.game), encoding="utf-8")
            except OSError as exc:
                self.notify(f"Cannot write {target}: {exc.strerror or exc}", severity="error", markup=False)
                return
            self.notify(f"The story so far is in {target}", markup=False)

        self.app.push_screen(AskScreen("Export the story (Markdown) to the file:", f"{self.slot_name}.md",
                                       ok="Export"), answered)
