"""Pilot tests of the reader as co-author: select a paragraph (keys or mouse) and edit it in a dialog (ctrl+s
saves, Esc cancels, empty text refused in the dialog), keep or rewrite the turns after it, undo the edit;
pin facts (p, the memory panel); what the storyteller saw (i, the memory panel's button)."""

from __future__ import annotations

import pytest

from rgpt_fiction.ui.screens.edit import EditScreen, LaterScreen
from rgpt_fiction.ui.screens.inspect import InspectScreen
from rgpt_fiction.ui.screens.story import StoryScreen
from rgpt_fiction.ui.widgets.story_log import Passage

from ui_helpers import first_turn, settle

pytestmark = pytest.mark.asyncio

NEW = "A violet lighthouse keeper named Osric rows you across the bay while humming a funeral hymn."


def passages(screen) -> list[str]:
    return [p.text for p in screen.query(Passage) if p.display]


def selected(screen) -> int | None:
    marked = [p for p in screen.query(Passage) if p.has_class("-selected")]
    assert len(marked) <= 1
    return marked[0].node_id if marked else None


async def save_in_dialog(pilot, text: str) -> None:
    dialog = pilot.app.screen
    assert isinstance(dialog, EditScreen)
    dialog.query_one("#edit-text").load_text(text)
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_a_paragraph_selected_with_the_keys_is_edited_in_a_dialog_and_undo_takes_it_back(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        screen = app.screen
        story = screen.story
        last = story.node
        await pilot.press("w")
        await pilot.pause()
        assert selected(screen) == last.id and app.focused is screen.log_view
        await pilot.press("up")
        assert selected(screen) == 0
        await pilot.press("down", "enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, EditScreen) and dialog.query_one("#edit-text").text == last.paragraph
        await save_in_dialog(pilot, "   ")  # an empty paragraph is refused in the dialog, the dialog stays
        assert app.screen is dialog and "empty paragraph cannot be saved" in str(dialog.query_one("#problem").render())
        await save_in_dialog(pilot, NEW)
        await settle(pilot)
        assert isinstance(app.screen, StoryScreen) and story.node.paragraph == NEW
        assert story.node.edited_from == last.id and passages(screen)[-1] == NEW
        assert screen.plan_list.plans == story.node.plans and selected(screen) is None
        await pilot.press("u")
        await settle(pilot)
        assert story.node.id == last.id and passages(screen)[-1] == last.paragraph


async def test_esc_cancels_the_dialog_and_the_selection(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        screen = app.screen
        nodes = len(screen.story.game.nodes)
        await pilot.press("w", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EditScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and len(screen.story.game.nodes) == nodes
        await pilot.press("w")
        await pilot.press("escape")
        await pilot.pause()
        assert selected(screen) is None and app.focused is screen.plan_list


async def test_a_click_selects_a_paragraph_a_second_click_edits_it_and_the_turns_after_it_are_kept(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        screen = app.screen
        story = screen.story
        before = [n.paragraph for n in story.game.path()]
        opening = screen.query(Passage).first()
        await pilot.click(opening)
        await pilot.pause()
        assert selected(screen) == 0
        await pilot.click(opening)
        await pilot.pause()
        await save_in_dialog(pilot, NEW)
        assert isinstance(app.screen, LaterScreen)
        await pilot.press("k")
        await settle(pilot)
        assert [n.paragraph for n in story.game.path()] == [NEW, before[1]]
        assert passages(screen) == [NEW, before[1]]
        assert story.node.copied_from is not None


async def test_the_turns_after_an_edit_are_written_again_one_after_the_other(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        story = screen.story
        path = story.game.path()
        await pilot.press("w", "up", "up", "enter")
        await pilot.pause()
        await save_in_dialog(pilot, NEW)
        await pilot.press("r")
        await settle(pilot)
        now = story.game.path()
        assert [n.plan for n in now] == [n.plan for n in path] and now[0].paragraph == NEW
        assert now[1].paragraph != path[1].paragraph and now[2].paragraph != path[2].paragraph
        assert story.rewriting == [] and passages(screen)[0] == NEW and len(passages(screen)) == 3
        await pilot.press("u")
        await settle(pilot)
        assert story.game.path_ids() == [n.id for n in path]


async def test_facts_are_pinned_with_p_and_edited_in_the_memory_panel(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_turn(pilot)
        screen = app.screen
        story = screen.story
        await pilot.press("p")
        await pilot.pause()
        await pilot.press(*"Mara is alive", "enter")
        await pilot.pause()
        assert story.node.pinned == ["Mara is alive"]
        await pilot.press("m")
        await pilot.pause()
        pins = screen.query_one("#pinned-text")
        assert pins.text == "Mara is alive"
        pins.load_text("Mara is alive\nThe tide is out")
        pins.focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert story.node.pinned == ["Mara is alive", "The tide is out"]
        assert story.node.memory  # ctrl+s in the pins saved the pins, not the memory
        pins.load_text("\n".join(["The same fact"] * 2))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "already pinned" in str(screen.query_one("#pins-problem").render())
        assert story.node.pinned == ["Mara is alive", "The tide is out"]
        calls = len(app.model.calls)
        await pilot.press("escape", "1")
        await settle(pilot)
        assert "The tide is out" in " ".join(m["content"] for m in app.model.calls[calls]["messages"])


async def test_what_the_storyteller_saw_opens_with_i_or_from_the_memory_panel(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        screen = app.screen
        await pilot.press("i")
        await settle(pilot)
        inspect = app.screen
        assert isinstance(inspect, InspectScreen)
        text = " ".join(str(s.render()) for s in inspect.query(".inspect-text, .panel-heading"))
        assert "Call 1: the paragraph" in text and "short-term memory" in text and "tokens" in text
        assert "turn 1 of 1" in str(inspect.query_one("#inspect-heading").render())
        await pilot.press("left")
        await settle(pilot)
        assert "turn 0 of 1" in str(inspect.query_one("#inspect-heading").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("m")
        await pilot.pause()
        screen.query_one("#inspect-turn").scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click("#inspect-turn")
        await settle(pilot)
        assert isinstance(app.screen, InspectScreen)


async def test_the_readers_words_show_at_once_and_esc_during_the_update_gives_the_old_paragraph_back(make_app):
    import asyncio

    from snapshot_helpers import StoppingModel

    app = make_app(StoppingModel(stop_after=3))
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        screen = app.screen
        story = screen.story
        last = story.node
        await pilot.press("w", "enter")
        await pilot.pause()
        app.model.armed = True
        await save_in_dialog(pilot, NEW)
        await asyncio.wait_for(app.model.stopped.wait(), 30)  # the storyteller is writing the plans for it
        await pilot.pause()
        assert screen.writing and passages(screen)[-1] == NEW
        await pilot.press("escape")
        app.model.go.set()
        await settle(pilot)
        assert story.node.id == last.id and len(story.game.nodes) == 2
        assert passages(screen)[-1] == last.paragraph and screen.plan_list.plans == last.plans
