"""load_world never raises anything but WorldError, whatever the bytes; lore selection stays in budget."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rgpt_fiction.world import Lore, World, WorldError, load_world, select_lore
from rgpt_fiction.world.lines import line_index

FIX = Path(__file__).parent / "fixtures" / "worlds"
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        world = load_world(path)
    except WorldError as err:
        assert err.problems
        for p in err.problems:
            assert p.file == str(path) and isinstance(p.message, str) and p.message
            assert p.line is None or p.line >= 1
    else:
        assert isinstance(world, World)


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes(tmp_path, data):
    check(tmp_path / "fuzz.toml", data)


KEYS = ["schema", "title", "summary", "premise", "premis", "genre", "opening", "first_choices", "name",
        "text", "keys", "always", "tone", "avoid", "x.y", '"quoted key"', "player.name"]
HEADERS = ["[player]", "[[lore]]", "[[characters]]", "[content]", "[lore]", "[[player]]", "[a.b]", "[[lore.x]]"]
VALUES = st.one_of(
    st.sampled_from(['1', '2', '"text"', '""', "'lit'", 'true', '1.5', '[]', '["a", ""]', '[1, "a"]', '{a = 1}',
                     '"""\nmulti\n"""', '1979-05-27', '"{player} and {Player}"', '[[1], [2]]', '[', '"open']),
    st.text(max_size=20),
)
LINE = st.one_of(
    st.sampled_from(HEADERS),
    st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(KEYS), VALUES),
    st.text(max_size=30),
    st.just("# comment"),
)


@SETTINGS
@given(st.lists(LINE, max_size=25))
def test_random_tomlish_documents(tmp_path, lines):
    check(tmp_path / "fuzz.toml", "\n".join(lines).encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.data())
def test_mutated_valid_world(tmp_path, data):
    base = bytearray((FIX.parent.parent.parent / "worlds" / "lanternfall.toml").read_bytes())
    for _ in range(data.draw(st.integers(1, 5))):
        at = data.draw(st.integers(0, len(base) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "dup"]))
        if op == "flip":
            base[at] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del base[at:at + data.draw(st.integers(1, 40))]
        else:
            base[at:at] = base[at:at + data.draw(st.integers(1, 40))]
        if not base:
            break
    check(tmp_path / "fuzz.toml", bytes(base))


@SETTINGS
@given(st.text(max_size=300))
def test_line_index_never_raises(text):
    index = line_index(text)
    n = text.count("\n") + 1
    assert all(1 <= line <= n + 1 for line in index.values())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.lists(st.text(min_size=1, max_size=8).filter(str.strip), max_size=3),
                       st.text(min_size=1, max_size=200).filter(str.strip), st.booleans()), max_size=30),
    st.lists(st.text(max_size=60), max_size=3),
    st.lists(st.tuples(st.integers(-5, 40), st.floats(-1, 1)), max_size=10),
    st.integers(0, 200),
    st.integers(0, 8),
)
def test_select_lore_always_within_budget(entries, texts, similar, budget, max_entries):
    lore = [Lore(keys=k, text=t, always=a) for k, t, a in entries]
    hits = select_lore(lore, texts, similar, budget_words=budget, max_entries=max_entries)
    assert sum(len(h.text.split()) for h in hits) <= budget
    assert len(hits) <= max_entries
    assert len({h.index for h in hits}) == len(hits)
    assert all(0 <= h.index < len(lore) for h in hits)


def test_tomllib_is_what_we_think():
    """The syntax-error path relies on tomllib's "(at line N, column M)" suffix."""
    try:
        tomllib.loads("a = = 1")
    except tomllib.TOMLDecodeError as exc:
        assert "(at line 1, column 5)" in str(exc)
