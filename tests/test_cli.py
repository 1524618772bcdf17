"""The command line as a reader uses it: headless play, continuing a slot, autoplay stats, saves list, export."""

import json
import re
import os
import subprocess
import sys

from engine_helpers import DATA, ROOT

WORLD = str(DATA / "harbour.toml")


def run(*args, stdin="", env=None):
    full_env = {**os.environ, "RGPT_MODEL": "scripted", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "rgpt_fiction", *args], input=stdin, capture_output=True, text=True,
        cwd=ROOT, env=full_env, timeout=300,
    )


def test_headless_play_then_continue(tmp_path):
    saves = str(tmp_path / "s")
    first = run("play", "--headless", "--world", WORLD, "--slot", "s", "--saves-dir", saves,
                stdin="1\nI walk to the harbour\n2\n")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert out.startswith("Rain needles the quay")
    assert len(re.findall(r"\(scene\s+\d+\)", out)) == 3  # three model paragraphs after the opening
    assert "you i walk to the harbour" in " ".join(out.lower().split())
    assert out.count("\n  1. ") == 4 and out.count("\n  3. ") == 4  # plans after each of four paragraphs
    assert "Traceback" not in first.stderr
    again = run("play", "--headless", "--slot", "s", "--saves-dir", saves, stdin="/tree\n\n")
    assert again.returncode == 0, again.stderr
    assert "continuing 'The Harbour Test' at turn 3" in again.stdout
    assert "* [3]" in again.stdout  # the tree marks the current node


def test_autoplay_writes_stats_per_turn(tmp_path):
    stats = tmp_path / "stats.jsonl"
    res = run("autoplay", "--world", WORLD, "--slot", "a", "--turns", "4", "--saves-dir", str(tmp_path / "s"),
              "--stats-json", str(stats), "--quiet")
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in stats.read_text().splitlines()]
    assert [r["turn"] for r in rows] == [0, 1, 2, 3, 4]
    for key in ("prompt_tokens", "completion_tokens", "llm_seconds", "overhead_ms", "memories_stored", "retrieved", "plans"):
        assert key in rows[-1]
    assert all(len(r["plans"]) == 3 for r in rows)
    assert rows[-1]["prompt_tokens"] > 0 and rows[-1]["memories_stored"] == 1
    listing = run("saves", "list", "--saves-dir", str(tmp_path / "s"))
    assert "The Harbour Test" in listing.stdout and " 4 " in listing.stdout
    md = run("export", "a", "--format", "md", "--saves-dir", str(tmp_path / "s"))
    assert md.stdout.startswith("# The Harbour Test") and md.stdout.count("> **Choice:**") == 4


def test_clear_errors_not_tracebacks(tmp_path):
    res = run("play", "--headless", "--slot", "../escape", "--saves-dir", str(tmp_path))
    assert res.returncode == 1 and "path separators" in res.stderr and "Traceback" not in res.stderr
    res = run("play", "--headless", "--slot", "nothing", "--saves-dir", str(tmp_path))
    assert res.returncode == 1 and "give --world" in res.stderr
    res = run("autoplay", "--world", WORLD, "--slot", "a", "--authored-pick", "2", "--saves-dir", str(tmp_path))
    assert res.returncode == 1 and "--authored-pick must be between 0 and 1, not 2.0" in res.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("schema = 1\ntitle = \n")
    res = run("play", "--headless", "--slot", "x", "--world", str(bad), "--saves-dir", str(tmp_path))
    assert res.returncode == 1 and "bad.toml" in res.stderr and "Traceback" not in res.stderr
