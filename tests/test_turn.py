"""The turn pipeline on its own: a scripted model, a long-term memory held in lists and a fast
hash embedder, no slot on disk. Every turn, the world's opening included, is a TurnRequest run by
one Turn; the Turn stores nothing, and Story.commit stores its draft."""

from __future__ import annotations

import asyncio
import json

import pytest

from hash_embedder import HashEmbedder
from list_memory import ListMemory
from rgpt_fiction.engine.events import Delta, Notice, Phase, PlansReady, Restart, TurnDone, TurnError
from rgpt_fiction.engine.request import OPENING_PLAN, TurnRequest
from rgpt_fiction.engine.state import Persona
from rgpt_fiction.engine.story import MAX_PLAN_CHARS, Story, new_game
from rgpt_fiction.engine.turn import Turn
from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.memory.rows import MemoryRow
from rgpt_fiction.world.model import Lore

PARA = "The lamplighter lowers his pole and studies you for a long moment before he speaks of the lighthouse."
AGAIN = "Down at the quay a rowing boat knocks against the steps, and in its bottom lies a red scarf, soaked."
PLANS = ["Follow the lamplighter into the fog", "Search the tavern cellar for clues", "Ask the fishwife about Mara"]
LORE = Lore(keys=["lighthouse"], text="The lighthouse keeper drowned ten winters ago; the lamp still turns.")


def upd(plans=PLANS, memory="You came to Saltmere looking for Mara.", facts=("Mara is missing",)):
    return json.dumps({"plans": list(plans), "memory": memory, "facts": list(facts)})


class Saves:
    """The save function a story is handed: records what it was asked to save."""

    def __init__(self):
        self.turns: list[int] = []

    def __call__(self, game):
        self.turns.append(game.current)


def story_of(world, model, **changes):
    w = world.model_copy(update=changes) if changes else world
    saves = Saves()
    story = Story(new_game(w, Persona("Wren")), model, ListMemory(HashEmbedder()), save=saves)
    return story, saves


async def events_of(turn_events):
    return [event async for event in turn_events]


async def test_the_worlds_opening_with_enough_choices_asks_the_model_nothing(world):
    model = ScriptedModel(improvise=False)
    story, saves = story_of(world, model, lore=[LORE])
    events = await events_of(story.start())
    assert [type(e) for e in events] == [Delta, TurnDone]
    assert events[0].text == world.opening and model.calls == []
    node = story.node
    assert node.plan == "" and node.model == "(world seed)" and node.plans == world.first_choices
    assert node.memory and node.depth == 0 and saves.turns == [0]
    rows = story.memory.rows  # the lore is stored with the opening, then the opening itself
    assert rows == [MemoryRow.lore(0, LORE.text), MemoryRow.paragraph(0, 0, world.opening)]
    assert len(story.memory.vectors) == 2


async def test_an_opening_with_too_few_choices_is_remembered_and_planned_for_by_the_model(world):
    model = ScriptedModel([upd()], improvise=False)
    story, _ = story_of(world, model, first_choices=["Walk to the lamplighter and ask about your sister."])
    await events_of(story.start())
    assert len(model.calls) == 1 and model.calls[0]["json_schema"] is not None  # the update only
    assert story.node.paragraph == world.opening and story.node.plan == OPENING_PLAN
    assert story.plans == PLANS


async def test_an_opening_the_world_does_not_give_is_written_and_its_events_come_in_order(world):
    model = ScriptedModel([PARA, upd()], improvise=False)
    story, _ = story_of(world, model, opening="", first_choices=[])
    events = await events_of(story.start())
    phases = [e.name for e in events if isinstance(e, Phase)]
    assert phases == ["recalling", "writing", "remembering", "saving"]
    at = {name: events.index(Phase(name)) for name in phases}
    deltas = [i for i, e in enumerate(events) if isinstance(e, Delta)]
    assert deltas and at["writing"] < min(deltas) and max(deltas) < at["remembering"]
    assert all(at["remembering"] < i < at["saving"] for i, e in enumerate(events) if isinstance(e, PlansReady))
    assert isinstance(events[-1], TurnDone) and events[-1].node is story.node
    assert "".join(e.text for e in events if isinstance(e, Delta)) .strip() == PARA == story.node.paragraph
    assert "Begin the story" in model.calls[0]["messages"][1]["content"]


async def test_a_chosen_plan_is_written_committed_and_saved(world):
    model = ScriptedModel([upd()], improvise=False)
    story, saves = story_of(world, model, first_choices=[])
    await events_of(story.start())
    plan = story.plans[1]
    model.push(PARA, upd(plans=["Row out to the wreck at low water", "Read the harbourmaster's ledger",
                                "Wait for the bell on the quay"]))
    done = (await events_of(story.play(plan)))[-1]
    assert isinstance(done, TurnDone)
    assert plan in model.calls[1]["messages"][1]["content"]  # the paragraph prompt
    assert done.node.plan == plan and not done.node.own_plan and done.node.parent == 0
    assert story.game.current == done.node.id == 1 and story.game.turn == 1 and saves.turns[-1] == 1
    assert done.stats.node == 1 and done.stats.turn == 1 and done.stats.memories_stored == 1
    assert done.stats.prompt_tokens > 0 and done.stats.llm_seconds >= 0
    assert story.memory.rows[-1] == MemoryRow.paragraph(1, 1, PARA)
    assert story.last_prompt == model.calls[1]["messages"] and story.last_stats is done.stats


async def test_a_typed_plan_is_the_readers_and_an_overlong_one_is_shortened_with_a_notice(world):
    model = ScriptedModel(improvise=False)
    story, _ = story_of(world, model)
    await events_of(story.start())
    model.push(PARA, upd())
    typed = "I hide the letter under the floorboards " * 60
    events = await events_of(story.play(typed, own=True))
    assert events[0] == Notice(f"your plan was shortened to {MAX_PLAN_CHARS} characters")
    node = events[-1].node
    assert node.own_plan and len(node.plan) <= MAX_PLAN_CHARS and typed.startswith(node.plan)


async def test_a_retry_writes_another_version_beside_the_first(world):
    model = ScriptedModel(improvise=False)
    story, _ = story_of(world, model)
    await events_of(story.start())
    model.push(PARA, upd(), AGAIN, upd())
    first = (await events_of(story.play(story.plans[0])))[-1].node
    second = (await events_of(story.retry()))[-1].node
    assert (second.parent, second.plan, second.paragraph) == (first.parent, first.plan, AGAIN)
    assert story.alternatives() == [first.id, second.id] and story.node is second
    assert [r.node for r in story.memory.rows if r.kind == "paragraph"] == [0, first.id, second.id]


async def test_a_cancelled_turn_leaves_the_game_and_the_memory_as_they_were(world):
    model = ScriptedModel(improvise=False, delay=0.01)
    story, saves = story_of(world, model)
    await events_of(story.start())
    nodes, current, rows, saved = dict(story.game.nodes), story.game.current, list(story.memory.rows), list(saves.turns)
    model.push(PARA + " " + PARA, upd())
    began = asyncio.Event()

    async def play():
        async for event in story.play(story.plans[0]):
            if isinstance(event, Delta):
                began.set()

    task = asyncio.ensure_future(play())
    await asyncio.wait_for(began.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert story.game.nodes == nodes and story.game.current == current
    assert story.memory.rows == rows and saves.turns == saved


async def test_a_turn_writes_a_draft_and_stores_nothing_until_it_is_committed(world):
    model = ScriptedModel(improvise=False)
    story, saves = story_of(world, model)
    await events_of(story.start())
    nodes, rows = dict(story.game.nodes), list(story.memory.rows)
    model.push(PARA, upd())
    turn = Turn(story.game, model, story.memory, story.vectors, story.brief, story.options,
                TurnRequest(story.game.current, "Climb the lighthouse stairs"))
    with pytest.raises(TurnError):
        turn.draft  # noqa: B018 - not written yet
    events = await events_of(turn.run())
    assert not any(isinstance(e, TurnDone) for e in events)  # the story commits; the turn does not
    assert story.game.nodes == nodes and story.memory.rows == rows and saves.turns == [0]
    draft = turn.draft
    assert draft.node.parent == 0 and draft.node.depth == 1 and draft.node.id not in story.game.nodes
    assert draft.rows == [MemoryRow.paragraph(draft.node.id, 1, PARA)] and len(draft.vectors) == 1
    assert draft.prompt == model.calls[-2]["messages"] and draft.stats.plans == PLANS
    done = story.commit(draft)
    assert done.node is draft.node is story.node and story.memory.rows[-1] == draft.rows[0]
    assert saves.turns == [0, draft.node.id]


async def test_the_recalls_a_turn_used_are_saved_with_it(world):
    model = ScriptedModel(improvise=False)
    story, _ = story_of(world, model, lore=[LORE])
    await events_of(story.start())
    model.push(PARA, upd(), AGAIN, upd(plans=["Row out to the wreck at low water", "Read the harbourmaster's ledger",
                                               "Wait for the bell on the quay"]))
    story.options.recall_skip = 1  # recall from every turn but the last (by default the last four are left out)
    await events_of(story.play("Climb the lighthouse stairs"))
    done = (await events_of(story.play("Go down to the quay")))[-1]
    kinds = {r.kind for r in done.node.retrieved}
    assert kinds == {"paragraph", "lore"}  # the opening (not the last paragraph) and the keyed lore
    assert [r.node for r in done.node.retrieved if r.kind == "paragraph"] == [0]
    assert any(r.reason == "key: lighthouse" for r in done.node.retrieved)
    assert done.stats.retrieved == [r.turn for r in done.node.retrieved]


async def test_a_model_that_keeps_writing_nothing_fails_the_turn_and_keeps_the_story(world):
    model = ScriptedModel(["  ", " ", "\n"], improvise=False)
    story, _ = story_of(world, model)
    await events_of(story.start())
    before = dict(story.game.nodes)
    events: list = []
    with pytest.raises(TurnError, match="empty paragraph three times"):
        async for event in story.play(story.plans[0]):
            events.append(event)
    assert sum(isinstance(e, Restart) for e in events) == 3 and story.game.nodes == before


async def test_the_last_turns_are_not_recalled_they_are_in_the_memory(world):
    """The paragraph recalled from the turns the short-term memory holds is one the model told again."""
    model = ScriptedModel()
    story, _ = story_of(world, model)
    await events_of(story.start())
    for _ in range(6):
        done = (await events_of(story.play(story.plans[0])))[-1]
    path = story.game.path_ids()
    recalled = {r.node for r in done.node.retrieved if r.kind == "paragraph"}
    assert recalled and recalled <= set(path[:-1 - story.options.recall_skip])  # the turn's own path, older turns
