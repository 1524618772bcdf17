"""Save slots: names, atomic writes, crash between the vector write and the state write, reconcile, locks."""

import json
import os

import pytest

from engine_helpers import drain
from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.memory.rows import MemoryRow
from rgpt_fiction.saves.atomic import atomic_write
from rgpt_fiction.saves.lock import SlotLocked
from rgpt_fiction.saves.names import check_slot_name
from rgpt_fiction.saves.shelf import Shelf
from rgpt_fiction.saves.slot import Slot, SlotError
from rgpt_fiction.session import open_story


@pytest.mark.parametrize("bad", ["", "  ", "../up", "a/b", "a\\b", "..", ".hidden", "/abs", "CON", "nul.txt", "x" * 80])
def test_bad_slot_names_are_refused_with_a_reason(bad):
    with pytest.raises(SlotError) as err:
        check_slot_name(bad)
    assert "slot name" in str(err.value)


@pytest.mark.parametrize("good", ["first", "Wren in Saltmere", "día-2", "a.b_c"])
def test_good_slot_names(good):
    assert check_slot_name(good) == good


def test_atomic_write_keeps_the_old_file_as_backup(tmp_path):
    path = tmp_path / "state.json"
    atomic_write(path, b"one", backup=tmp_path / "bak")
    atomic_write(path, b"two", backup=tmp_path / "bak")
    assert path.read_bytes() == b"two" and (tmp_path / "bak").read_bytes() == b"one"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


async def test_crash_between_vector_write_and_state_write_reconciles(open_game, saves, embedder):
    model = ScriptedModel()
    story, slot = open_game(model)
    await drain(story.start())
    await drain(story.play(story.plans[0]))
    saved = slot.state_path.read_bytes()
    # the next turn reaches the vector table but the process dies before the state is written
    story.memory.add([MemoryRow.paragraph(99, 2, "A turn that was never committed.")])
    slot.close()
    assert slot.state_path.read_bytes() == saved
    again, fixed = open_story(Slot(saves, "s"), model, embedder)
    try:
        assert fixed.removed == 1
        assert again.game.turn == 1
        assert again.memory.nodes() == set(again.game.nodes)
    finally:
        again.game and Slot(saves, "s").close()


async def test_missing_vector_rows_are_embedded_again(open_game, saves, embedder):
    story, slot = open_game(ScriptedModel())
    await drain(story.start())
    await drain(story.play(story.plans[0]))
    await drain(story.play(story.plans[1]))
    story.memory.delete_nodes([1, 2])
    slot.close()
    again, fixed = open_story(Slot(saves, "s"), ScriptedModel(), embedder)
    assert fixed.reembedded == 2
    assert again.memory.nodes() == {0, 1, 2}
    assert again.memory.search_text(again.game.nodes[2].paragraph, 1)[0].node == 2
    Slot(saves, "s").close()


async def test_reload_continues_with_the_same_story_and_memory(open_game, saves, embedder):
    story, slot = open_game(ScriptedModel())
    await drain(story.start())
    await drain(story.play("I hide the letter under the floorboards", own=True))
    memory, plans, path = story.node.memory, story.plans, story.game.path_ids()
    slot.close()
    again, _ = open_story(Slot(saves, "s"), ScriptedModel(), embedder)
    assert (again.node.memory, again.plans, again.game.path_ids()) == (memory, plans, path)
    assert again.node.own_plan and again.memory.count() == 2
    Slot(saves, "s").close()


def test_corrupt_state_names_the_file_and_backup_loads(tmp_path):
    slot = Slot(tmp_path, "broken")
    slot.create()
    slot.state_path.write_text('{"format": 1, "nodes": [')
    with pytest.raises(SlotError, match=r"state\.json is corrupt"):
        slot.load()
    slot.state_path.write_text(json.dumps({"format": 99}))
    with pytest.raises(SlotError, match="save format 99"):
        slot.load()
    infos = Shelf(tmp_path).slots()
    assert infos[0].name == "broken" and "format" in infos[0].error


def test_second_writer_is_refused_and_stale_lock_is_taken(tmp_path):
    a = Slot(tmp_path, "shared")
    a.open()
    with pytest.raises(SlotLocked, match="open in another game"):
        # another process holds it: fake the owner's pid as our parent's (alive, not us)
        (a.path / "lock").write_text(f"{os.getppid()} {os.uname().nodename}")
        Slot(tmp_path, "shared").open()
    (a.path / "lock").write_text("999999999 " + os.uname().nodename)  # a dead process
    b = Slot(tmp_path, "shared")
    b.open()
    assert (b.path / "lock").read_text().split()[0] == str(os.getpid())
    b.close()
    assert not (b.path / "lock").exists()


async def test_corrupt_state_offers_the_backup_and_other_slots_are_unaffected(open_game, saves, embedder):
    story, slot = open_game(ScriptedModel())
    await drain(story.start())
    await drain(story.play(story.plans[0]))
    await drain(story.play(story.plans[1]))
    other, other_slot = open_game(ScriptedModel(), name="other")
    await drain(other.start())
    slot.close()
    slot.state_path.write_text('{"format": 1, "world": {"title": "hand-edited garbage')
    from rgpt_fiction.saves.slot import BackupAvailable

    with pytest.raises(BackupAvailable, match=r"state\.json is corrupt.*backup of the last good state \(turn 1\)"):
        open_story(Slot(saves, "s"), ScriptedModel(), embedder)
    assert not (slot.path / "lock").exists()  # a failed open releases the slot
    restored, fixed = open_story(Slot(saves, "s"), ScriptedModel(), embedder, use_backup=True)
    assert restored.game.turn == 1 and fixed.removed == 1  # the lost turn's vectors are rewound too
    assert (slot.path / "state.json.broken").exists()
    assert Slot(saves, "s").load().turn == 1
    assert other_slot.load().turn == 0
    Slot(saves, "s").close()


async def test_disk_full_keeps_the_story_in_memory_and_saving_can_be_retried(open_game, monkeypatch):
    import errno

    import rgpt_fiction.saves.slot as slot_module

    story, slot = open_game(ScriptedModel())
    await drain(story.start())
    real_write = slot_module.atomic_write

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(slot_module, "atomic_write", full)
    _, done = await drain(story.play(story.plans[0]))
    assert "No space left on device" in done.stats.save_error and "cannot save the slot" in story.save_error
    assert story.game.turn == 1  # the story goes on in memory
    await drain(story.play(story.plans[0]))
    assert story.game.turn == 2 and slot.load().turn == 0
    monkeypatch.setattr(slot_module, "atomic_write", real_write)
    assert story.save() and story.save_error == ""
    assert slot.load().turn == 2


async def test_a_format_1_slot_loads_and_is_migrated(open_game, saves, embedder):
    story, slot = open_game(ScriptedModel())
    await drain(story.start())
    await drain(story.play(story.plans[0]))
    old = {"format": 1, "app": "rgpt-fiction", **story.game.to_dict()}  # the engine issue's layout
    slot.close()
    slot.state_path.write_text(json.dumps(old))
    slot.journal_path.unlink()
    again, _ = open_story(Slot(saves, "s"), ScriptedModel(), embedder)
    assert again.game.turn == 1 and again.node.paragraph == story.node.paragraph
    again.save()
    assert json.loads(slot.state_path.read_text())["format"] == 2 and slot.journal_path.exists()
    Slot(saves, "s").close()
    assert Slot(saves, "s").load().path_ids() == [0, 1]


async def test_a_torn_journal_tail_is_ignored_and_overwritten(open_game, saves, embedder):
    story, slot = open_game(ScriptedModel())
    await drain(story.start())
    with open(slot.journal_path, "ab") as f:
        f.write(b'{"id": 7, "parent": 0, "paragraph": "half a sav')  # a save cut short
    assert slot.load().nodes.keys() == {0}
    await drain(story.play(story.plans[0]))
    assert [json.loads(line)["id"] for line in slot.journal_path.read_text().splitlines()] == [0, 1]
    assert Slot(saves, "s").load().turn == 1


async def test_saving_costs_the_same_at_any_length(open_game):
    story, slot = open_game(ScriptedModel())
    await drain(story.start())
    for _ in range(5):
        await drain(story.play(story.plans[0]))
    sizes = []
    for _ in range(3):
        before = slot.journal_path.stat().st_size
        await drain(story.play(story.plans[0]))
        sizes.append(slot.journal_path.stat().st_size - before)
    assert len(slot.journal_path.read_text().splitlines()) == 9  # one line per turn, nothing rewritten
    assert max(sizes) < 4 * min(sizes)
    assert slot.state_path.stat().st_size < 4000 + len(json.dumps(story.game.world.snapshot()))
