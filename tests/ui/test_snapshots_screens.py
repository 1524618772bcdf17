"""Snapshots of the screens and dialogs around the story, at 100x30 and 80x24 (scripted model): the
persona form, the world browser, help, settings, Save as, delete, and a game that cannot be read."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rgpt_fiction.saves.slot import Slot

from snapshot_helpers import FIXED_TIME, SIZE_IDS, SIZES, ready, two_turns
from ui_helpers import write_world

sizes = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)


@pytest.fixture
def fixed_slot_times(monkeypatch, utc):
    from rgpt_fiction.saves.shelf import Shelf

    real = Shelf.slots
    monkeypatch.setattr(Shelf, "slots", lambda shelf: [replace(i, updated=FIXED_TIME) for i in real(shelf)])


class TestNewGame:
    @sizes
    def test_persona_form(self, snap_compare, snap_app, size):
        """Name, about you (the world's hero as a hint that wraps), tone, slot; Begin in sight."""

        async def run_before(pilot):
            await ready(pilot)
            await pilot.press("n", "enter")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_persona_form_long_names(self, snap_compare, snap_app, tmp_path, size):
        """A long world title and a long hero description still fit."""
        worlds = tmp_path / "worlds"
        worlds.mkdir()
        write_world(worlds / "long.toml", title="The Very Long and Winding Chronicle of the Harbour Town of Saltmere",
                    role="a courier from the capital who carries sealed letters for the harbour master and the guild")

        async def run_before(pilot):
            await ready(pilot)
            await pilot.press("n", "enter")
            await pilot.pause()
            pilot.app.screen.query_one("#name").value = "Wilhelmina Fairweather-Throckmorton of the Northern Isles"
            await pilot.pause()

        assert snap_compare(snap_app(worlds_dirs=[worlds]), terminal_size=size, run_before=run_before)

    @sizes
    def test_worlds_browser(self, snap_compare, snap_app, size):
        """Worlds from the title: the full preview (premise, hero, characters)."""

        async def run_before(pilot):
            await ready(pilot)
            await pilot.press("w")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)


class TestDialogs:
    @sizes
    def test_help(self, snap_compare, snap_app, size):
        """F1: every key, screen by screen."""

        async def run_before(pilot):
            await ready(pilot)
            await pilot.press("f1")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_settings(self, snap_compare, snap_app, size, monkeypatch):
        """Settings: every field and the buttons in sight."""
        monkeypatch.setenv("RGPT_CONFIG", "/settings/settings.toml")  # the same path on every machine
        monkeypatch.setenv("RGPT_MODEL", "scripted")  # not the default model, which may change

        async def run_before(pilot):
            await ready(pilot)
            await pilot.press("s")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_settings_bad_value(self, snap_compare, snap_app, size, monkeypatch):
        """A value out of range is blamed on the field, with its rule."""
        monkeypatch.setenv("RGPT_CONFIG", "/settings/settings.toml")
        monkeypatch.setenv("RGPT_MODEL", "scripted")

        async def run_before(pilot):
            await ready(pilot)
            await pilot.press("s")
            await pilot.pause()
            pilot.app.screen.query_one("#set-temperature").value = "5"
            await pilot.press("ctrl+s")
            await pilot.pause()
            pilot.app.clear_notifications()
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_save_as(self, snap_compare, snap_app, size):
        """s in the story: the copy's name, asked in a dialog."""

        async def run_before(pilot):
            await two_turns(pilot)
            await pilot.press("s")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_delete_asks(self, snap_compare, snap_app, size, fixed_slot_times):
        """d in Load: a confirmation naming the game."""

        async def run_before(pilot):
            await two_turns(pilot)
            await pilot.press("q")
            await pilot.pause()
            await pilot.press("l")
            await pilot.pause()
            await pilot.press("d")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)

    @sizes
    def test_unreadable_game_in_load(self, snap_compare, snap_app, size, fixed_slot_times):
        """A game whose header and backup are broken: the reason, and Recover (v) in the footer."""

        async def run_before(pilot):
            await two_turns(pilot)
            await pilot.press("q")
            await pilot.pause()
            slot = Slot(pilot.app.saves_dir, "the-harbour-test-wren")
            slot.state_path.write_text("{ torn")
            slot.backup_path.unlink(missing_ok=True)
            await pilot.press("l")
            await pilot.pause()

        assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)
