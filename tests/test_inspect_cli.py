"""`rgpt-fiction inspect SLOT [--turn N] [--json]`: what the storyteller saw for a turn of a saved game,
read from the slot's traces file, without a model; a turn that is not there is one clear line."""

import json
import os
import subprocess
import sys

from engine_helpers import DATA, ROOT

WORLD = str(DATA / "harbour.toml")
ENV = {**os.environ, "RGPT_MODEL": "scripted"}


def rgpt(saves, *words, stdin=""):
    return subprocess.run([sys.executable, "-m", "rgpt_fiction", *words, "--saves-dir", str(saves)], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=300)


def test_inspect_json_lists_every_prompt_part_with_its_tokens_and_the_recall_scores(tmp_path):
    played = rgpt(tmp_path, "play", "--headless", "--world", WORLD, "--slot", "s",
                  stdin="1\n1\n/pin Mara is alive\n1\n1\n1\n1\n1\n/quit\n")
    assert played.returncode == 0, played.stderr
    res = rgpt(tmp_path, "inspect", "s", "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["turn"] == 7 and doc["record"]["node"] == doc["node"]
    calls = doc["record"]["calls"]
    assert [c["purpose"] for c in calls] == ["paragraph", "update"]
    for call in calls:
        assert call["parts"] and all(isinstance(p["tokens"], int) and "label" in p for p in call["parts"])
        for i, message in enumerate(call["messages"]):  # the parts are the messages, whole, in order
            assert "".join(p["text"] for p in call["parts"] if p["message"] == i) == message["content"]
        assert call["prompt_tokens"] > 0 and call["prompt_tokens_by"] and call["part_tokens_by"]
    labels = {p["label"] for p in calls[0]["parts"]}
    assert {"world brief", "short-term memory", "facts", "pinned facts", "last paragraph", "recalls", "plan",
            "instruction"} <= labels
    recalls = doc["record"]["recalls"]
    assert recalls and all(isinstance(r["score"], float) and r["why"] for r in recalls)
    text = rgpt(tmp_path, "inspect", "s", "--turn", "2")
    assert text.returncode == 0 and "Turn 2 (id 2)" in text.stdout and "pinned facts" not in text.stdout
    missing = rgpt(tmp_path, "inspect", "s", "--turn", "40")
    assert missing.returncode == 1 and "there is no turn 40 on this story" in missing.stderr
    assert "Traceback" not in missing.stderr
    none = rgpt(tmp_path, "inspect", "nothing-here")
    assert none.returncode == 1 and "Traceback" not in none.stderr
