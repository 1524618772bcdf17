"""What the reader does on the story screen besides reading a turn: pick or type a plan (played
at once, or queued while a turn runs or the storyteller loads), Esc, undo and redo, the other
versions of a turn, the tree, the memory panel, scrolling and export."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on, work
from textual.widgets import Input, TextArea

from ..widgets.memory import MemoryPanel
from ..widgets.plans import PlanList
from .story_view import StoryView


class StoryVerbs(StoryView):
    # --- picking a plan, now or queued ----------------------------------------------
    def _busy(self) -> bool:
        """True while a plan cannot be played at once (the story opening, or a paragraph being written)."""
        return self.story is None or self.writing or not self.story.game.nodes

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
        self.play(plans[number - 1])

    def play_queued(self) -> None:
        """Play the plan the reader queued, now that the story can take it."""
        if not self.queued.pending or self._busy():
            return
        number, words = self.queued.take()
        if number:
            self.action_pick(number)
        else:
            self._focus_after = "plans"
            self.play(words, own=True)

    @on(PlanList.Chosen)
    def plan_chosen(self, message: PlanList.Chosen) -> None:
        if self._busy():  # chosen among the plans shown early: queued like a plan key
            self.action_pick(message.index + 1)
            return
        self.play(message.plan)

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
        self.play(text, own=True)

    # --- Esc ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
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

    # --- the tree -------------------------------------------------------------------
    def _idle(self) -> bool:
        """Whether the story can be moved now; if not, and the reader should know why, says so."""
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

    async def _moved(self, moved: bool, none_message: str) -> None:
        if not moved:
            self.notify(none_message, timeout=4)
            return
        await self.show_game(rebuild=True)

    async def action_undo(self) -> None:
        if self._idle() and self.story is not None:
            await self._moved(self.story.undo() is not None, "This is the beginning of the story.")

    async def action_redo(self) -> None:
        if self._idle() and self.story is not None:
            await self._moved(self.story.redo() is not None, "Nothing to redo: this is the latest turn on this branch.")

    async def action_alt(self, step: int) -> None:
        if self._idle() and self.story is not None:
            await self._moved(self.story.alt(step) is not None, "No other version of this turn that way (r writes another).")

    def action_tree(self) -> None:
        story = self.story
        if not self._idle() or story is None:
            return
        from .tree import TreeScreen

        async def chosen(node_id: int | None) -> None:
            if node_id is not None and node_id != story.game.current:
                story.goto(node_id)
                await self.show_game(rebuild=True)

        self.app.push_screen(TreeScreen(story.game), chosen)

    # --- memory ---------------------------------------------------------------------
    def action_toggle_memory(self) -> None:
        panel = self.memory_panel
        panel.display = not panel.display
        if not panel.display and panel.has_focus_within:
            self.plan_list.focus()

    @on(MemoryPanel.MemoryEdited)
    def memory_edited(self, message: MemoryPanel.MemoryEdited) -> None:
        if not self._idle() or self.story is None:
            return
        self.story.edit_memory(message.text)
        self.memory_panel.show_node(self.story.node)
        if self.story.save_error:
            self.notify(self.story.save_error, title="Memory not saved", severity="error", markup=False)
        else:
            self.notify("Memory saved: the next turn uses it.", timeout=4)

    @on(MemoryPanel.SearchRequested)
    def search_requested(self, message: MemoryPanel.SearchRequested) -> None:
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

    # --- scrolling, export --------------------------------------------------------------
    def action_scroll_story(self, pages: int) -> None:
        log = self.log_view
        log.scroll_to(y=log.scroll_y + pages * max(1, log.size.height - 2), animate=False)

    def action_export(self) -> None:
        game = self.game
        if game is None or not game.nodes:
            return
        from rgpt_fiction.engine.export import export_markdown

        from .dialogs import AskScreen

        def answered(path: str | None) -> None:
            if not path:
                return
            target = Path(path).expanduser()
            try:
                target.write_text(export_markdown(game), encoding="utf-8")
            except OSError as exc:
                self.notify(f"Cannot write {target}: {exc.strerror or exc}", severity="error", markup=False)
                return
            self.notify(f"The story so far is in {target}", markup=False)

        self.app.push_screen(AskScreen("Export the story (Markdown) to the file:", f"{self.slot_name}.md",
                                       ok="Export"), answered)
