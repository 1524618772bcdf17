"""While the model works: the seconds waited and "Esc cancels" on the phase line; SIGINT ends the
game like Ctrl+Q with status 130, the turn in progress not committed and the slot unlocked."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.saves.slot import Slot
from rgpt_fiction.ui.widgets.story_log import Passage

from ui_helpers import new_game, settle

pytestmark = pytest.mark.asyncio
SLOT = "the-harbour-test-wren"


async def until_writing(pilot, screen) -> None:
    for _ in range(400):
        await pilot.pause(0.01)
        if any(p.has_class("writing") and p.text for p in screen.query(Passage)):
            return
    raise AssertionError("the paragraph never began")


def phase_line(screen) -> str:
    return str(screen.query_one("#phase", Static).render())


async def test_the_wait_shows_seconds_and_that_esc_cancels(make_app):
    app = make_app(ScriptedModel(delay=0.05))
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        screen = app.screen
        await pilot.press("1")
        await until_writing(pilot, screen)
        assert "(Esc cancels)" in phase_line(screen) and " s  " in phase_line(screen)
        screen.phase_line.started -= 42  # as if the model had been silent for 42 s more
        screen.phase_line.redraw()  # the once-a-second redraw
        assert "The storyteller is writing…" in phase_line(screen)
        assert any(f"{n} s  (Esc cancels)" in phase_line(screen) for n in range(42, 60))
        await pilot.press("escape")
        await settle(pilot)
        assert phase_line(screen) == "" and not screen.phase_line.ticking


async def test_sigint_mid_turn_ends_with_130_and_commits_nothing(make_app):
    app = make_app(ScriptedModel(delay=0.05))
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        before = Slot(app.saves_dir, SLOT).state_path.read_bytes()
        await pilot.press("1")
        await until_writing(pilot, app.screen)
        app.interrupted()  # what the SIGINT handler calls
        await pilot.pause()
    assert app.return_code == 130
    slot = Slot(app.saves_dir, SLOT)
    assert slot.state_path.read_bytes() == before
    slot.open()  # unlocked
    slot.close()
