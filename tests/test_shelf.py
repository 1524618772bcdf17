"""The shelf: the saves folder as the screens and the command line see it. Slots listed with what brings a
broken one back, names checked and suggested free, and copy, rename, delete, clear, restore and recover,
each refused while another game has the slot open."""

import os
import socket

import pytest

from engine_helpers import drain
from rgpt_fiction.engine.state import Persona
from rgpt_fiction.engine.story import new_game
from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.saves.lock import SlotLocked
from rgpt_fiction.saves.shelf import Shelf
from rgpt_fiction.saves.slot import BackupAvailable, SlotError


async def _played(open_game, name="s", turns=2):
    story, slot = open_game(ScriptedModel(), name=name)
    await drain(story.start())
    for i in range(turns):
        await drain(story.play(story.plans[i % len(story.plans)]))
    return story, slot


async def test_a_broken_state_whose_backup_loads_is_listed_with_restore_and_restored(open_game, saves):
    story, slot = await _played(open_game)
    backup_path = [n.paragraph for n in story.game.path()][:-1]  # the backup is the save before the last
    slot.close()
    slot.state_path.write_text("{ torn")
    shelf = Shelf(saves)
    [info] = shelf.slots()
    assert info.backup_turn == 1
    assert "state.json is corrupt" in info.error and "Restore (b) in the Load screen" in info.error
    with pytest.raises(BackupAvailable) as err:
        shelf.slot("s").load()
    assert "Restore (b) in the Load screen" in str(err.value)  # the load error says what the screen offers

    game = shelf.restore_backup("s")
    assert game.turn == 1 and [n.paragraph for n in game.path()] == backup_path
    assert (slot.path / "state.json.broken").read_text() == "{ torn"
    assert not (slot.path / "lock").exists()
    [info] = shelf.slots()
    assert not info.error and info.backup_turn is None and info.turns == 1
    assert shelf.slot("s").load().turn == 1


async def test_a_journal_cut_short_is_seen_in_the_list_and_its_backup_offered(open_game, saves):
    _, slot = await _played(open_game)
    slot.close()
    data = slot.journal_path.read_bytes()
    slot.journal_path.write_bytes(data[: len(data) - 10])
    [info] = Shelf(saves).slots()
    assert "shorter than" in info.error and info.backup_turn == 1


async def test_without_a_good_backup_the_list_points_to_recover(open_game, saves, world):
    _, slot = await _played(open_game)
    slot.close()
    slot.state_path.write_text("{ torn")
    slot.backup_path.unlink()
    shelf = Shelf(saves)
    [info] = shelf.slots()
    assert info.backup_turn is None and "Recover (v)" in info.error
    assert shelf.recoverable_turns("s") == 3
    game = shelf.recover("s", new_game(world, Persona("Wren")))
    assert len(game.nodes) == 3 and not shelf.slots()[0].error


def test_names_are_checked_and_suggested_free(saves):
    shelf = Shelf(saves)
    assert "path separators" in shelf.name_problem("../evil")
    assert shelf.name_problem("new one") == ""
    assert shelf.suggest("The Harbour Test", "Wren") == "the-harbour-test-wren"
    for name in ("the-harbour-test-wren", "the-harbour-test-wren-2"):
        shelf.slot(name).create()
        shelf.slot(name).state_path.write_text("{}")
    assert shelf.suggest("The Harbour Test", "Wren") == "the-harbour-test-wren-3"
    assert shelf.exists("the-harbour-test-wren") and not shelf.exists("../evil")
    assert shelf.name_problem("the-harbour-test-wren") == "a saved game named 'the-harbour-test-wren' already exists"
    assert shelf.name_problem("the-harbour-test-wren", keep="the-harbour-test-wren") == ""
    assert Shelf(saves / "nowhere").slots() == []


async def test_copy_works_on_the_game_being_played_and_refuses_a_taken_name(open_game, saves):
    story, slot = await _played(open_game)  # still open: Save as copies the game being played
    shelf = Shelf(saves)
    copy = shelf.copy("s", "s-copy")
    assert copy.load().turn == 2 and not (copy.path / "lock").exists()
    assert (copy.memory_path).is_dir()
    with pytest.raises(SlotError, match="already exists"):
        shelf.copy("s", "s-copy")
    with pytest.raises(SlotError, match="path separators"):
        shelf.copy("s", "a/b")


async def test_rename_delete_clear_and_restore_are_refused_while_another_game_has_the_slot(open_game, saves):
    _, slot = await _played(open_game)
    slot.close()
    lock = slot.path / "lock"
    lock.write_text(f"{os.getppid()} {socket.gethostname()}")  # another process, alive, has it open
    shelf = Shelf(saves)
    for change in (lambda: shelf.rename("s", "t"), lambda: shelf.delete("s"), lambda: shelf.clear("s"),
                   lambda: shelf.restore_backup("s")):
        with pytest.raises(SlotLocked, match=f"process {os.getppid()}"):
            change()
    assert shelf.slot("s").load().turn == 2 and lock.exists()
    lock.unlink()

    renamed = shelf.rename("s", "t")
    assert renamed.load().turn == 2 and not (saves / "s").exists()
    assert not (renamed.path / "lock").exists()  # the lock moved with the folder and was released
    renamed.open()  # and nothing holds it
    renamed.close()
    shelf.slot("u").create()
    with pytest.raises(SlotError, match="already exists"):
        shelf.rename("t", "u")
    shelf.delete("t")
    assert not (saves / "t").exists()
    with pytest.raises(SlotError, match="no saved game 't'"):
        shelf.delete("t")


async def test_clear_empties_a_slot_for_a_new_game(open_game, saves):
    _, slot = await _played(open_game)
    slot.close()
    (slot.path / "state.json.broken").write_text("kept")
    cleared = Shelf(saves).clear("s")
    assert cleared.path == slot.path and not cleared.exists()
    assert not slot.journal_path.exists() and not slot.memory_path.exists()
    assert (slot.path / "state.json.broken").exists()  # what the reader set aside is not touched
    assert Shelf(saves).clear("never-played").path == saves / "never-played"  # nothing to clear
