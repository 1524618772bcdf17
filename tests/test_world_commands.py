"""`worlds list|validate|new|show`: exit codes and output; the shipped shelf; the template."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import rgpt_fiction
from rgpt_fiction.world import default_worlds_dirs, load_world
from rgpt_fiction.cli import parse_args
from rgpt_fiction.world.commands import run_worlds, template_text

FIX = Path(__file__).parent / "fixtures" / "worlds"
REPO = Path(rgpt_fiction.__file__).resolve().parent.parent
SHELF = sorted((REPO / "worlds").glob("*.toml"))


def run(*argv: str) -> tuple[int, str]:
    args = parse_args(list(argv))  # the real command line: --worlds-dir is a global option
    out = io.StringIO()
    code = run_worlds(args, out=out)
    return code, out.getvalue()


# --- validate ---------------------------------------------------------------------------

def test_validate_ok():
    code, out = run("worlds", "validate", str(FIX / "minimal.toml"))
    assert code == 0 and out == f"ok: {FIX / 'minimal.toml'}\n"


def test_validate_reports_every_problem_one_per_line_and_fails():
    good, bad = FIX / "minimal.toml", FIX / "several_errors.toml"
    code, out = run("worlds", "validate", str(good), str(bad), str(FIX / "binary.toml"))
    assert code == 1
    lines = out.splitlines()
    assert f"ok: {good}" in lines
    assert sum(1 for row in lines if row.startswith(f"{bad}:")) == 7
    assert any(row.startswith(f"{FIX / 'binary.toml'}: ") and "binary" in row for row in lines)
    assert lines[-1] == "2 of 3 files have problems"
    assert "Traceback" not in out


def test_validate_missing_file():
    code, out = run("worlds", "validate", "/nonexistent/world.toml")
    assert code == 1 and "cannot read" in out


# --- the shelf ----------------------------------------------------------------------------

def test_shelf_has_at_least_six_worlds_of_distinct_genres():
    worlds = [load_world(p) for p in SHELF]
    assert len(worlds) >= 6
    genres = [w.genre.casefold() for w in worlds]
    assert len(set(genres)) == len(genres) and all(genres)


def test_every_shipped_world_validates():
    code, out = run("worlds", "validate", *map(str, SHELF))
    assert code == 0, out
    assert out.count("ok: ") == len(SHELF)


@pytest.mark.parametrize("path", SHELF, ids=lambda p: p.name)
def test_shipped_world_is_complete(path):
    w = load_world(path)
    assert path.name == path.name.lower() and " " not in path.name
    # short enough to read at one sitting (the events' and first choices' outcomes took it past 150,
    # twelve events past 160, the follow-ups past 200, lore for what the events bring in past 260)
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 280
    # every choice the author offers has what happens first when it is taken
    assert len(w.first_outcomes) == len(w.first_choices) == 3
    assert w.events and all(len(e.outcomes) == len(e.choices) == 2 for e in w.events)
    # ...and the two plans offered first after each outcome
    assert [len(f) for f in w.first_follow_ups] == [2] * 3
    assert all([len(f) for f in e.follow_ups] == [2] * 2 for e in w.events)
    # authored beats through turn 35 (one every third turn): after the sixth, at turn 17, a 30-turn
    # lowtide play drifted into "Use your car to get to the nearest store"
    assert len(w.events) == 12
    assert w.setting and w.style and w.genre
    assert len(w.characters) >= 2
    # the truth of the people, things and places the events bring in: with 5 to 7 entries, asked where a coin came
    # from, the model's assayer said "It's from your boots", and its people were "a miner named William Smith"
    assert len(w.lore) >= 12
    assert any(e.always for e in w.lore) and sum(1 for e in w.lore if e.keys) >= 3
    assert all(len(e.text.split()) <= 45 for e in w.lore), "lore entries stay short"
    assert 90 <= len(w.opening.split()) <= 160
    assert "\n" not in w.opening + w.premise + w.summary, "prose lines are joined with a trailing backslash"
    assert " you" in f" {w.opening.lower()}"
    assert len(w.first_choices) == 3 and len(set(w.first_choices)) == 3
    assert w.player.name and w.player.role
    assert w.content.tone and w.content.avoid
    assert "{player}" in str(w.snapshot())
    played = w.for_player("Quinn")
    assert "{player}" not in str(played.snapshot()) and "Quinn" in str(played.snapshot())


# --- list ----------------------------------------------------------------------------------

def test_list_shows_title_genre_and_file_and_broken_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./worlds here: the shipped folder beside the package is used
    shutil.copy(FIX / "minimal.toml", tmp_path / "mine.toml")
    shutil.copy(FIX / "unknown_field.toml", tmp_path / "typo.toml")
    code, out = run("worlds", "list", "--worlds-dir", str(tmp_path))
    assert code == 0
    for p in SHELF:
        w = load_world(p)
        line = next(row for row in out.splitlines() if row.endswith(p.name))
        assert w.title in line and w.genre in line
    mine = next(row for row in out.splitlines() if row.endswith("mine.toml"))
    assert mine.startswith("Minimal") and " - " in mine
    broken = next(row for row in out.splitlines() if "typo.toml" in row)
    assert "premise" in broken and "(+2 more)" in broken
    assert "1 broken world file" in out


def test_default_worlds_dirs_prefers_cwd_worlds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert default_worlds_dirs([]) == [REPO / "worlds"]
    (tmp_path / "worlds").mkdir()
    extra = tmp_path / "more"
    dirs = default_worlds_dirs([str(extra), str(extra)])
    assert [d.resolve() for d in dirs] == [(tmp_path / "worlds").resolve(), extra.resolve()]


def test_list_with_no_worlds_fails(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "worlds").mkdir()
    code, out = run("worlds", "list")
    assert code == 1 and "no world files" in out


# --- new --------------------------------------------------------------------------------------

def test_new_writes_a_template_that_validates(tmp_path):
    target = tmp_path / "mine.toml"
    code, out = run("worlds", "new", str(target))
    assert code == 0 and "wrote" in out
    assert target.read_text(encoding="utf-8") == template_text()
    assert target.read_text(encoding="utf-8").count("#") > 10, "the template is commented"
    w = load_world(target)
    assert w.title and w.opening and len(w.first_choices) == 3 and w.lore
    assert "\n" not in w.opening + w.premise
    code, out = run("worlds", "validate", str(target))
    assert code == 0


def test_new_covers_every_field():
    data = tomllib.loads(template_text())
    from rgpt_fiction.world.model import FIELDS

    assert set(FIELDS[""]) <= set(data)
    for table in ("player", "content"):
        assert set(FIELDS[table]) <= set(data[table])
    assert set(FIELDS["lore"]) <= set().union(*data["lore"])
    assert set(FIELDS["characters"]) <= set().union(*data["characters"])
    assert set(FIELDS["events"]) <= set().union(*data["events"])


def test_new_refuses_to_overwrite(tmp_path):
    target = tmp_path / "exists.toml"
    target.write_text("precious", encoding="utf-8")
    code, out = run("worlds", "new", str(target))
    assert code == 1 and "already exists" in out
    assert target.read_text(encoding="utf-8") == "precious"


def test_new_into_missing_folder(tmp_path):
    code, out = run("worlds", "new", str(tmp_path / "no" / "such" / "w.toml"))
    assert code == 1 and "does not exist" in out


# --- show ----------------------------------------------------------------------------------

def test_show_keys_and_always_without_the_embedder():
    path = REPO / "worlds" / "lanternfall.toml"
    code, out = run("worlds", "show", str(path), "--text", "We ran into the FERRYWOOD.", "--no-similarity")
    assert code == 0
    w = load_world(path)
    always = next(i for i, e in enumerate(w.lore) if e.always)
    ferry = next(i for i, e in enumerate(w.lore) if "Ferrywood" in e.keys)
    assert f"lore[{always}]  always" in out
    assert f"lore[{ferry}]  key: Ferrywood" in out
    assert "similar:" not in out


def test_show_substitutes_the_name(tmp_path):
    path = REPO / "worlds" / "lowtide.toml"
    code, out = run("worlds", "show", str(path), "--text", "my licence", "--name", "Mara", "--no-similarity")
    assert code == 0 and "Mara lost the PI licence" in out and "{player}" not in out


def test_show_left_out_over_budget():
    path = REPO / "worlds" / "perihelion.toml"
    code, out = run("worlds", "show", str(path), "--text", "oxygen jet gravity Ceres anchor",
                    "--no-similarity", "--max-entries", "2")
    assert code == 0 and "left out" in out


def test_show_broken_world_fails_cleanly():
    code, out = run("worlds", "show", str(FIX / "latin1.toml"), "--text", "x", "--no-similarity")
    assert code == 1 and "UTF-8" in out


def test_no_subcommand_prints_help():
    code, out = run("worlds")
    assert code == 2 and "validate" in out and "show" in out


def test_module_does_not_import_torch():
    code = subprocess.run(
        [sys.executable, "-c", "import sys, rgpt_fiction.world.commands, rgpt_fiction.world; "
                               "sys.exit(1 if 'torch' in sys.modules or 'sentence_transformers' in sys.modules else 0)"],
        cwd=REPO, capture_output=True,
    ).returncode
    assert code == 0


@pytest.mark.slow
def test_show_with_the_real_embedder_finds_lore_by_similarity():
    """No key appears in the passage; the entry comes in by meaning alone."""
    path = REPO / "worlds" / "perihelion.toml"
    w = load_world(path)
    target = next(i for i, e in enumerate(w.lore) if "oxygen" in e.keys)
    passage = "She is breathing hard; how many hours of breathable gas are left in her tanks?"
    assert all(k.casefold() not in passage.casefold().split() for k in w.lore[target].keys)
    code, out = run("worlds", "show", str(path), "--text", passage)
    assert code == 0, out
    assert f"lore[{target}]  similar: 0." in out
    assert "nearest by similarity" in out


def test_a_reader_closing_the_pipe_early_gets_no_error(tmp_path):
    """`rgpt-fiction worlds list | head -1` on a long shelf: no traceback, no 'Exception ignored'."""
    for i in range(1200):
        shutil.copy(FIX / "minimal.toml", tmp_path / f"w{i:04}.toml")
    proc = subprocess.Popen([sys.executable, "-m", "rgpt_fiction", "worlds", "list", "--worlds-dir", str(tmp_path)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # what `head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0 and err == ""
