"""Slots that say the real cause: names refused for what is wrong with them, a hand-edited current
turn named as such (by `saves list` too), and a game rebuilt from its journal when its header and
its backup are both unreadable."""

import json

import pytest

from engine_helpers import drain
from rgpt_fiction.engine.state import Persona
from rgpt_fiction.engine.story import new_game
from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.saves.names import check_slot_name
from rgpt_fiction.saves.shelf import Shelf
from rgpt_fiction.saves.slot import Slot, SlotError


@pytest.mark.parametrize("name, says, not_says", [
    (".", "dot", "separator"),
    ("..", "dot", "separator"),
    ("a..b", "'..'", "separator"),
    ("a/b", "separator", "dot"),
    ("x.", "end with a dot", "start"),
    ("a*b", "'*'", "dot"),
    ("-x", "begin with", "dot"),
])
def test_a_refused_slot_name_says_what_is_wrong_with_it(name, says, not_says):
    with pytest.raises(SlotError) as err:
        check_slot_name(name)
    assert says in str(err.value) and not_says not in str(err.value)


async def _two_turns(open_game):
    story, slot = open_game(ScriptedModel())
    await drain(story.start())
    await drain(story.play(story.plans[0]))
    await drain(story.play(story.plans[1]))
    return story, slot


async def test_a_hand_edited_current_turn_is_named_and_listed_as_broken(open_game, saves):
    story, slot = await _two_turns(open_game)
    slot.close()
    doc = json.loads(slot.state_path.read_text())
    doc["current"] = 99
    slot.state_path.write_text(json.dumps(doc))
    slot.backup_path.unlink()
    with pytest.raises(SlotError) as err:
        Slot(saves, "s").load()
    message = str(err.value)
    assert '"current": 99' in message and "3 turns" in message and "field: 99" not in message
    [info] = Shelf(saves).slots()
    assert info.error and '"current": 99' in info.error  # `saves list` and the Load screen say so too


@pytest.mark.parametrize("edit, field, says", [
    (lambda w: w.update(title=5), "world.title", "string"),
    (lambda w: w.pop("premise"), "world.premise", "required"),
    (lambda w: w["characters"][1].update(mood="grim"), "world.characters.1.mood", "not permitted"),
])
async def test_a_world_in_a_slot_that_does_not_validate_is_named_by_file_and_field(open_game, saves, edit, field,
                                                                                    says):
    story, slot = await _two_turns(open_game)
    slot.close()
    doc = json.loads(slot.state_path.read_text())
    edit(doc["world"])
    slot.state_path.write_text(json.dumps(doc))
    slot.backup_path.unlink()
    with pytest.raises(SlotError) as err:
        Slot(saves, "s").load()
    message = str(err.value)
    assert str(slot.state_path) in message and f"{field}:" in message and says in message.lower()
    assert "Traceback" not in message and "errors.pydantic.dev" not in message


async def test_a_slot_with_header_and_backup_unreadable_is_recovered_from_its_journal(open_game, saves, world):
    story, slot = await _two_turns(open_game)
    paragraphs = [n.paragraph for n in story.game.path()]
    slot.close()
    slot.state_path.write_text("{ torn")
    slot.backup_path.write_text("")
    with pytest.raises(SlotError) as err:
        Slot(saves, "s").load()
    assert "holds 3 turns" in str(err.value) and "Recover" in str(err.value)
    [info] = Shelf(saves).slots()
    assert "holds 3 turns" in info.error

    again = Slot(saves, "s")
    recovered = again.recover_from_journal(new_game(world, Persona("Wren")))
    assert [n.paragraph for n in recovered.path()] == paragraphs
    assert recovered.world.title == world.title and recovered.persona.name == "Wren"
    assert (again.path / "state.json.broken").read_text() == "{ torn"
    loaded = Slot(saves, "s").load()
    assert [n.paragraph for n in loaded.path()] == paragraphs and loaded.current == recovered.current
    [info] = Shelf(saves).slots()
    assert not info.error and info.turns == 2


def test_an_empty_journal_cannot_be_recovered(tmp_path, world):
    slot = Slot(tmp_path, "s")
    slot.create()
    slot.state_path.write_text("nope")
    with pytest.raises(SlotError) as err:
        slot.recover_from_journal(new_game(world, Persona("Wren")))
    assert "nothing to recover" in str(err.value)
