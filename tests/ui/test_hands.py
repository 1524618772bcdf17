"""The reader's hands: typing during a turn goes into the plan line, never to the hotkeys; a plan typed
or picked while a paragraph is written is queued and played when the turn is stored; leaving a story
while a turn runs asks first; Tab reaches the text fields in a sensible order."""

from __future__ import annotations

import pytest

from rgpt_fiction.ui.screens.dialogs import AskScreen, ConfirmScreen
from rgpt_fiction.ui.screens.title import TitleScreen

from snapshot_helpers import StoppingModel, stopped_mid_turn
from ui_helpers import first_turn, new_game, settle

pytestmark = pytest.mark.asyncio


async def test_typing_during_a_turn_goes_into_the_plan_line_and_enter_queues_it(make_app):
    model = StoppingModel()
    app = make_app(model)
    async with app.run_test(size=(100, 30)) as pilot:
        await stopped_mid_turn(pilot, "1")
        screen = app.screen
        # "the secret", "s", "e", "q", "m", "t": every one of them a hotkey when no text field has focus
        await pilot.press(*"the secret ems quay")
        assert app.screen is screen and not isinstance(app.screen, (AskScreen, ConfirmScreen))
        assert not screen.memory_panel.display
        own = screen.query_one("#own")
        assert own.display and app.focused is own and own.value == "the secret ems quay"
        await pilot.press("enter")
        assert own.value == "" and "the secret ems quay" in str(screen.query_one("#queued").render())
        assert screen.writing  # still the first turn
        model.go.set()
        await settle(pilot)
        story = screen.story
        assert story.game.turn == 2  # the queued plan was played after the first turn was stored
        assert story.node.plan == "the secret ems quay" and story.node.own_plan
        assert not screen.query_one("#queued").display


async def test_a_letter_that_is_no_key_typed_on_the_plans_begins_the_own_plan(make_app):
    """After a turn the plans have focus; "look" typed there goes to the own-plan line ("l" is no key of the
    game), and the game's keys keep their verbs ("t": the tree of turns)."""
    from rgpt_fiction.ui.screens.tree import TreeScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        screen = app.screen
        story = screen.story
        own = screen.query_one("#own")
        assert app.focused is screen.plan_list
        await pilot.press("L", *"ook at the harbour")
        assert app.focused is own and own.value == "Look at the harbour"
        assert app.screen is screen
        # typed fast, the keys reach the app before the focus has moved: "t" must not open the tree of turns
        own.value = ""
        screen.plan_list.focus()
        await pilot.pause()
        from textual import events

        keys = [("space" if char == " " else char, char) for char in "Look at the tide"]
        for key, char in [*keys, ("enter", "\r")]:  # Enter sends the plan typed, not plan 1
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert app.screen is screen and story.node.plan == "Look at the tide" and story.node.own_plan
        own.value = ""
        screen.plan_list.focus()
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TreeScreen) and own.value == ""
        await pilot.press("escape")
        await pilot.pause()
        screen.plan_list.focus()
        await pilot.pause()
        screen.plan_list.post_message(events.Paste("Wade into\nthe tide"))  # pasted on the plans: the line has it
        await pilot.pause()
        assert app.screen is screen and app.focused is own and own.value == "Wade into the tide"


async def test_a_plan_key_during_a_turn_queues_that_plan(make_app):
    model = StoppingModel()
    app = make_app(model)
    async with app.run_test(size=(100, 30)) as pilot:
        await stopped_mid_turn(pilot, "1")
        screen = app.screen
        screen.set_focus(None)  # the reader clicked the story: no text field has focus
        await pilot.press("3")
        assert "plan 3" in str(screen.query_one("#queued").render())
        model.go.set()
        await settle(pilot)
        story = screen.story
        assert story.game.turn == 2
        assert story.node.plan == story.game.nodes[story.node.parent].plans[2]


async def test_esc_takes_a_queued_plan_back_before_it_cancels_the_turn(make_app):
    model = StoppingModel()
    app = make_app(model)
    async with app.run_test(size=(100, 30)) as pilot:
        await stopped_mid_turn(pilot, "1")
        screen = app.screen
        await pilot.press(*"wave", "enter", "escape")
        assert screen.writing and screen.query_one("#own").value == "wave"
        assert not screen.query_one("#queued").display
        await pilot.press("escape")
        await settle(pilot)
        assert screen.story.game.turn == 0 and screen.query_one("#own").value == "wave"


async def test_leaving_while_a_turn_runs_asks_first(make_app):
    model = StoppingModel()
    app = make_app(model)
    async with app.run_test(size=(100, 30)) as pilot:
        await stopped_mid_turn(pilot, "1")
        screen = app.screen
        screen.set_focus(None)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # stay: the turn goes on
        assert app.screen is screen and screen.writing
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
        await pilot.press("n")
        model.go.set()
        await settle(pilot)
        assert screen.story.game.turn == 1
        # with no turn running, q leaves at once
        screen.plan_list.focus()
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, TitleScreen)


async def test_leaving_with_a_turn_running_when_confirmed_cancels_it(make_app):
    model = StoppingModel()
    app = make_app(model)
    async with app.run_test(size=(100, 30)) as pilot:
        await stopped_mid_turn(pilot, "1")
        app.screen.set_focus(None)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TitleScreen)
        from rgpt_fiction.saves.slot import Slot

        assert Slot(app.saves_dir, "the-harbour-test-wren").load().turn == 0


async def test_tab_reaches_the_memory_text_and_typing_there_is_text(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        screen = app.screen
        await pilot.press("m")
        assert app.focused is screen.plan_list
        await pilot.press("tab")
        assert app.focused.id == "own"
        await pilot.press("tab")
        assert app.focused.id == "memory-text"
        await pilot.press("ctrl+end", *" ms qe")  # m would close the panel, s open Save as, q leave
        assert app.screen is screen and screen.memory_panel.display
        assert " ms qe" in screen.query_one("#memory-text").text
        await pilot.press("tab", "tab")  # past Save memory: the pinned facts, then their button and Inspect
        assert app.focused.id == "pinned-text"
        await pilot.press("tab", "tab", "tab")
        assert app.focused.id == "memory-search"
        await pilot.press("tab")
        assert app.focused is screen.plan_list


async def test_a_bare_number_typed_in_the_plan_line_takes_that_plan(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        screen = app.screen
        plans = list(screen.story.plans)
        await pilot.press("tab", "2", "enter")
        await settle(pilot)
        assert screen.story.node.plan == plans[1] and not screen.story.node.own_plan


async def test_a_queued_plan_is_given_back_when_the_turn_fails(make_app):
    from rgpt_fiction.llm.base import LLMError

    para = " ".join(f"The tide turns over stone number {i} and the gulls cry." for i in range(40))
    model = StoppingModel([para, *[LLMError("scripted", "server down", "later")] * 4])
    app = make_app(model)
    async with app.run_test(size=(100, 30)) as pilot:
        await stopped_mid_turn(pilot, "1")
        screen = app.screen
        await pilot.press(*"run", "enter")
        model.go.set()
        await settle(pilot)
        assert screen.story.game.turn == 0
        assert screen.query_one("#own").value == "run"  # the queued words are given back



class _StopInMemory(StoppingModel):
    """Stops the update answer once its plans are written, in the middle of the memory."""

    async def stream(self, messages, **kwargs):
        from rgpt_fiction.llm.scripted import ScriptedModel

        text = ""
        async for item in ScriptedModel.stream(self, messages, **kwargs):
            if isinstance(item, str):
                text += item
                if self.armed and kwargs.get("json_schema") and '"memory"' in text and not self.go.is_set():
                    self.stopped.set()
                    await self.go.wait()
            yield item


async def test_the_plans_are_shown_while_the_memory_is_written_and_a_pick_then_is_played(make_app):
    """Plans first: the next plans are on screen before the turn is stored; a plan picked then is
    queued by its words and played as soon as the turn is stored."""
    from ui_helpers import new_game
    import asyncio

    model = _StopInMemory()
    app = make_app(model)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        model.armed = True
        await pilot.press("1")
        await asyncio.wait_for(model.stopped.wait(), 30)
        await pilot.pause(0.3)
        screen = app.screen
        assert screen.writing and screen.story.game.turn == 0  # the turn is not stored yet
        shown = list(screen.plan_list.plans)
        assert len(shown) == 3 and screen.plan_list.display and "choose now" in str(screen.query_one("#phase").render())
        await pilot.press("2")
        assert f"2. {shown[1]}" in str(screen.query_one("#queued").render())
        model.go.set()
        await settle(pilot)
        story = screen.story
        assert story.game.turn == 2 and story.node.plan == shown[1]
        assert story.game.nodes[story.node.parent].plans == shown  # the plans shown early were the turn's plans
