"""The reader as co-author: an edited paragraph is a new version of its turn (its own memory row, the
turns after it kept or written again, undo back to the story as it was), facts the reader pins are in
every prompt and rewind with the story, and what the storyteller saw is kept per turn."""

from __future__ import annotations

import json

import pytest

from engine_helpers import drain
from hash_embedder import HashEmbedder
from list_memory import ListMemory
from rgpt_fiction.engine.edit import EditError
from rgpt_fiction.engine.export import export_markdown
from rgpt_fiction.engine.events import PlansReady, TurnDone
from rgpt_fiction.engine.pins import MAX_PINNED, PinError
from rgpt_fiction.engine.state import Persona
from rgpt_fiction.engine.story import Story, new_game
from rgpt_fiction.engine.trace_view import inspection_json, render_text
from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.saves.slot import Slot
from rgpt_fiction.session import open_story

NEW = "A violet lighthouse keeper named Osric rows you across the bay while humming a funeral hymn."
PIN = "Mara is alive and hiding in the bell tower"


class Traces:
    """A trace log held in a list (the slot's file in production)."""

    def __init__(self):
        self.records: list[dict] = []

    def append(self, records):
        self.records += [json.loads(json.dumps(r)) for r in records]  # as JSON keeps them

    def read(self, node_id):
        return next((r for r in reversed(self.records) if r["node"] == node_id), None)


def story_of(world, model=None):
    model = model or ScriptedModel()
    story = Story(new_game(world, Persona("Wren")), model, ListMemory(HashEmbedder()), traces=Traces())
    return story, model


async def played(story, turns):
    await drain(story.start())
    for _ in range(turns):
        await drain(story.play(story.plans[0]))
    return story.game.path()


def hits(story, text, k=3):
    return [r.node for r in story.search(text, k=k) if r.kind == "paragraph"]


# --- editing a paragraph ------------------------------------------------------------------------


async def test_an_edited_paragraph_is_recalled_by_its_new_words_on_its_path_and_the_old_on_the_branch_that_kept_it(
        open_game):
    story, _ = open_game(ScriptedModel())
    path = await played(story, 3)
    old = path[2]
    _, done = await drain(story.edit(old.id, NEW, later="keep"))
    assert isinstance(done, TurnDone)
    version = story.game.nodes[story.game.path_ids()[2]]
    assert version.paragraph == NEW and version.edited_from == old.id and version.id != old.id
    assert version.parent == old.parent and version.plan == old.plan  # a sibling, as a retry makes
    assert old.id in story.game.nodes  # the tree keeps the old version
    # on this path the new words are recalled, the old ones are not
    assert hits(story, NEW)[0] == version.id
    assert old.id not in hits(story, old.paragraph, k=20)
    # the turn after it was kept, a copy with its own memory row
    copy = story.node
    assert copy.copied_from == path[3].id and copy.paragraph == path[3].paragraph and copy.parent == version.id
    assert copy.id in hits(story, path[3].paragraph)
    md = export_markdown(story.game)  # export tells the story as edited
    assert NEW in md and old.paragraph not in md
    # undo goes back to the story as it was before the edit: the old version, recalled by its old words
    assert story.undo().id == path[3].id
    assert story.game.path_ids() == [n.id for n in path]
    assert hits(story, old.paragraph)[0] == old.id
    assert version.id not in hits(story, NEW, k=20)


async def test_an_edit_of_the_last_turn_asks_the_model_for_plans_memory_and_facts_again_and_undo_restores_them(
        world):
    story, model = story_of(world)
    path = await played(story, 2)
    last = path[-1]
    calls = len(model.calls)
    story.pin(PIN)
    events = [e async for e in story.edit(last.id, NEW)]
    assert [e for e in events if isinstance(e, PlansReady)]  # the plans are shown as they come
    assert len(model.calls) == calls + 1 and model.calls[-1]["json_schema"] is not None  # the update only
    update = model.calls[-1]["messages"]
    assert any(NEW in m["content"] for m in update)  # the edited paragraph as the paragraph written
    assert any(PIN in m["content"] for m in update)  # and the reader's pins in its prompt
    edited = story.node
    assert edited.paragraph == NEW and edited.parent == last.parent and edited.pinned == [PIN]
    assert edited.plans and edited.plans != last.plans and edited.memory != last.memory
    assert story.game.children(edited.id) == []
    assert hits(story, NEW)[0] == edited.id
    back = story.undo()
    assert back.id == last.id
    assert (back.paragraph, back.memory, back.plans, back.facts) == (
        last.paragraph, last.memory, last.plans, last.facts)
    assert hits(story, last.paragraph)[0] == last.id and edited.id not in hits(story, NEW, k=20)
    assert story.undo().id == last.parent  # a second undo is an ordinary one


async def test_the_turns_after_an_edit_can_be_written_again_from_their_plans_and_undo_still_reverts_the_edit(world):
    story, model = story_of(world)
    path = await played(story, 3)
    first = path[1]
    _, done = await drain(story.edit(first.id, NEW, later="rewrite"))
    version = done.node
    assert version.paragraph == NEW and story.node.id == version.id
    assert story.rewriting == [(path[2].plan, path[2].own_plan), (path[3].plan, path[3].own_plan)]
    _, second = await drain(story.rewrite_next())
    assert second.node.parent == version.id and second.node.plan == path[2].plan
    assert second.node.paragraph != path[2].paragraph  # written again, on the new version
    assert any(NEW in m["content"] for m in model.calls[-2]["messages"])  # the paragraph call saw the edit
    assert story.rewriting == [(path[3].plan, path[3].own_plan)]
    _, third = await drain(story.rewrite_next())
    assert third.node.parent == second.node.id and third.node.plan == path[3].plan
    assert story.rewriting == []
    assert story.undo().id == path[3].id  # the whole edit is undone at once
    assert story.game.path_ids() == [n.id for n in path]


async def test_a_rewrite_stops_when_the_reader_goes_elsewhere_or_stops_it(world):
    story, _ = story_of(world)
    path = await played(story, 3)
    await drain(story.edit(path[1].id, NEW, later="rewrite"))
    assert len(story.rewriting) == 2
    await drain(story.play("Go to the quay instead", own=True))
    assert story.rewriting == []
    story.undo()
    assert len(story.rewriting) == 2 and story.stop_rewrite() == 2 and story.rewriting == []


@pytest.mark.parametrize("text, says", [
    ("", "empty"), ("   \n\t ", "empty"), ("word " * 1001, "at most"),
])
async def test_a_paragraph_edited_to_nothing_or_too_much_is_refused_and_the_story_is_unchanged(world, text, says):
    story, model = story_of(world)
    path = await played(story, 1)
    with pytest.raises(EditError, match=says):
        await drain(story.edit(path[1].id, text))
    assert story.game.path() == path and len(story.game.nodes) == 2


async def test_an_unchanged_paragraph_or_a_turn_off_the_path_is_refused(world):
    story, _ = story_of(world)
    path = await played(story, 2)
    with pytest.raises(EditError, match="unchanged"):
        await drain(story.edit(path[1].id, path[1].paragraph + "  "))
    story.undo()
    with pytest.raises(EditError, match="not on the story"):
        await drain(story.edit(path[2].id, NEW))
    with pytest.raises(EditError, match="not on the story"):
        await drain(story.edit(99, NEW))


# --- pinned facts ---------------------------------------------------------------------------------


async def test_a_pinned_fact_is_in_every_prompt_of_the_next_50_turns_and_never_among_the_models_facts(world):
    story, model = story_of(world)
    await played(story, 1)
    story.pin(PIN)
    calls = len(model.calls)
    for n in range(50):
        await drain(story.play(story.plans[n % 3]))
    sent = model.calls[calls:]
    assert len(sent) >= 100  # a paragraph and an update each turn
    for call in sent:  # once in each prompt: the part does not grow turn after turn
        assert sum(m["content"].count(PIN) for m in call["messages"]) == 1
    for node in story.game.path()[2:]:
        assert node.pinned == [PIN] and PIN not in node.facts


async def test_pins_rewind_with_undo_and_differ_from_branch_to_branch(world):
    story, _ = story_of(world)
    await played(story, 1)
    fork = story.game.current
    story.pin(PIN)
    await drain(story.play(story.plans[0]))
    branch_a = story.game.current
    assert story.node.pinned == [PIN]
    story.goto(fork)
    assert story.unpin(1) == PIN and story.node.pinned == []
    await drain(story.play("Take the boat instead", own=True))
    assert story.node.pinned == [] and story.game.nodes[branch_a].pinned == [PIN]
    assert PIN not in json.dumps(story.last_prompt)


async def test_pins_are_bounded_edited_and_unpinned_by_number_with_clear_refusals(world):
    story, _ = story_of(world)
    with pytest.raises(PinError, match="not started"):
        story.pin(PIN)
    await played(story, 0)
    for i in range(MAX_PINNED):
        story.pin(f"Fact number {i} stays true")
    with pytest.raises(PinError, match=f"at most {MAX_PINNED}"):
        story.pin("One fact too many")
    with pytest.raises(PinError, match="empty"):
        story.edit_pin(1, "  ")
    with pytest.raises(PinError, match="at most 20 words"):
        story.edit_pin(1, "word " * 21)
    with pytest.raises(PinError, match="already pinned"):
        story.edit_pin(1, "fact number 2 stays TRUE")
    assert story.edit_pin(2, "The tide is out")[1] == "The tide is out"
    with pytest.raises(PinError, match="numbered 1 to 5"):
        story.unpin(6)
    assert story.unpin(1) == "Fact number 0 stays true" and len(story.node.pinned) == MAX_PINNED - 1


async def test_pins_and_edits_are_saved_with_the_slot(open_game, saves, embedder):
    story, slot = open_game(ScriptedModel())
    path = await played(story, 2)
    story.pin(PIN)
    await drain(story.edit(path[1].id, NEW, later="keep"))
    state = (story.game.path_ids(), [n.paragraph for n in story.game.path()], story.node.pinned, story.game.edits)
    slot.close()
    again, _ = open_story(Slot(saves, "s"), ScriptedModel(), embedder)
    assert (again.game.path_ids(), [n.paragraph for n in again.game.path()], again.node.pinned,
            again.game.edits) == state
    assert again.undo().id == path[2].id  # the edit is still undone from the saved story
    Slot(saves, "s").close()


# --- what the storyteller saw ----------------------------------------------------------------------


async def test_every_turn_keeps_its_prompt_parts_with_their_tokens_the_recalls_with_scores_and_the_raw_answers(
        world):
    story, model = story_of(world)
    await played(story, 6)
    story.pin(PIN)
    await drain(story.play(story.plans[0]))
    ins = story.inspect()
    record = ins.record
    assert record["node"] == story.node.id and record["written"] == "model"
    assert [c["purpose"] for c in record["calls"]] == ["paragraph", "update"]
    paragraph = record["calls"][0]
    labels = [p["label"] for p in paragraph["parts"]]
    for label in ("narrator's instructions", "world brief", "short-term memory", "facts", "pinned facts",
                  "last paragraph", "plan", "instruction"):
        assert label in labels, label
    assert all(isinstance(p["tokens"], int) and p["tokens"] > 0 for p in paragraph["parts"])
    pinned = next(p for p in paragraph["parts"] if p["label"] == "pinned facts")
    assert pinned["budget_words"] and pinned["words"] <= pinned["budget_words"]
    assert paragraph["messages"] == model.calls[-2]["messages"]  # the exact messages sent
    assert paragraph["answer"] and paragraph["answer"].split()[0] in story.node.paragraph
    assert record["calls"][1]["answer"].startswith("{")  # the update's raw JSON, before any repair
    assert paragraph["prompt_tokens_by"] == "the backend"
    assert record["recalls"] and all(isinstance(r["score"], float) and r["why"] for r in record["recalls"])
    doc = inspection_json(ins)
    part = doc["record"]["calls"][0]["parts"][0]
    assert part["text"] and part["tokens"]
    text = render_text(ins)
    assert "pinned facts" in text and "Recalled from long-term memory" in text


async def test_an_edit_and_the_turns_it_kept_are_inspected_as_what_they_are(world):
    story, _ = story_of(world)
    path = await played(story, 2)
    await drain(story.edit(path[1].id, NEW, later="keep"))
    version = story.game.nodes[story.game.path_ids()[1]]
    edit = story.inspect(version.id).record
    assert edit["written"] == "edit" and edit["edited_from"] == path[1].id
    assert [c["purpose"] for c in edit["calls"]] == ["update"]
    copy = story.inspect()
    assert copy.copied_from == path[2].id and copy.record["node"] == path[2].id and "copy" in copy.note


async def test_nothing_secret_reaches_the_record(world):
    story, _ = story_of(world)
    await played(story, 1)
    text = json.dumps(story.traces.records)
    assert "api_key" not in text and "temperature" not in text


async def test_the_pinned_facts_are_set_as_written_one_a_line_or_refused_whole(world):
    story, _ = story_of(world)
    await played(story, 0)
    assert story.set_pins(["Mara is alive", "", "  The tide is out "]) == ["Mara is alive", "The tide is out"]
    with pytest.raises(PinError, match="pinned fact 2: 'the moon is FULL' is already pinned"):
        story.set_pins(["The moon is full", "the moon is FULL"])
    assert story.node.pinned == ["Mara is alive", "The tide is out"]
    assert story.set_pins([]) == []


async def test_a_parts_words_are_held_against_its_budget_without_its_heading(world):
    story, _ = story_of(world)
    await played(story, 1)
    story.edit_memory(" ".join(["word"] * 200))  # clipped to the budget: 150 words, all in the prompt
    await drain(story.play(story.plans[0]))
    parts = story.inspect().record["calls"][0]["parts"]
    memory = next(p for p in parts if p["label"] == "short-term memory")
    assert (memory["words"], memory["budget_words"]) == (150, 150)


async def test_a_copied_or_renamed_slot_keeps_what_the_storyteller_saw(open_game, saves):
    from rgpt_fiction.engine.trace_view import inspect_turn
    from rgpt_fiction.saves.shelf import Shelf
    from rgpt_fiction.saves.traces import TraceFile

    story, slot = open_game(ScriptedModel())
    await played(story, 2)
    node = story.node.id
    slot.close()
    shelf = Shelf(saves)
    for name in (shelf.copy("s", "s-copy").name, shelf.rename("s", "s-moved").name):
        copied = shelf.slot(name)
        record = inspect_turn(copied.load(), TraceFile.of(copied.path), node).record
        assert record is not None and record["node"] == node and record["calls"]
