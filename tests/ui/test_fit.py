"""Every screen fits and every message says the real cause: the own-plan line in sight with long
plans, a readable story column with the memory open at 80x24, hints that wrap, footers that say
Enter, versions told apart in the tree, the settings form's own errors, recovery in the Load screen."""

from __future__ import annotations

import pytest

from rgpt_fiction.saves.slot import Slot
from rgpt_fiction.ui.screens.load import LoadScreen
from rgpt_fiction.ui.screens.new_game import PersonaScreen, WorldsScreen
from rgpt_fiction.ui.screens.story import OWN_PLACEHOLDER, StoryScreen
from rgpt_fiction.ui.widgets.phase import PHASES

from snapshot_helpers import LONG_PLANS, long_plans_model
from ui_helpers import first_turn, new_game, settle

pytestmark = pytest.mark.asyncio


def inside(widget, screen) -> bool:
    region, size = widget.region, screen.size
    return widget.display and region.height > 0 and region.bottom <= size.height - 1 and region.right <= size.width


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_the_own_plan_line_stays_in_sight_with_long_plans(make_app, size):
    app = make_app(long_plans_model())
    async with app.run_test(size=size) as pilot:
        await first_turn(pilot)
        screen = app.screen
        assert screen.story.plans == LONG_PLANS
        own = screen.query_one("#own")
        assert inside(own, screen)  # above the footer, whatever the plans' length
        assert screen.plan_list.option_count == 3  # no "Write your own…" entry to scroll out of sight
        assert screen.query_one("#log").region.height >= 3  # and the story keeps some room


async def test_with_the_memory_open_at_80x24_the_story_column_stays_readable(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await new_game(pilot)
        await pilot.press("m")
        await pilot.pause()
        screen = app.screen
        own = screen.query_one("#own")
        assert screen.query_one("#story-main").region.width >= 44
        assert own.content_region.width >= len(OWN_PLACEHOLDER) + 1  # the placeholder is not cut


async def test_the_persona_hint_wraps_instead_of_being_cut(make_app, tmp_path):
    long_role = "a courier from the capital who carries sealed letters for the harbour master and the guild"
    world = (tmp_path / "worlds")
    world.mkdir()
    from ui_helpers import write_world

    write_world(world / "long.toml", role=long_role)
    app = make_app(worlds_dirs=[world])
    async with app.run_test(size=(80, 24)) as pilot:
        await app.wait_storyteller()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PersonaScreen)
        hint = " ".join(str(screen.query_one(".field-hint").render()).split())
        assert long_role in hint
        assert inside(screen.query_one("#begin"), screen)  # and Begin is on screen at 80x24


@pytest.mark.parametrize("screen_key", ["n", "l"])
async def test_the_world_picker_and_load_footers_say_enter(make_app, screen_key):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        if screen_key == "l":
            await first_turn(pilot)
            await pilot.press("q")
        await app.wait_storyteller()
        await pilot.press(screen_key)
        await pilot.pause()
        assert isinstance(app.screen, (WorldsScreen, LoadScreen))
        enter = app.screen.active_bindings.get("enter")
        assert enter is not None and enter.binding.show and enter.binding.description in ("Choose", "Load")


async def test_two_versions_of_a_turn_are_told_apart_in_the_tree(make_app):
    from rgpt_fiction.ui.screens.tree import node_label

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        await pilot.press("r")
        await settle(pilot)
        game = app.screen.story.game
        first, second = app.screen.story.alternatives()
        on_path = set(game.path_ids())
        a, b = (str(node_label(game, i, on_path, 70)) for i in (first, second))
        assert a[2:] != b[2:]  # not the same row twice (the marker aside)
        assert "v1/2" in a and "v2/2" in b
        assert len(a) <= 70 and len(b) <= 70


async def test_the_status_line_does_not_offer_to_cancel_a_save(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        screen = app.screen
        screen.writing = True
        screen.phase = "saving"
        assert "Esc" not in str(screen.query_one("#phase").render())
        assert str(screen.query_one("#phase").render()).startswith(PHASES["saving"])
        screen.phase = "writing"
        assert "Esc cancels" in str(screen.query_one("#phase").render())
        screen.writing = False


async def test_a_bad_value_in_the_settings_form_is_blamed_on_the_form(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#set-temperature").value = "5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = str(app.screen.query_one("#settings-msg").render())
        assert "Temperature" in message and "2" in message
        assert "settings.toml" not in message and "RGPT_" not in message
        assert app.focused.id == "set-temperature"


async def test_a_slot_name_of_a_dot_is_refused_for_the_dot(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_storyteller()
        await pilot.press("n", "enter")
        await pilot.pause()
        app.screen.query_one("#slot").value = "."
        await pilot.pause()
        message = str(app.screen.query_one("#slot-msg").render())
        assert "dot" in message and "separator" not in message


async def test_an_unreadable_game_is_recovered_from_its_journal_in_the_load_screen(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        path = [n.paragraph for n in app.screen.story.game.path()]
        await pilot.press("q")
        await pilot.pause()
        slot = Slot(app.saves_dir, "the-harbour-test-wren")
        slot.state_path.write_text("{ torn")
        slot.backup_path.unlink(missing_ok=True)
        await pilot.press("l")
        await pilot.pause()
        assert "Recover (v)" in str(app.screen.query_one("#slot-preview").render())
        assert app.screen.active_bindings["v"].enabled
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, WorldsScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        assert not app.screen.slots[0].error and app.screen.slots[0].turns == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen)
        assert [n.paragraph for n in app.screen.story.game.path()] == path
