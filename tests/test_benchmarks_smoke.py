"""The benchmark suites run in their smallest configuration and return well-formed results.
No timing is asserted: benchmarks measure, tests check structure."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the benchmarks package lives at the root

pytestmark = pytest.mark.slow


def _check(res, suite):
    assert res["suite"] == suite
    assert isinstance(res["rows"], list)
    for b in res["budgets"]:
        assert set(b) >= {"name", "budget", "measured", "met", "how"}
        assert b["met"] in (True, False, None)


def test_every_suite_smallest_configuration(tmp_path):
    from benchmarks import embedded_model, overhead, prompt, recall, startup, tree
    from benchmarks.report import markdown

    quiet = lambda *_: None  # noqa: E731
    ov = overhead.run(sizes=(10,), turns=1, warmup=0, probe=False, word_delay=0.0, log=quiet)
    _check(ov, "overhead")
    row = ov["rows"][0]
    assert row["memories"] == 10 and row["fill"]["nodes"] == 10
    assert row["interactive"]["turns"] == 1 and row["interactive"]["median_ms"] is not None
    assert {"rolling", "reference_ram", "reference_reembed"} <= set(row)
    _check(ov["baselines"], "baselines")

    pr = prompt.run(turns=3, log=quiet)
    _check(pr, "prompt")
    assert len(pr["series"]) == 3 and all(t > 0 for t in pr["series"])

    rc = recall.run(n_paragraphs=30, n_facts=2, log=quiet)
    _check(rc, "recall")
    assert rc["config"]["k"] == 3 and rc["rows"][0]["recall@3"] is not None

    st = startup.run(repeats=1, modules=("json",), log=quiet)
    _check(st, "startup")
    assert st["imports"][0]["module"] == "json"

    # two turns: the first takes one of the world's first choices, whose author's outcome is its paragraph
    # (no first word to time)
    em = embedded_model.run(turns=2, models=("embedded/smollm2",), log=quiet)
    assert em["suite"] == "embedded" and [r["layout"] for r in em["rows"]] == ["cache", "before"]
    cache, before = em["rows"]
    assert cache["first_word_s"] > 0 and cache["turn_s"] >= cache["first_word_s"]
    # the known start of the prompt was evaluated while the reader read: less is left after the pick
    assert cache["prompt_tokens_prewarmed"] > 0 and before["prompt_tokens_prewarmed"] == 0
    assert cache["prompt_tokens_evaluated"] < before["prompt_tokens_evaluated"]

    tr = tree.run(nodes=40, ops=2, log=quiet)
    _check(tr, "tree")
    assert tr["config"]["nodes"] == 40 and {r["operation"] for r in tr["rows"]} >= {"goto", "undo", "retrieve"}

    doc = markdown({"machine": {}, "suites": {"overhead": ov, "baselines": ov["baselines"], "prompt": pr,
                                              "recall": rc, "startup": st, "tree": tr, "embedded": em}})
    assert "## Budgets" in doc and "## 5. Recall" in doc and "## 7. A tree" in doc


def test_health_table_reads_a_run_and_counts_what_went_wrong(tmp_path, capsys):
    import json

    from benchmarks import health_table

    turn = {"prompt_tokens": 2000, "llm_seconds": 20.0, "overhead_ms": 100.0, "plan_similarity_mean": 0.2}
    rows = [{"turn": 0, "plans": ["a", "b", "c"], "repairs": [], "loop_regenerations": 0, "plan_similarity_max": 0.0,
             "prompt_tokens": 0, "llm_seconds": 0.0, "overhead_ms": 9000.0, "plan_similarity_mean": 0.0}]
    rows += [{**turn, "turn": t, "plans": ["Go up", "Go down", "go UP" if t == 2 else "Wait"],
              "repairs": ["loop"] if t == 3 else [], "loop_regenerations": int(t == 3),
              "plan_similarity_max": 0.5 + t / 100} for t in range(1, 5)]
    run = tmp_path / "somewhere.jsonl"
    run.write_text("\n".join(json.dumps(r) for r in rows))
    assert health_table.main([str(run), "--turns", "5"]) == 0
    line = capsys.readouterr().out.splitlines()[-1]
    cells = [c.strip() for c in line.strip("|").split("|")]
    # world, turns, 3 distinct plans (turn 2 repeats one), worst cosine, loops, repairs, turns lost
    assert cells[:4] == ["somewhere", "4", "3", "0.540"]
    assert cells[5:8] == ["1 (25 %)", "1", "loop: 1"]
    assert cells[8] == "1"
