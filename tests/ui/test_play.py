"""Pilot tests of the game as a reader plays it: new game, plans, free text, Esc, errors, memory, saves."""

from __future__ import annotations

import json

import pytest

from rgpt_fiction.llm.base import LLMError
from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.ui.screens.story import StoryScreen
from rgpt_fiction.ui.widgets.story_log import Passage, PlanEcho

from ui_helpers import first_turn, new_game, settle

pytestmark = pytest.mark.asyncio

HARBOUR_CHOICES = [
    "Walk straight up to the lamplighter and ask about your sister.",
    "Slip into the Gull tavern to listen to the gossip unseen.",
    "Climb to the lighthouse where her last letter was posted.",
]


def saved(app, slot: str):
    """The game as saved on disk (read through the saves layer, whatever its layout)."""
    from rgpt_fiction.saves.slot import Slot

    return Slot(app.saves_dir, slot).load()


def state_on_disk(app, slot: str) -> dict:
    game = saved(app, slot)
    return {"current": game.current, "nodes": {i: n.to_dict() for i, n in game.nodes.items()}}


def passages(screen) -> list[str]:
    return [p.text for p in screen.query(Passage) if p.display]


async def test_new_game_reaches_the_first_plans(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        screen = app.screen
        assert screen.plan_list.plans == HARBOUR_CHOICES
        assert passages(screen)[0].startswith("Rain needles the quay")
        assert app.open_slot is not None and app.open_slot.name == "the-harbour-test-wren"
        game = saved(app, "the-harbour-test-wren")
        assert game.persona.name == "Wren" and len(game.nodes) == 1


async def test_persona_is_used_and_slot_suggested(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await app.wait_storyteller()
        await pilot.press("n", "enter")
        await pilot.pause()
        name = app.screen.query_one("#name")
        name.value = "Ada Quill"
        await pilot.pause()
        assert app.screen.query_one("#slot").value == "the-harbour-test-ada-quill"
        app.screen.query_one("#tone").value = "gentle, no gore"
        await pilot.press("ctrl+s")
        await settle(pilot)
        story = app.screen.story
        assert story.game.persona.name == "Ada Quill" and story.game.persona.tone == "gentle, no gore"
        await pilot.press("1")
        await settle(pilot)
        prompt = " ".join(m["content"] for m in app.model.calls[0]["messages"])
        assert "Ada Quill" in prompt and "gentle, no gore" in prompt


async def test_pick_a_plan_by_key(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        await pilot.press("2")
        await settle(pilot)
        story = app.screen.story
        assert story.game.turn == 1
        assert story.node.plan == HARBOUR_CHOICES[1] and not story.node.own_plan
        echoes = list(app.screen.query(PlanEcho))
        assert [e.plan for e in echoes] == [HARBOUR_CHOICES[1]]
        assert passages(app.screen)[-1] == story.node.paragraph
        assert app.screen.plan_list.plans == story.plans and story.plans != HARBOUR_CHOICES
        assert len(state_on_disk(app, "the-harbour-test-wren")["nodes"]) == 2


async def test_arrows_and_enter_pick_a_plan(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert app.screen.story.node.plan == HARBOUR_CHOICES[2]


async def test_free_text_plan(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        await pilot.press("tab")
        assert app.focused.id == "own"
        await pilot.press(*"I whistle for the gulls")
        await pilot.press("enter")
        await settle(pilot)
        node = app.screen.story.node
        assert node.plan == "I whistle for the gulls" and node.own_plan
        assert app.screen.query_one("#own").value == ""
        assert app.focused is app.screen.plan_list  # keys pick plans again
        assert list(app.screen.query(PlanEcho))[-1].has_class("own")


async def test_an_overlong_plan_is_shortened_and_the_reader_is_told(make_app):
    """The engine's Notice reaches the reader: a typed plan over the limit is played shortened, and
    a notification says so."""
    from rgpt_fiction.engine.story import MAX_PLAN_CHARS

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        await pilot.press("tab")
        own = app.screen.query_one("#own")
        own.value = "I walk the harbour wall and count the boats in the rain " * 25  # over 1,000 characters
        await pilot.press("enter")
        await settle(pilot)
        node = app.screen.story.node
        assert node.own_plan and len(node.plan) <= MAX_PLAN_CHARS and own.value == ""
        told = [n for n in app._notifications if "shortened" in n.message]
        assert len(told) == 1 and f"Your plan was shortened to {MAX_PLAN_CHARS} characters" in told[0].message
        assert told[0].severity == "warning"


async def test_escape_cancels_a_turn_and_the_story_is_unchanged(make_app):
    model = ScriptedModel(delay=0.05)
    app = make_app(model)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        screen = app.screen
        before = state_on_disk(app, "the-harbour-test-wren")
        await pilot.press("1")
        for _ in range(400):  # until the paragraph has begun to stream
            await pilot.pause(0.01)
            writing = [p for p in screen.query(Passage) if p.has_class("writing")]
            if writing and writing[0].text:
                break
        assert screen.writing and writing[0].text
        await pilot.press("escape")
        await settle(pilot)
        story = screen.story
        assert not screen.writing
        assert len(story.game.nodes) == 1 and story.game.current == 0
        assert passages(screen) == [story.node.paragraph]
        assert not list(screen.query(PlanEcho))
        assert screen.plan_list.plans == HARBOUR_CHOICES
        assert state_on_disk(app, "the-harbour-test-wren") == before
        # and the game goes on
        model.delay = 0
        await pilot.press("1")
        await settle(pilot)
        assert story.game.turn == 1


async def test_model_error_is_shown_and_nothing_is_lost(make_app):
    model = ScriptedModel([LLMError("scripted", "server down", "try again in a minute")])
    app = make_app(model)
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        screen = app.screen
        before = state_on_disk(app, "the-harbour-test-wren")
        await pilot.press("1")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "server down" in errors[-1].message and "try again" in errors[-1].message
        assert "retry" in errors[-1].message
        assert len(screen.story.game.nodes) == 1 and passages(screen) == [screen.story.node.paragraph]
        assert state_on_disk(app, "the-harbour-test-wren") == before
        assert not screen.writing and screen.plan_list.plans == HARBOUR_CHOICES
        # pressing the plan again retries
        await pilot.press("1")
        await settle(pilot)
        assert screen.story.game.turn == 1 and screen.story.node.plan == HARBOUR_CHOICES[0]


async def test_failed_free_text_gives_the_words_back(make_app):
    app = make_app(ScriptedModel([LLMError("scripted", "rate limited", "wait a little")]))
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        await pilot.press("tab", *"dance", "enter")
        await settle(pilot)
        assert app.screen.query_one("#own").value == "dance" and app.focused.id == "own"
        assert app.screen.story.game.turn == 0


async def test_model_text_is_shown_literally(make_app):
    para = "The sign reads [bold red]DANGER[/bold red] and [link=x]here[/link], *not* markup."
    memo = json.dumps({"memory": "m [b]x[/b]", "facts": [], "plans": [
        "Read the [i]notice[/i] nailed beside the warning sign",
        "Walk down to the harbour wall and look out to sea",
        "Ask the lamplighter what the sign is warning about",
    ]})
    app = make_app(ScriptedModel([para, memo]))
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        last = [p for p in app.screen.query(Passage)][-1]
        assert "[bold red]DANGER[/bold red]" in str(last.render())
        assert app.screen.story.plans[0] == "Read the [i]notice[/i] nailed beside the warning sign"
        from rich.console import Console

        console = Console(width=100, record=True, file=open("/dev/null", "w"))
        console.print(app.screen.plan_list.get_option_at_index(0).prompt)
        assert "Read the [i]notice[/i]" in console.export_text()


async def test_edited_memory_is_saved_and_used_in_the_next_prompt(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await new_game(pilot)
        screen = app.screen
        await pilot.press("m")
        await pilot.pause()
        assert screen.memory_panel.display
        area = screen.query_one("#memory-text")
        area.load_text("Wren carries a blue umbrella named Bertha.")
        area.focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.story.node.memory == "Wren carries a blue umbrella named Bertha."
        assert saved(app, "the-harbour-test-wren").nodes[0].memory.endswith("named Bertha.")
        await pilot.press("escape")  # leaves the panel
        assert not screen.memory_panel.display and app.focused is screen.plan_list
        calls = len(app.model.calls)
        await pilot.press("1")
        await settle(pilot)
        paragraph_prompt = " ".join(m["content"] for m in app.model.calls[calls]["messages"])
        assert "blue umbrella named Bertha" in paragraph_prompt


async def test_memory_search_and_recalled(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_turn(pilot)
        screen = app.screen
        await pilot.press("m")
        search = screen.query_one("#memory-search")
        search.focus()
        await pilot.press(*"lighthouse", "enter")
        await settle(pilot)
        results = str(screen.query_one("#search-results").render())
        assert "turn 0" in results and "lighthouse" in results
        recalled = str(screen.query_one("#recalled").render())
        assert "turn" in recalled or "lore" in recalled or "Nothing was recalled" in recalled


async def test_save_quit_and_continue_with_the_story_intact(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        await pilot.press("tab", *"I look for Mara", "enter")
        await settle(pilot)
        path = [n.paragraph for n in app.screen.story.game.path()]
        memory = app.screen.story.node.memory
        lock = app.saves_dir / "the-harbour-test-wren" / "lock"
        assert lock.exists()
        await pilot.press("ctrl+q")
    assert not lock.exists()

    app2 = make_app()
    async with app2.run_test(size=(100, 30)) as pilot:
        await app2.wait_storyteller()
        await pilot.pause()
        assert app2.screen.query_one("#menu").get_option("continue")
        await pilot.press("c")
        await settle(pilot)
        story = app2.screen.story
        assert [n.paragraph for n in story.game.path()] == path
        assert story.node.memory == memory and story.node.plan == "I look for Mara"
        assert passages(app2.screen) == path
        await pilot.press("2")
        await settle(pilot)
        assert story.game.turn == 3
        # back to the title closes the slot; Load opens it again
        await pilot.press("q")
        await pilot.pause()
        assert not lock.exists()
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app2.screen, StoryScreen) and app2.screen.story.game.turn == 3


async def test_undo_redo_retry_versions_and_tree(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        screen = app.screen
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        story = screen.story
        second = story.node.id
        assert story.game.turn == 2
        await pilot.press("u")
        await settle(pilot)
        assert story.game.turn == 1 and len(passages(screen)) == 2
        assert screen.plan_list.plans == story.plans
        await pilot.press("y")
        await settle(pilot)
        assert story.node.id == second and len(passages(screen)) == 3
        await pilot.press("r")
        await settle(pilot)
        retried = story.node.id
        assert retried != second and story.node.plan == story.game.nodes[second].plan
        assert story.alternatives() == [second, retried]
        assert "version 2/2" in str(screen.query_one("#status").render())
        await pilot.press("comma")
        await settle(pilot)
        assert story.node.id == second
        await pilot.press("full_stop")
        await settle(pilot)
        assert story.node.id == retried
        # a branch: undo twice, take another plan
        await pilot.press("u", "u")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert story.game.turn == 1 and story.node.plan == HARBOUR_CHOICES[2]
        # the tree jumps back to the old branch
        await pilot.press("t")
        await pilot.pause()
        from textual.widgets import Tree

        tree = app.screen.query_one(Tree)
        target = next(n for n in _walk(tree.root) if n.data == second)
        tree.move_cursor(target)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and story.node.id == second
        assert [p for p in passages(screen)] == [n.paragraph for n in story.game.path()]


def _walk(node):
    for child in node.children:
        yield child
        yield from _walk(child)


async def test_undo_at_the_opening_says_so(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        await pilot.press("u")
        await pilot.pause()
        assert any("beginning" in n.message for n in app._notifications)
        assert app.screen.story.game.current == 0


def _slow_storyteller_app(app, embedder):
    """(app2, gate): an app on the same saves whose storyteller loads only when `gate` is set."""
    import threading

    from rgpt_fiction.config import load_settings
    from rgpt_fiction.ui.app import RgptApp

    gate = threading.Event()

    class SlowEmbedder:  # the storyteller takes its time to load, as on a busy machine
        def __getattr__(self, name):
            return getattr(embedder, name)

        def load(self):
            gate.wait(30)

    app2 = RgptApp(load_settings(), model=ScriptedModel(), embedder=SlowEmbedder(), saves_dir=app.saves_dir,
                   worlds_dirs=[app.worlds_dirs()[0]], shipped_worlds=False)
    return app2, gate


async def test_continue_shows_the_saved_story_while_the_storyteller_loads(make_app, embedder):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        path = [n.paragraph for n in app.screen.story.game.path()]
        plans, memory = list(app.screen.story.plans), app.screen.story.node.memory
        await pilot.press("ctrl+q")

    app2, gate = _slow_storyteller_app(app, embedder)
    async with app2.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        for _ in range(200):  # reading the slot is quick, but in a thread
            await pilot.pause(0.01)
            if passages(app2.screen):
                break
        screen = app2.screen
        assert isinstance(screen, StoryScreen) and screen.story is None and app2.storyteller == "loading"
        assert passages(screen) == path
        assert screen.plan_list.plans == plans
        assert screen.query_one("#memory-text").text == memory
        assert "turn 1" in str(screen.query_one("#status").render())
        assert "Loading the storyteller" in str(screen.query_one("#phase").render())
        await pilot.press("u")  # not a turn, but it changes the story: it says why it waits
        await pilot.pause()
        assert any("still loading" in n.message for n in app2._notifications)
        gate.set()
        await settle(pilot)
        assert screen.story is not None and passages(screen) == path
        assert "Loading" not in str(screen.query_one("#phase").render())


async def test_a_plan_chosen_while_the_storyteller_loads_is_played_when_it_is_ready(make_app, embedder):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await new_game(pilot)
        await pilot.press("ctrl+q")

    app2, gate = _slow_storyteller_app(app, embedder)
    async with app2.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app2.screen, StoryScreen) and app2.screen.story is None
        await pilot.press("tab", *"I wait", "enter")  # queued, not refused
        queued = str(app2.screen.query_one("#queued").render())
        assert "I wait" in queued and app2.screen.query_one("#own").value == ""
        await pilot.press("escape")  # taken back into the line
        assert app2.screen.query_one("#own").value == "I wait"
        app2.screen.query_one("#own").value = ""
        app2.screen.plan_list.focus()
        await pilot.press("2")  # a plan number is queued the same way
        gate.set()
        await settle(pilot)
        story = app2.screen.story
        assert story.game.turn == 1 and story.node.plan == HARBOUR_CHOICES[1]
        assert "Loading" not in str(app2.screen.query_one("#phase").render())


async def test_a_narrow_status_line_keeps_what_matters(make_app):
    app = make_app()
    async with app.run_test(size=(60, 24)) as pilot:
        await first_turn(pilot)
        screen = app.screen
        screen.story.save_error = "cannot save: disk full"
        screen.update_status()
        status = str(screen.query_one("#status").render())
        assert status.startswith("NOT SAVED") and "turn 1" in status and len(status) <= 60
        assert "the-harbour-test-wren" not in status  # the slot name gave way first


async def test_the_screen_shows_the_paragraph_as_kept_not_as_streamed(make_app):
    # the model echoes its instructions and then chooses for the reader: both are cut from the
    # kept paragraph, and the screen must show what is saved, not what streamed in
    para = (
        "The lamplighter lowers his pole and points it at a rowing boat knocking against the quay steps below. "
        "Write the next paragraph of the story, about 120 words. In its bottom lies a red scarf, soaked "
        "through, and a key on a string. You decide to take the key and row out to the lighthouse."
    )
    memo = json.dumps({"memory": "The lamplighter showed you a boat.", "facts": [], "plans": HARBOUR_CHOICES})
    app = make_app(ScriptedModel([para, memo]))
    async with app.run_test(size=(100, 30)) as pilot:
        await first_turn(pilot)
        kept = app.screen.story.node.paragraph
        assert "120 words" not in kept and "You decide" not in kept and kept.endswith("a key on a string.")
        assert passages(app.screen)[-1] == kept
