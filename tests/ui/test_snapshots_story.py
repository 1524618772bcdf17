"""Snapshots of the story screen in every state a reader meets, at 100x30 and 80x24 (scripted model):
the memory panel, a plan queued while a paragraph is written, leaving mid-turn, NOT SAVED, an error
toast, long plans, the tree with branches, and a saved story shown while the storyteller loads."""

from __future__ import annotations

import threading

import pytest

from rgpt_fiction.llm.base import LLMError
from rgpt_fiction.llm.scripted import ScriptedModel

from snapshot_helpers import SIZE_IDS, SIZES, StoppingModel, long_plans_model, still, stopped_mid_turn, two_turns
from ui_helpers import first_turn, new_game, settle

sizes = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)


class TestStoryScreen:
    @sizes
    def test_memory_panel_open(self, snap_compare, snap_app, size):
        """The memory panel beside the story: short-term memory, facts, what was recalled, the search."""

        async def run_before(pilot):
            await two_turns(pilot)
            await pilot.press("m")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_plan_queued_during_a_turn(self, snap_compare, snap_app, size):
        """Typed while the paragraph is written, sent with Enter: shown as the next plan, the line free again."""

        async def run_before(pilot):
            await stopped_mid_turn(pilot)
            await pilot.press(*"I follow the gulls", "enter", *"and then")
            await pilot.pause()

        assert snap_compare(snap_app(StoppingModel()), terminal_size=size, run_before=run_before)

    @sizes
    def test_leaving_during_a_turn_asks(self, snap_compare, snap_app, size):
        """q with a turn running (no text field focused) asks before the paragraph is lost."""

        async def run_before(pilot):
            await stopped_mid_turn(pilot)
            pilot.app.screen.set_focus(None)
            await pilot.press("q")
            await pilot.pause()

        assert snap_compare(snap_app(StoppingModel()), terminal_size=size, run_before=run_before)

    @sizes
    def test_not_saved(self, snap_compare, snap_app, size):
        """A failed save: NOT SAVED leads the status line, the story goes on in memory."""

        async def run_before(pilot):
            await two_turns(pilot)
            pilot.app.screen.story.save_error = "cannot save the slot: No space left on device"
            pilot.app.screen.update_status()
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_error_toast(self, snap_compare, snap_app, size):
        """The storyteller fails: the toast says why and that nothing was lost."""

        async def run_before(pilot):
            await new_game(pilot)
            still(pilot)
            await pilot.press("2")
            await settle(pilot)
            await pilot.pause()

        model = ScriptedModel([LLMError("scripted", "the server at localhost:8080 refused the connection",
                                        "start the server, or pick another model in Settings")])
        assert snap_compare(snap_app(model), terminal_size=size, run_before=run_before)

    @sizes
    def test_long_plans(self, snap_compare, snap_app, size):
        """Plans as long as plans may be: they wrap, and the own-plan line stays in sight."""

        async def run_before(pilot):
            await first_turn(pilot)
            still(pilot)
            await pilot.pause()

        assert snap_compare(snap_app(long_plans_model()), terminal_size=size, run_before=run_before)

    @sizes
    def test_tree_with_branches(self, snap_compare, snap_app, size):
        """Two versions of a turn and a second branch: each row says which it is."""

        async def run_before(pilot):
            await first_turn(pilot)
            await pilot.press("2")
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            await pilot.press("u", "u")
            await settle(pilot)
            await pilot.press("3")
            await settle(pilot)
            still(pilot)
            await pilot.press("t")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_saved_story_while_the_storyteller_loads(self, snap_compare, snap_app, embedder, tmp_path, size):
        """Continue: the saved story, plans and status at once; only a turn waits for the storyteller."""
        saves = tmp_path / "saves-loading"
        gate = threading.Event()

        class SlowEmbedder:
            def __getattr__(self, name):
                return getattr(embedder, name)

            def load(self):
                gate.wait(60)

        async def run_before(pilot):
            await pilot.pause()
            await pilot.press("c")
            # the saved game is read in a thread: on a loaded machine (CI beside two model runs) 3 s was too
            # little and the snapshot caught the screen before it; wait for it as long as a minute
            for _ in range(6000):
                await pilot.pause(0.01)
                if getattr(pilot.app.screen, "saved_game", None) is not None:
                    break
            # (and the story's scroll to its end settled: under that load a scrollbar was caught mid-way)
            await pilot.wait_for_scheduled_animations()
            for _ in range(3):
                await pilot.pause()

        import asyncio

        async def play_first():
            app = snap_app(saves=saves)
            async with app.run_test(size=(100, 30)) as pilot:
                await two_turns(pilot)
                await pilot.press("ctrl+q")

        asyncio.run(play_first())
        app = snap_app(saves=saves, embedder_override=SlowEmbedder())
        try:
            assert snap_compare(app, terminal_size=size, run_before=run_before)
        finally:
            gate.set()
