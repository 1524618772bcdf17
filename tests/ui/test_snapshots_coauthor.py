"""Snapshots of the reader as co-author, at 100x30 and 80x24 (scripted model): a paragraph chosen to edit,
the edit dialog (and an empty paragraph refused in it), what becomes of the turns after an edit, the
pinned facts in the memory panel, and what the storyteller saw for a turn."""

from __future__ import annotations

import pytest

from snapshot_helpers import SIZE_IDS, SIZES, still, two_turns
from ui_helpers import settle

sizes = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)


class TestCoAuthor:
    @sizes
    def test_paragraph_chosen_to_edit(self, snap_compare, snap_app, size):
        """w, then up: the paragraph before the last marked, the keys told on the phase line."""

        async def run_before(pilot):
            await two_turns(pilot)
            await pilot.press("w", "up")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_edit_dialog(self, snap_compare, snap_app, size):
        """The paragraph in a text area, ctrl+s and Esc said under it."""

        async def run_before(pilot):
            await two_turns(pilot)
            await pilot.press("w", "enter")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_empty_paragraph_refused(self, snap_compare, snap_app, size):
        """An emptied paragraph is not saved: the dialog says why and stays open."""

        async def run_before(pilot):
            await two_turns(pilot)
            await pilot.press("w", "enter")
            await pilot.pause()
            pilot.app.screen.query_one("#edit-text").load_text("")
            await pilot.press("ctrl+s")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_keep_or_rewrite_the_turns_after(self, snap_compare, snap_app, size):
        """An earlier paragraph edited: keep the turns after it, or write them again."""

        async def run_before(pilot):
            await two_turns(pilot)
            await pilot.press("w", "up", "up", "enter")
            await pilot.pause()
            pilot.app.screen.query_one("#edit-text").load_text("The rain stops, and the quay is empty.")
            await pilot.press("ctrl+s")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_pinned_facts_in_the_memory_panel(self, snap_compare, snap_app, size):
        """Two facts pinned, shown in the memory panel under the storyteller's facts."""

        async def run_before(pilot):
            await two_turns(pilot)
            story = pilot.app.screen.story
            story.pin("Mara is alive")
            story.pin("The lighthouse lamp never goes out")
            await pilot.press("m")
            await pilot.pause()
            await pilot.app.screen.show_game()
            await pilot.pause()
            pilot.app.screen.query_one("#pinned-text").focus()
            await pilot.pause()
            still(pilot)

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_what_the_storyteller_saw(self, snap_compare, snap_app, size):
        """i: the turn, what was recalled and why, the first call's parts with their tokens."""

        async def run_before(pilot):
            await two_turns(pilot)
            await pilot.press("i")
            await settle(pilot)
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)
