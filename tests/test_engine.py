"""The turn step on a scripted model, with the real embedder and a real LanceDB slot."""

import json

import pytest

from engine_helpers import drain
from rgpt_fiction.engine.events import TurnDone, TurnError
from rgpt_fiction.engine.story import PlanError
from rgpt_fiction.llm.base import LLMError
from rgpt_fiction.llm.scripted import ScriptedModel


def upd(memory="You came to Saltmere looking for Mara.", plans=None, facts=()):
    plans = plans if plans is not None else [
        "Follow the lamplighter into the fog", "Search the tavern cellar for clues", "Ask the fishwife about Mara"]
    return json.dumps({"plans": plans, "memory": memory, "facts": list(facts)})


PARA = "The lamplighter lowers his pole and studies you for a long moment before he speaks of the lighthouse."


async def test_first_turn_uses_the_seed_opening_and_choices(open_game, world):
    model = ScriptedModel(improvise=False)
    story, slot = open_game(model)
    text, done = await drain(story.start())
    assert isinstance(done, TurnDone)
    assert text == world.opening
    assert story.plans == world.first_choices
    assert model.calls == []  # nothing to ask: the seed has both
    assert story.node.memory and len(story.node.memory.split()) <= 150
    assert slot.state_path.exists()
    # lore rows are none here, the opening paragraph is stored
    assert story.memory.count("kind = 'paragraph'") == 1


async def test_opening_written_by_the_model_when_the_world_has_none(open_game, world):
    bare = world.model_copy(update={"opening": "", "first_choices": []})
    model = ScriptedModel([PARA, upd()], improvise=False)
    story, _ = open_game(model, the_world=bare)
    text, done = await drain(story.start())
    assert story.node.paragraph == PARA
    assert len(story.plans) == 3
    assert "Begin the story" in model.calls[0]["messages"][1]["content"]


async def test_chosen_plan_builds_the_prompt_and_commits_a_turn(open_game):
    model = ScriptedModel(improvise=False)
    story, slot = open_game(model)
    await drain(story.start())
    plan = story.plans[1]
    para = PARA + " Mara is missing, he says at last."  # the fact the update names (a fact it does not tell is not kept)
    model.push(para, upd(facts=["Mara is missing"]))
    text, done = await drain(story.play(plan))
    user = model.calls[0]["messages"][1]["content"]
    assert plan in user and "Short-term memory" in user
    assert text.strip() == para
    assert done.node.plan == plan and not done.node.own_plan
    assert story.game.turn == 1 and story.node.facts == ["Mara is missing"]
    assert story.plans[0] == "Follow the lamplighter into the fog"
    assert done.stats.memories_stored == 1 and done.stats.prompt_tokens > 0
    assert slot.load().turn == 1  # autosaved


async def test_free_text_plan_is_cleaned_and_marked_as_the_readers(open_game):
    model = ScriptedModel([PARA, upd()], improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    _, done = await drain(story.play("I hide the letter\x1b[31m under the floorboards\x07", own=True))
    assert done.node.plan == "I hide the letter under the floorboards"
    assert done.node.own_plan
    assert "I hide the letter under the floorboards" in model.calls[0]["messages"][1]["content"]


async def test_empty_plan_is_refused_before_any_call(open_game):
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    with pytest.raises(PlanError):
        await drain(story.play("   \n\t "))
    assert model.calls == []


async def test_missing_plans_are_asked_again_then_repaired(open_game):
    model = ScriptedModel([PARA, '{"memory": "You arrived."}', '{"memory": "You arrived", "plans": []}',
                           '{"memory": "You arrived", "plans": []}'], improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    _, done = await drain(story.play("Walk to the lighthouse"))
    assert len(model.calls) == 4  # paragraph, update, two retries of the update
    assert "not usable" in model.calls[2]["messages"][-1]["content"]
    assert len(story.plans) == 3 and len(set(story.plans)) == 3
    assert all(p.strip() for p in story.plans)
    assert any("filled" in r for r in done.stats.repairs)


async def test_the_last_retry_of_the_update_names_no_plan_and_its_plans_are_offered(open_game):
    """Named in the retry's note, the plans left out were offered again by the 1.5B model (3 of 5 in a lowtide
    turn, and the game filled a plan): the last retry names none, shows other example verbs, and what it
    gives is offered, with no plan filled by the game."""
    dupes = upd(plans=["Run to the pier", "run to the pier!", "Run to the pier at once"])
    fresh = ["Wake the ferryman in his hut", "Climb the breakwater to see the light", "Question the fishwife about Mara"]
    model = ScriptedModel([PARA, dupes, dupes, upd(plans=fresh)], improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    _, done = await drain(story.play("Look around"))
    second, third = (model.calls[i]["messages"][-1]["content"] for i in (2, 3))
    assert "Run to the pier" in second and "none of these" in second
    assert "Run to the pier" not in third and "has not done yet" in third
    verbs = [s[s.index("(such as ") + 9:].split(")")[0] for s in (second, third)]
    assert verbs[0] != verbs[1]
    # the one usable plan of the first answers is kept, and the last answer gives the rest
    assert story.plans[0] == "Run to the pier" and set(story.plans[1:]) < set(fresh)
    assert not any("filled" in r for r in done.stats.repairs)


async def test_duplicate_and_copied_plans_never_reach_the_reader(open_game):
    dupes = upd(plans=["Run to the pier", "run to the pier!", PARA])
    model = ScriptedModel([PARA, dupes, dupes, dupes], improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    _, done = await drain(story.play("Look around"))
    plans = story.plans
    assert len(plans) == 3
    assert sum(p.lower().startswith("run to the pier") for p in plans) == 1
    assert PARA not in plans
    assert any("duplicate" in r for r in done.stats.repairs)


async def test_labelled_markdown_answer_is_read(open_game):
    loose = (
        "**Memory:** You reached the pier and met the harbourmaster.\n\n"
        "**PLANS**\n1) Board the night ferry\n2. Question the harbourmaster\n- Hide among the nets"
    )
    model = ScriptedModel([PARA, loose], improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    await drain(story.play("Go to the pier"))
    assert story.node.memory == "You reached the pier and met the harbourmaster."
    assert story.plans == ["Board the night ferry", "Question the harbourmaster", "Hide among the nets"]


async def test_empty_paragraph_is_asked_again(open_game):
    model = ScriptedModel(["   ", PARA, upd()], improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    _, done = await drain(story.play("Go on"))
    assert story.node.paragraph == PARA
    assert "empty paragraph" in done.stats.repairs


async def test_failing_call_leaves_the_story_exactly_as_it_was(open_game):
    model = ScriptedModel(improvise=False)
    story, slot = open_game(model)
    await drain(story.start())
    before_state = slot.state_path.read_bytes()
    before_rows = story.memory.count()
    before_nodes = dict(story.game.nodes)
    model.push(PARA, LLMError("scripted", "the model server failed (HTTP 500)", "try again"))
    with pytest.raises(TurnError, match="scripted: the model server failed"):
        await drain(story.play("Walk to the lighthouse"))
    assert story.game.nodes == before_nodes and story.game.current == 0
    assert slot.state_path.read_bytes() == before_state
    assert story.memory.count() == before_rows
    # and the reader can simply try again
    model.push(PARA, upd())
    await drain(story.play("Walk to the lighthouse"))
    assert story.game.turn == 1


async def test_short_term_memory_is_held_to_its_budget_by_code(open_game):
    long_memory = " ".join(f"word{i}" for i in range(600))
    model = ScriptedModel([PARA, upd(memory=long_memory)], improvise=False)
    story, _ = open_game(model, memory_words=150)
    await drain(story.start())
    await drain(story.play("Go on"))
    assert len(story.node.memory.split()) <= 150


async def test_prompt_size_stays_flat_over_200_turns(open_game):
    model = ScriptedModel()  # improvises deterministic turns
    story, _ = open_game(model)
    await drain(story.start())
    sizes = []
    for turn in range(200):
        before = len(model.calls)
        await drain(story.play(story.plans[turn % 3]))
        sizes.append(sum(len(m["content"]) for c in model.calls[before:] for m in c["messages"]))
    assert story.game.turn == 200
    assert story.memory.count("kind = 'paragraph'") == 201
    assert sizes[199] <= sizes[19] * 1.15, (sizes[19], sizes[199])
    assert max(sizes[20:]) <= max(sizes[:20]) * 1.15
