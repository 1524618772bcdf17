"""The other screens: title before heavy imports, load/rename/delete, overwrite, settings, help, save as."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path


from rgpt_fiction.saves.slot import Slot
from rgpt_fiction.ui.screens.dialogs import AskScreen, ConfirmScreen
from rgpt_fiction.ui.screens.load import LoadScreen
from rgpt_fiction.ui.screens.title import TitleScreen

from ui_helpers import first_turn, settle

ROOT = Path(__file__).resolve().parents[2]


def test_title_is_shown_before_heavy_modules_are_imported(tmp_path):
    """In a fresh interpreter, as the CLI does it: the title is on screen and takes keys
    before litellm, torch, sentence-transformers, LanceDB, llama.cpp or pyarrow are imported."""
    script = textwrap.dedent(f"""
        import asyncio, json, sys, time
        t0 = time.perf_counter()
        from rgpt_fiction.config import load_settings
        from rgpt_fiction.ui.app import RgptApp, heavy_loaded
        from rgpt_fiction.ui.screens.title import TitleScreen
        imported = heavy_loaded()

        async def main():
            app = RgptApp(load_settings(), saves_dir={str(tmp_path / 'saves')!r})
            async with app.run_test(size=(100, 30)) as pilot:
                while app.heavy_at_title is None:
                    await pilot.pause(0.01)
                shown = type(app.screen).__name__
                await pilot.press("w")
                await pilot.pause()
                took_key = type(app.screen).__name__
                print(json.dumps({{"at_import": imported, "at_title": app.heavy_at_title, "screen": shown,
                                   "after_key": took_key,
                                   "seconds": round(app.title_shown_at - t0, 3)}}))
                app.exit()
        asyncio.run(main())
    """)
    env = {"RGPT_CONFIG": str(tmp_path / "settings.toml"), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["at_import"] == []
    assert result["at_title"] == []
    assert result["screen"] == "TitleScreen" and result["after_key"] == "WorldsScreen"


async def test_title_hides_continue_without_saves_and_shows_loading(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)
        ids = [o.id for o in app.screen.query_one("#menu").options]
        assert ids == ["new", "load", "worlds", "settings", "quit"]
        await app.wait_storyteller()
        await pilot.pause()
        assert "ready" in str(app.screen.query_one("#loading").render())


async def test_load_rename_and_delete_with_confirmation(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        preview = str(app.screen.query_one("#slot-preview").render())
        assert "The Harbour Test" in preview and "Wren" in preview and "1 turns" in preview
        # rename
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        app.screen.query_one("#answer").value = "../evil"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)  # refused, with the reason
        assert "path separators" in str(app.screen.query_one("#problem").render())
        app.screen.query_one("#answer").value = "my harbour"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        assert [s.name for s in app.screen.slots] == ["my harbour"]
        # delete: No keeps it, Yes deletes
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert (app.saves_dir / "my harbour").exists()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not (app.saves_dir / "my harbour").exists()
        assert app.screen.slots == []


async def test_new_game_over_an_existing_slot_asks_first(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("n", "enter")
        await pilot.pause()
        slot = app.screen.query_one("#slot")
        assert slot.value == "the-harbour-test-wren-2"  # a free name is suggested
        slot.value = "the-harbour-test-wren"
        await pilot.pause()
        assert "exists" in str(app.screen.query_one("#slot-msg").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert len(Slot(app.saves_dir, "the-harbour-test-wren").load().nodes) == 2  # untouched
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert app.screen.story.game.turn == 0
        assert len(Slot(app.saves_dir, "the-harbour-test-wren").load().nodes) == 1


async def test_settings_are_saved_to_the_settings_file(make_app):
    from rgpt_fiction.config import config_path

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert "Active model" in str(app.screen.query_one("#active").render())
        app.screen.query_one("#set-temperature").value = "5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not config_path().exists()  # refused: out of range
        app.screen.query_one("#set-temperature").value = "0.5"
        app.screen.query_one("#set-n_plans").value = "4"
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = config_path().read_text()
        assert "temperature = 0.5" in text and "n_plans = 4" in text
        assert app.settings.n_plans == 4


async def test_help_lists_the_story_keys(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        text = str(app.screen.query("Static").last().render())
        for words in ("Undo", "Redo", "Retry", "Previous version", "Next version", "Tree", "Memory", "1..9"):
            assert words in text


async def test_save_as_copies_the_slot(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        await pilot.press("enter")
        await pilot.pause()
        copy = Slot(app.saves_dir, "the-harbour-test-wren-copy")
        assert len(copy.load().nodes) == 2 and not (copy.path / "lock").exists()


async def test_command_palette_lists_the_game_commands(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("New game", "Load", "Save as", "Toggle memory", "Export", "Help", "Quit"):
            assert title in titles


async def test_a_broken_game_is_restored_from_its_backup_in_the_load_screen(make_app):
    """The load error and the README promise Restore in the Load screen: b, shown only for a game whose state
    is broken and whose backup loads, brings the last good state back, and the game plays from there."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        await pilot.press("2")
        await settle(pilot)
        backup = [n.paragraph for n in app.screen.story.game.path()][:-1]  # the save before the last
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert "b" not in app.screen.active_bindings and "v" not in app.screen.active_bindings  # a good game
        await pilot.press("escape")
        await pilot.pause()
        slot = Slot(app.saves_dir, "the-harbour-test-wren")
        slot.state_path.write_text('{"format": 2, "world": {"title": "hand-edited')
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        preview = str(app.screen.query_one("#slot-preview").render())
        assert "state.json is corrupt" in preview and "Restore (b)" in preview
        assert "b" in app.screen.active_bindings and "v" not in app.screen.active_bindings
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, LoadScreen)
        [info] = app.screen.slots
        assert not info.error and info.turns == 1
        assert "b" not in app.screen.active_bindings
        assert (slot.path / "state.json.broken").exists()
        await pilot.press("enter")
        await settle(pilot)
        game = app.screen.story.game
        assert game.turn == 1 and [n.paragraph for n in game.path()] == backup
