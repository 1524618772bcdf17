"""The story verbs on every surface: the story screen's keys, the command palette, the help screen and line
mode's /help list the verbs of `rgpt_fiction/verbs.py`, each surface exactly those the table gives it; and a
palette command runs its verb."""

from __future__ import annotations

import io

from textual.app import App

from rgpt_fiction.headless import Printer, _help
from rgpt_fiction.ui.screens.help import HelpScreen, _keys
from rgpt_fiction.ui.screens.story import StoryScreen
from rgpt_fiction.ui.verb_bindings import story_bindings
from rgpt_fiction.verbs import VERBS, commands, in_palette, keyed

from ui_helpers import first_turn, settle

# on every surface: the keys, the palette, the help screen and line mode
EVERYWHERE = {"memory", "undo", "redo", "retry", "alt_prev", "alt_next", "tree", "leave"}


def _shape(bindings) -> list[tuple]:
    return [(b.key, b.action, b.description, b.show, b.priority) for b in bindings]


def test_the_story_screen_keys_are_built_from_the_verbs():
    assert _shape(StoryScreen.BINDINGS) == _shape(story_bindings())


async def test_the_three_surfaces_list_the_same_verbs(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        textual_own = {c.title for c in App.get_system_commands(app, app.screen)}
        ours = [c.title for c in app.get_system_commands(app.screen) if c.title not in textual_own]
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_lines = str(app.screen.query("Static").last().render()).splitlines()
    out = io.StringIO()
    _help(Printer(out))
    line_help = out.getvalue().splitlines()

    keys = {(b.key, b.action) for b in StoryScreen.BINDINGS}
    on_keys = {v.name for v in VERBS if (v.key, v.screen_action) in keys}
    on_help_screen = {v.name for v in VERBS if v.key and any(
        line.startswith(f"  {_keys(b)} ") and line.rstrip().endswith(v.label)
        for line in help_lines for b in story_bindings() if b.key == v.key)}
    on_palette = {v.name for v in VERBS if v.title in ours}
    in_line_mode = {v.name for v in VERBS if v.command and any(
        line.startswith(f"  {v.usage} ") and line.endswith(v.help) for line in line_help)}

    assert on_keys == on_help_screen == {v.name for v in keyed()}
    assert on_palette == {v.name for v in in_palette()}
    assert in_line_mode == {v.name for v in commands()}
    assert EVERYWHERE <= on_keys & on_palette & in_line_mode
    assert ours == ["New game", "Load", *[v.title for v in in_palette()], "Settings", "Help"]


async def test_a_palette_command_runs_its_verb_even_an_async_one(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        story = app.screen.story
        assert story.game.turn == 1
        palette = {c.title: c for c in app.get_system_commands(app.screen)}
        app.call_later(palette["Undo"].callback)  # as the palette runs a command it is given
        await settle(pilot)
        assert story.game.turn == 0
        app.call_later(palette["Toggle memory"].callback)
        await settle(pilot)
        assert app.screen.memory_panel.display
