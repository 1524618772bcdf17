"""Line mode a reader can use in a pipe and at a prompt: piped input echoed, a stray empty line shows
the plans again (it does not end the game), /quit or the end of input ends, /help, a readable /tree."""

import os
import subprocess
import sys

from engine_helpers import DATA, ROOT

WORLD = str(DATA / "harbour.toml")


def play(saves, stdin, *extra):
    env = {**os.environ, "RGPT_MODEL": "scripted"}
    return subprocess.run(
        [sys.executable, "-m", "rgpt_fiction", "play", "--headless", "--world", WORLD, "--slot", "s",
         "--saves-dir", str(saves), *extra],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )


def test_piped_input_is_echoed_and_an_empty_line_does_not_end_the_game(tmp_path):
    res = play(tmp_path, "1\n\nI hum a sea shanty\n/quit\n")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "> 1\n" in out and "> I hum a sea shanty\n" in out and "> /quit\n" in out
    assert "you i hum a sea shanty" in " ".join(out.lower().split())  # the line after the empty one was played
    assert "/help lists the commands" in out
    assert out.rstrip().endswith("(saved)")


def test_the_end_of_input_ends_and_saves(tmp_path):
    res = play(tmp_path, "2\n")
    assert res.returncode == 0, res.stderr
    assert "(saved; run the same command again to continue)" in res.stdout
    again = play(tmp_path, "/quit\n")
    assert "at turn 1" in again.stdout


def test_help_and_a_readable_tree(tmp_path):
    res = play(tmp_path, "1\n/help\n/tree\n/nonsense\n9\n/quit\n")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    for command in ("/undo", "/tree", "/goto ID", "/memory", "/quit", "/help"):
        assert f"  {command}" in out
    assert "> > [" not in out and "* [1]" in out and "> [0]" in out
    assert "Unknown command '/nonsense'" in out
    assert "There are 3 plans" in out  # a number out of range is not taken as the reader's own words
