"""Snapshots of the title, new game, story and load screens at 100x30 and 80x24 (scripted model).

Run `pytest tests/ui --snapshot-update` after an intended change of the look, and look at
the report before committing the new snapshots.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from ui_helpers import first_turn, settle

SIZES = [(100, 30), (80, 24)]
FIXED_TIME = 1767225600.0  # 2026-01-01 00:00 UTC


async def _ready(pilot):
    await pilot.app.wait_storyteller()
    await pilot.pause()


async def _play_two_turns(pilot):
    await first_turn(pilot)
    await pilot.press("tab", *"I ask about the lighthouse keeper", "enter")
    await settle(pilot)
    screen = pilot.app.screen
    screen.story.last_stats.total_seconds = 2.4  # the only clock on screen
    screen.update_status()
    pilot.app.clear_notifications()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=["100x30", "80x24"])
def test_title(snap_compare, make_app, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=_ready)


@pytest.mark.parametrize("size", SIZES, ids=["100x30", "80x24"])
def test_new_game_world_picker(snap_compare, make_app, size):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("n")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["100x30", "80x24"])
def test_story(snap_compare, make_app, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=_play_two_turns)


@pytest.mark.parametrize("size", SIZES, ids=["100x30", "80x24"])
def test_load(snap_compare, make_app, size, utc, monkeypatch):
    from rgpt_fiction.saves.shelf import Shelf

    real = Shelf.slots
    monkeypatch.setattr(Shelf, "slots", lambda shelf: [replace(i, updated=FIXED_TIME) for i in real(shelf)])

    async def run_before(pilot):
        await _play_two_turns(pilot)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
