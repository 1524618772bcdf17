"""Ctrl+C (SIGINT) in the middle of a turn, in line mode, with the real embedded llama.cpp model:
exit status 130, no traceback, the slot unlocked and loadable, the turn in progress not committed.
(Before the fix: a segfault in 2 of 3 tries, or "RuntimeError: Event loop is closed".)"""

import os
import random
import select
import signal
import subprocess
import sys
import time

import pytest

from engine_helpers import DATA, ROOT

CHILD = ROOT / "tests" / "interrupt_child.py"
RUNS = 10


def read_until(proc, buffer: bytearray, done, limit: float = 120.0) -> None:
    """Read the child's stdout into `buffer` until done(buffer) or the time limit."""
    end = time.monotonic() + limit
    while not done(buffer):
        left = end - time.monotonic()
        assert left > 0, f"the game did not get there in time; it wrote:\n{buffer.decode(errors='replace')}"
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536)
            assert chunk, f"the game ended early:\n{buffer.decode(errors='replace')}\n{proc.stderr.read().decode()}"
            buffer += chunk


def interrupt_mid_turn(saves, model: str, delay: float):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RGPT_EMBEDDED_THREADS": "2"}
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), "play", "--headless", "--world", str(DATA / "harbour.toml"), "--slot", "s",
         "--saves-dir", str(saves), "--model", model],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env,
    )
    try:
        out = bytearray()
        read_until(proc, out, lambda b: b.endswith(b"> "))  # the opening and its plans: the game waits
        proc.stdin.write(b"1\n")
        proc.stdin.flush()
        mark = len(out)
        read_until(proc, out, lambda b: len(b.strip()) > mark + 10)  # the new paragraph is being written
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, bytes(out[mark:]) + rest, err.decode(errors="replace")


@pytest.mark.slow
@pytest.mark.alone  # in the whole suite's process its turns printed their plans before the SIGINT came
def test_ctrl_c_mid_turn_ten_times(tmp_path):
    """Every run: exit 130, no traceback, the slot unlocked and loadable, no turn failure shown. A run
    whose turn showed its plans before the SIGINT came was interrupted at the prompt, not mid-turn:
    it is not counted as one (in two clean-clone CI runs one such run came, in the first 30 s, while
    the same test passed alone in the working tree), and at least half of the runs must be mid-turn."""
    from rgpt_fiction.saves.slot import Slot

    rng = random.Random(15)
    mid_turn: list[int] = []
    late: list[str] = []
    for run in range(RUNS):
        saves = tmp_path / f"run{run}"
        code, out, err = interrupt_mid_turn(saves, "embedded/smollm2", rng.uniform(0.0, 0.8))
        slot = Slot(saves, "s")
        slot.open()  # the lock is free again
        try:
            game = slot.load()
        finally:
            slot.close()
        assert code == 130, f"run {run}: exit status {code}\n{err}"
        assert "Traceback" not in err and "Error" not in err, f"run {run}:\n{err}"
        assert "(interrupted; every finished turn is saved)" in err
        assert b"The turn failed" not in out, f"run {run}: the interrupt showed as a failed turn\n{out.decode()}"
        if b"\n  1. " in out:  # the plans of the new turn were shown: the SIGINT came at the prompt
            late.append(f"run {run}: the game wrote\n{out.decode(errors='replace')[-1200:]}")
            assert (game.turn, len(game.nodes)) == (1, 2), f"a turn shown whole is committed\n{late[-1]}"
            continue
        assert (game.turn, len(game.nodes)) == (0, 1), "the interrupted turn must not be committed"
        mid_turn.append(run)
    assert len(mid_turn) >= RUNS // 2, "too few runs interrupted mid-turn:\n" + "\n".join(late)
