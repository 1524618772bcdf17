"""The reader as co-author on the story screen: select a paragraph and edit it (w, or a click), then keep or
write again the turns after it; pin facts (p, or the memory panel); see what the storyteller saw (i, or
the memory panel). The engine does the work (engine/coauthor.py); this layer asks and shows."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, AsyncGenerator, Callable, assert_never

from textual import on

from rgpt_fiction.engine.events import Delta, Notice, Phase, PlansReady, Restart, TurnDone, TurnEvent

from ..widgets.memory import MemoryPanel
from ..widgets.story_log import Passage, StoryLog
from .story_verbs import StoryVerbs

SELECTING = "↑↓ or a click choose a paragraph · Enter (or a second click) edits it · Esc"


class StoryCoAuthor(StoryVerbs):
    if TYPE_CHECKING:  # what StoryScreen (story.py) gives this layer
        def run_turn(self, events: Callable[[], AsyncGenerator[TurnEvent, None]], plan: str = "", own: bool = False,
                     replace: bool = False) -> None: ...

        def show_early_plans(self, plans: list[str]) -> None: ...

        def _turn_failed(self, exc: Exception, plan: str) -> None: ...

    # --- editing a paragraph --------------------------------------------------------------
    def action_edit_passage(self) -> None:
        if not self._idle():
            return
        if self.log_view.start_selecting(self.game.current if self.game else None):
            self.phase_line.tell(SELECTING)

    @on(StoryLog.SelectingEnded)
    def selecting_ended(self) -> None:
        self.phase_line.tell("")
        self.plan_list.focus()

    @on(StoryLog.EditRequested)
    def edit_requested(self, message: StoryLog.EditRequested) -> None:
        story = self.story
        if not self._idle() or story is None or message.node_id not in story.game.path_ids():
            return
        from rgpt_fiction.engine.edit import EditError, edited_text

        from .edit import EditScreen, LaterScreen

        node = story.game.nodes[message.node_id]
        path = story.game.path_ids()
        after = len(path) - 1 - path.index(node.id)

        def check(text: str) -> str:
            try:
                edited_text(text, node.paragraph)
            except EditError as exc:
                return str(exc)
            return ""

        def later_chosen(later: str | None) -> None:
            if later is None:
                self.notify("Edit cancelled: the story is as it was.", timeout=4)
                return
            self._start_edit(node.id, text_saved[0], later)

        text_saved: list[str] = []

        def saved(text: str | None) -> None:
            self.log_view.stop_selecting()
            self.phase_line.tell("")
            self.plan_list.focus()
            if text is None:
                return
            text_saved.append(text)
            if after:
                self.app.push_screen(LaterScreen(after), later_chosen)
            else:
                self._start_edit(node.id, text, "keep")

        heading = f"Edit turn {node.depth}" + (f" (after: {node.plan})" if node.plan else " (the opening)")
        self.app.push_screen(EditScreen(heading[:200], node.paragraph, check), saved)

    def _start_edit(self, node_id: int, text: str, later: str) -> None:
        if self.story is None or self.writing:
            return
        self.writing = True
        self.phase_line.turn_began()
        self.turn_worker = self.run_worker(self._edit(node_id, text, later), group="turn", exit_on_error=False)

    def _shown(self, node_id: int) -> Passage | None:
        return next((p for p in self.log_view.query(Passage) if p.node_id == node_id), None)

    async def _edit(self, node_id: int, text: str, later: str) -> None:
        story = self.story
        assert story is not None
        last = node_id == story.game.current
        self.phase = "remembering"
        passage, old = self._shown(node_id), story.game.nodes[node_id].paragraph
        if passage is not None:  # the reader's words on screen at once, while the storyteller catches up
            from rgpt_fiction.engine.edit import edited_text

            passage.show(edited_text(text, old))  # as the story keeps it (checked in the dialog)
            passage.add_class("writing")
        try:
            async with contextlib.aclosing(story.edit(node_id, text, "rewrite" if later == "rewrite" else "keep")) as events:
                async for event in events:
                    match event:
                        case Phase(name=name):
                            self.phase = name
                        case PlansReady(plans=plans):
                            if last:
                                self.show_early_plans(plans)
                        case Notice(text=notice):
                            self.notify(notice, severity="warning", markup=False, timeout=8)
                        case Restart(reason=reason):
                            self.phase_line.doing(f"{reason}…")
                        case Delta() | TurnDone():
                            pass  # the paragraph is the reader's own; the story is shown once stored
                        case _:
                            assert_never(event)
        except asyncio.CancelledError:
            self._take_back_edit(passage, old)
            self.notify("Edit cancelled: the story is as it was.", timeout=4)
            raise
        except Exception as exc:  # noqa: BLE001 - a failed edit is explained; it must not end the game
            self._take_back_edit(passage, old)
            self._turn_failed(exc, "")
            return
        finally:
            self.writing = False
        await self.show_game(rebuild=True)
        if story.rewriting:
            self.notify(f"Your edit is kept. Writing the {len(story.rewriting)} turn(s) after it again "
                        "(Esc stops; u undoes the whole edit).", timeout=6)
        else:
            self.notify("Your edit is kept: u (undo) takes it back.", timeout=5)
        self.call_later(self.after_turn)

    def _take_back_edit(self, passage: Passage | None, old: str) -> None:
        if passage is not None:
            passage.show(old)
            passage.remove_class("writing")
        if self.story is not None and self.story.node.plans:
            self.plan_list.show(self.story.node.plans)

    def after_turn(self) -> None:
        """Once a turn is stored: write the next of the turns after an edit again, else play a queued plan."""
        story = self.story
        if story is not None and story.rewriting and not self.writing:
            plan, own = story.rewriting[0]
            self.run_turn(story.rewrite_next, plan, own)
            return
        self.play_queued()

    def rewrite_stopped(self) -> None:
        """A turn written again after an edit was cancelled or failed: write no more of them."""
        if self.story is not None and self.story.rewriting:
            left = self.story.stop_rewrite()
            self.notify(f"Stopped writing the turns after your edit again ({left} not written). "
                        "u undoes the whole edit.", timeout=8)

    # --- pinned facts --------------------------------------------------------------------
    def action_pin_fact(self) -> None:
        story = self.story
        if not self._idle() or story is None:
            return
        from rgpt_fiction.engine.pins import PinError, pinned_with

        from .dialogs import AskScreen

        def check(text: str) -> str:
            try:
                pinned_with(story.node.pinned, text)
            except PinError as exc:
                return str(exc)
            return ""

        def answered(text: str | None) -> None:
            if text and self._idle():
                story.pin(text)
                self._pins_saved()

        self.app.push_screen(AskScreen("Pin a fact (it stays in every prompt, and the storyteller never drops it):",
                                       check=check, ok="Pin"), answered)

    @on(MemoryPanel.PinsEdited)
    def pins_edited(self, message: MemoryPanel.PinsEdited) -> None:
        story = self.story
        if not self._idle() or story is None:
            return
        from rgpt_fiction.engine.pins import PinError

        try:
            story.set_pins(message.lines)
        except PinError as exc:
            self.memory_panel.show_pins_problem(str(exc))
            return
        self._pins_saved()

    def _pins_saved(self) -> None:
        story = self.story
        if story is None:
            return
        self.memory_panel.show_node(story.node)
        if story.save_error:
            self.notify(story.save_error, title="Pins not saved", severity="error", markup=False)
        else:
            count = len(story.node.pinned)
            self.notify(f"{count} fact(s) pinned: in every prompt from the next turn on." if count
                        else "No fact pinned.", timeout=4)

    # --- what the storyteller saw -----------------------------------------------------------
    def action_inspect(self) -> None:
        story = self.story
        if not self._idle() or story is None:
            return
        from .inspect import InspectScreen

        self.app.push_screen(InspectScreen(story, story.game.current))

    @on(MemoryPanel.InspectRequested)
    def inspect_requested(self) -> None:
        self.action_inspect()
