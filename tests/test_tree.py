"""Undo, redo, retry, alternatives and branches, with long-term memory that follows the path."""

import json

from engine_helpers import drain
from rgpt_fiction.engine.export import export_json, export_markdown
from rgpt_fiction.engine.tree import render_tree
from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.saves.slot import Slot
from rgpt_fiction.session import open_story

FACT = "You bury the brass compass with the emerald needle under the third willow by the mill."


def upd(plans):
    return json.dumps({"plans": plans, "memory": "You travel on.", "facts": []})


PLANS = ["Walk north along the river", "Rest under the old bridge", "Ask the miller for directions"]


async def test_undo_redo_retry_and_alternatives(open_game):
    model = ScriptedModel()
    story, slot = open_game(model)
    await drain(story.start())
    await drain(story.play(story.plans[0]))
    await drain(story.play(story.plans[0]))
    two = story.node
    assert story.undo().id == two.parent and story.game.turn == 1
    assert story.redo().id == two.id
    _, retried = await drain(story.retry())
    assert retried.node.parent == two.parent and retried.node.plan == two.plan and retried.node.id != two.id
    assert story.alternatives() == [two.id, retried.node.id]
    assert story.alt(-1).id == two.id
    assert story.alt(-1) is None  # no earlier version
    assert story.alt(+1).id == retried.node.id
    assert story.undo() and story.redo().id == retried.node.id  # redo returns to the child we came from
    assert slot.load().current == retried.node.id  # autosaved after every change of node
    assert story.undo().parent == 0 and story.undo().id == 0 and story.undo() is None


async def test_a_fact_from_an_abandoned_branch_is_never_recalled(open_game):
    model = ScriptedModel()
    story, _ = open_game(model)
    await drain(story.start())
    await drain(story.play(story.plans[0]))
    fork = story.game.current
    # branch A: the compass is buried
    model.push(FACT, upd(PLANS))
    await drain(story.play("Bury the compass", own=True))
    a_node = story.game.current
    await drain(story.play(story.plans[0]))
    # back to the fork, and a different plan starts branch B
    story.goto(fork)
    await drain(story.play("Sail down the coast instead", own=True))
    b_path = story.game.path_ids()
    assert a_node not in b_path
    for _ in range(3):
        await drain(story.play(story.plans[1]))
    query = "Dig up the brass compass with the emerald needle under the willow"
    _, done = await drain(story.play(query, own=True))
    assert FACT not in [r["text"] for r in done.node.retrieved]
    assert all(h.node != a_node for h in story.search("brass compass emerald needle willow", k=20))
    # while on branch A it is recalled (once it is older than the turns the short-term memory holds)
    story.goto(a_node)
    for _ in range(story.options.recall_skip):
        await drain(story.play(story.plans[0]))
    _, done = await drain(story.play(query, own=True))
    assert FACT in [r["text"] for r in done.node.retrieved]
    # and the tree keeps both branches
    tree = render_tree(story.game)
    assert "Bury the compass" in tree and "Sail down the coast instead" in tree


async def test_reload_in_the_middle_of_a_branch(open_game, saves, embedder):
    story, slot = open_game(ScriptedModel())
    await drain(story.start())
    for _ in range(3):
        await drain(story.play(story.plans[0]))
    story.undo()
    story.undo()
    await drain(story.play("Take the other road", own=True))
    state = (story.game.current, story.game.path_ids(), story.node.memory, story.plans)
    slot.close()
    again, _ = open_story(Slot(saves, "s"), ScriptedModel(), embedder)
    assert (again.game.current, again.game.path_ids(), again.node.memory, again.plans) == state
    assert len(again.game.nodes) == 5
    assert again.redo() is None and again.undo() and again.redo().id == state[0]
    Slot(saves, "s").close()


async def test_export_of_a_branched_game(open_game):
    story, _ = open_game(ScriptedModel())
    await drain(story.start())
    await drain(story.play(story.plans[0]))
    await drain(story.play("Climb the bell tower", own=True))
    story.undo()
    await drain(story.play("Go down to the crypt", own=True))
    md = export_markdown(story.game)
    assert md.startswith("# The Harbour Test")
    assert "> **You:** Go down to the crypt" in md and "Climb the bell tower" not in md
    assert "> **Choice:**" in md
    doc = json.loads(export_json(story.game))
    assert len(doc["nodes"]) == 4 and doc["path"] == story.game.path_ids()
    assert {n["plan"] for n in doc["nodes"]} >= {"Climb the bell tower", "Go down to the crypt"}
