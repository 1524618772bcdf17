"""Kill a playing game with SIGKILL at many moments, then reload: nothing committed is ever lost,
at most the turn in flight is missing, and the vector table agrees with the state."""

import hashlib
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from engine_helpers import ROOT
from hash_embedder import HashEmbedder
from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.saves.slot import Slot
from rgpt_fiction.session import open_story

CHILD = [sys.executable, str(ROOT / "tests" / "crash_child.py")]
# (failpoint, hit number): hit 1 is the opening's commit, hit n the commit of turn n-1;
# "generating" counts streamed pieces instead.
POINTS = [(p, n) for p in ("before-vector-write", "between-vector-and-state", "during-journal-write", "during-state-write",
                           "between-backup-and-rename", "after-state-write") for n in (2, 3)]
POINTS += [("generating", 5), ("generating", 150)]
KILLS = {"tried": 0, "survived": 0}


def start(saves, turns, failpoint=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("RGPT_FAILPOINT", None)
    if failpoint:
        env["RGPT_FAILPOINT"] = f"{failpoint[0]}:{failpoint[1]}"
    return subprocess.Popen([*CHILD, str(saves), str(turns)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def committed(lines):
    rows = [line.split() for line in lines if line.startswith("committed ")]
    return {int(r[1]): r[2] for r in rows}


def check_slot(saves, reported: dict[int, str]):
    """Reload the slot as a new game process would, and compare with what the child reported."""
    slot = Slot(saves, "crash")
    last = max(reported, default=-1)
    if not slot.exists():
        assert last == -1, "a committed opening was lost"
        return
    story, _ = open_story(slot, ScriptedModel(), HashEmbedder())
    try:
        game = story.game
        assert last <= game.turn <= last + 1, (last, game.turn)
        for node in game.path():
            if node.depth in reported:
                assert hashlib.sha1(node.paragraph.encode()).hexdigest() == reported[node.depth]
        assert story.memory.nodes() == set(game.nodes)  # the vector table agrees with the state
        assert not list(slot.path.glob(".*.tmp"))
    finally:
        slot.close()
    # and the game goes on from there
    assert subprocess.run([*CHILD, str(saves), "1"], capture_output=True, timeout=120).returncode == 0


@pytest.mark.parametrize("point", POINTS, ids=[f"{p}-{n}" for p, n in POINTS])
def test_kill_at_a_named_moment(tmp_path, point):
    proc = start(tmp_path, 4, point)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL, err
    KILLS["tried"] += 1
    check_slot(tmp_path, committed(out.splitlines()))
    KILLS["survived"] += 1


@pytest.mark.parametrize("seed", range(6))
def test_kill_at_a_random_moment(tmp_path, seed):
    proc = start(tmp_path, 50)
    lines = []
    first = proc.stdout.readline()  # the opening is committed: the game is under way
    lines.append(first)
    time.sleep(random.Random(seed).uniform(0.05, 1.5))
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=60)
    lines += out.splitlines()
    KILLS["tried"] += 1
    check_slot(tmp_path, committed(lines))
    KILLS["survived"] += 1


def test_report_kill_points(capsys):
    if KILLS["tried"] == 0:
        pytest.skip("the kill tests were not selected")
    with capsys.disabled():
        print(f"\ncrash harness: {KILLS['survived']} of {KILLS['tried']} kill points survived")
    assert KILLS["survived"] == KILLS["tried"]


def test_a_second_game_process_is_refused_then_a_crashed_lock_is_stale(tmp_path):
    from rgpt_fiction.saves.lock import SlotLocked

    proc = start(tmp_path, 500)
    try:
        assert proc.stdout.readline().startswith("committed 0")
        with pytest.raises(SlotLocked, match="open in another game"):
            open_story(Slot(tmp_path, "crash"), ScriptedModel(), HashEmbedder())
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    assert (tmp_path / "crash" / "lock").exists()  # the dead game could not release it
    story, _ = open_story(Slot(tmp_path, "crash"), ScriptedModel(), HashEmbedder())
    assert story.game.turn >= 0
    Slot(tmp_path, "crash").close()


# An edit (turn 1 of 3, the turns after it kept) killed at each of its moments: the slot loads with the story
# either as it was or as edited, whole, the pinned fact with it, and the vector table agrees with the state.
# Saves: the opening and 3 turns (1-4), the pin (5), the edit (6); the first save has no backup to make.
EDIT_POINTS = [("edit-before-vector-write", 1), ("edit-between-vector-and-state", 1), ("during-journal-write", 6),
               ("during-state-write", 6), ("between-backup-and-rename", 5), ("edit-after-state-write", 1)]


@pytest.mark.parametrize("point", EDIT_POINTS, ids=[f"{p}-{n}" for p, n in EDIT_POINTS])
def test_kill_during_an_edit_leaves_either_version(tmp_path, point):
    from crash_child import EDITED, PIN

    env = {**os.environ, "PYTHONPATH": str(ROOT), "RGPT_FAILPOINT": f"{point[0]}:{point[1]}"}
    proc = subprocess.run([*CHILD, str(tmp_path), "3", "edit"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    lines = proc.stdout.splitlines()
    assert "pinned" in lines and "edited" not in lines
    reported = committed(lines)
    KILLS["tried"] += 1
    story, _ = open_story(Slot(tmp_path, "crash"), ScriptedModel(), HashEmbedder())
    try:
        game = story.game
        path = game.path()
        assert len(path) == 4 and game.node.pinned == [PIN]
        if path[1].paragraph == EDITED:  # the edit was committed: the later turns kept as they were
            assert path[1].edited_from is not None and all(n.copied_from is not None for n in path[2:])
        else:  # not committed: the story as it was, the new version nowhere
            assert all(n.paragraph != EDITED for n in game.nodes.values())
        for node in path:
            if node.depth != 1:
                assert hashlib.sha1(node.paragraph.encode()).hexdigest() == reported[node.depth]
        assert story.memory.nodes() == set(game.nodes)
        assert story.inspect().record is not None  # what the storyteller saw is there for the current turn
    finally:
        Slot(tmp_path, "crash").close()
    KILLS["survived"] += 1
