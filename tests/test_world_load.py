"""World files: loading, validation errors (file, field, line), snapshots and {player}."""

from __future__ import annotations

from pathlib import Path

import pytest

from rgpt_fiction.world import Lore, Problem, World, WorldError, load_world
from rgpt_fiction.world.lines import line_index
from rgpt_fiction.world.load import parse_world

FIX = Path(__file__).parent / "fixtures" / "worlds"


def problems(name: str) -> list[Problem]:
    with pytest.raises(WorldError) as info:
        load_world(FIX / name)
    err = info.value
    assert err.problems, "a WorldError always lists at least one problem"
    assert str(err) == "\n".join(str(p) for p in err.problems)
    for p in err.problems:
        assert p.file == str(FIX / name)
    return err.problems


def by_field(ps: list[Problem]) -> dict[str, Problem]:
    return {p.field: p for p in ps}


def test_minimal_world_loads_with_defaults():
    w = load_world(FIX / "minimal.toml")
    assert w.schema_ == 1
    assert w.title == "Minimal"
    assert w.player.name == "Traveller"
    assert w.lore == [] and w.first_choices == [] and w.content.avoid == []


def test_problem_str_format():
    assert str(Problem("w.toml", "lore[2].text", "must not be empty", 14)) == "w.toml:14: lore[2].text: must not be empty"
    assert str(Problem("w.toml", "", "the file is empty")) == "w.toml: the file is empty"
    assert str(Problem("w.toml", "", "bad", 3, 7)) == "w.toml:3:7: bad"


def test_syntax_error_names_line_and_column():
    [p] = problems("syntax_error.toml")
    assert p.line == 4 and p.column == 34
    assert "TOML syntax error" in p.message and "line 4, column 34" in p.message
    assert str(p).startswith(f"{FIX / 'syntax_error.toml'}:4:34: ")


def test_syntax_error_at_end_of_document():
    with pytest.raises(WorldError) as info:
        parse_world('schema = 1\ntitle = "x"\nlist = [1, 2', "end.toml")
    [p] = info.value.problems
    assert "TOML syntax error" in p.message and p.line == 3


def test_missing_required_fields_name_field_and_line():
    ps = by_field(problems("missing_field.toml"))
    assert set(ps) == {"premise", "lore[0].text"}
    assert "missing" in ps["premise"].message
    assert ps["lore[0].text"].line == 5  # the [[lore]] header where text is missing


def test_wrong_types_name_field_line_and_what_was_found():
    ps = by_field(problems("wrong_type.toml"))
    assert set(ps) == {"genre", "first_choices", "lore[0].always"}
    assert ps["genre"].line == 5 and "must be text" in ps["genre"].message and "42" in ps["genre"].message
    assert ps["first_choices"].line == 6 and "array of strings" in ps["first_choices"].message
    assert ps["lore[0].always"].line == 14 and "true or false" in ps["lore[0].always"].message


def test_empty_required_string():
    [p] = problems("empty_string.toml")
    assert (p.field, p.line, p.message) == ("title", 2, "must not be empty")


def test_unsupported_schema_version():
    [p] = problems("bad_schema.toml")
    assert p.field == "schema" and p.line == 1
    assert "unsupported schema version 2" in p.message


@pytest.mark.parametrize("text, expect", [
    ('title = "t"\nsummary = "s"\npremise = "p"\n', "missing"),
    ('schema = "1"\ntitle = "t"\nsummary = "s"\npremise = "p"\n', "whole number 1"),
    ('schema = true\ntitle = "t"\nsummary = "s"\npremise = "p"\n', "whole number 1"),
    ('schema = 1.0\ntitle = "t"\nsummary = "s"\npremise = "p"\n', "whole number 1"),
])
def test_schema_missing_or_mistyped(text, expect):
    with pytest.raises(WorldError) as info:
        parse_world(text, "s.toml")
    [p] = info.value.problems
    assert p.field == "schema" and expect in p.message


def test_unknown_fields_suggest_the_nearest_known_field():
    ps = by_field(problems("unknown_field.toml"))
    assert ps["premis"].message == "unknown field 'premis' (did you mean 'premise'?)"
    assert ps["premis"].line == 4
    assert "did you mean 'name'?" in ps["player.nmae"].message and ps["player.nmae"].line == 7
    assert "premis" in ps["premise"].message  # the missing field points at its misspelt twin


def test_unknown_field_without_a_near_match_lists_known_fields():
    with pytest.raises(WorldError) as info:
        parse_world('schema = 1\ntitle = "t"\nsummary = "s"\npremise = "p"\n[player]\nxyzzy = 1\n', "u.toml")
    [p] = info.value.problems
    assert p.field == "player.xyzzy" and "known fields: name, role, description" in p.message


def test_top_level_field_after_a_table_header_is_explained():
    text = 'schema = 1\ntitle = "t"\nsummary = "s"\n[player]\nname = "A"\npremise = "p"\n'
    with pytest.raises(WorldError) as info:
        parse_world(text, "t.toml")
    msgs = {p.field: p for p in info.value.problems}
    assert "before the first [table] header" in msgs["player.premise"].message
    assert msgs["player.premise"].line == 6


def test_sub_table_field_at_top_level_suggests_the_table():
    text = 'schema = 1\ntitle = "t"\nsummary = "s"\npremise = "p"\ntone = "grim"\n'
    with pytest.raises(WorldError) as info:
        parse_world(text, "t.toml")
    [p] = info.value.problems
    assert "under [content]" in p.message


@pytest.mark.parametrize("name", ["empty.toml", "blank.toml"])
def test_empty_file(name):
    [p] = problems(name)
    assert "empty" in p.message


def test_binary_file():
    [p] = problems("binary.toml")
    assert "binary" in p.message


def test_non_utf8_file_names_the_byte_and_place():
    [p] = problems("latin1.toml")
    assert "UTF-8" in p.message and "0xe9" in p.message
    assert (p.line, p.column) == (2, 13)


def test_utf16_file(tmp_path):
    f = tmp_path / "w16.toml"
    f.write_bytes('schema = 1\ntitle = "t"\n'.encode("utf-16"))
    with pytest.raises(WorldError) as info:
        load_world(f)
    assert "UTF-16" in str(info.value)


def test_utf8_bom_is_accepted(tmp_path):
    f = tmp_path / "bom.toml"
    f.write_bytes(b"\xef\xbb\xbf" + (FIX / "minimal.toml").read_bytes())
    assert load_world(f).title == "Minimal"


def test_missing_file_and_directory(tmp_path):
    for target in (tmp_path / "nope.toml", tmp_path):
        with pytest.raises(WorldError) as info:
            load_world(target)
        assert "cannot read" in str(info.value)


def test_all_errors_reported_at_once_in_line_order():
    ps = problems("several_errors.toml")
    fields = [p.field for p in ps]
    assert fields == [
        "schema", "title", "settting", "first_choices[1]", "characters[0].name", "lore[1].text", "lore[1].always",
    ]
    assert [p.line for p in ps] == [1, 2, 5, 6, 8, 15, 17]
    assert "did you mean 'setting'?" in ps[2].message


def test_blank_list_items_are_errors():
    text = 'schema = 1\ntitle = "t"\nsummary = "s"\npremise = "p"\nfirst_choices = ["a", "  "]\n' \
           '[[lore]]\nkeys = ["ok", ""]\ntext = "t"\n[content]\navoid = [""]\nnot_in_world = ["radio", " "]\n'
    with pytest.raises(WorldError) as info:
        parse_world(text, "b.toml")
    got = {p.field: p.line for p in info.value.problems}
    assert got == {"first_choices[1]": 5, "lore[0].keys[1]": 7, "content.avoid[0]": 10, "content.not_in_world[1]": 11}
    good = parse_world(text.replace('avoid = [""]', 'avoid = []').replace('" "]', '"motor car"]')
                       .replace('"a", "  "', '"a"').replace('"ok", ""', '"ok"'), "b.toml")
    assert good.content.not_in_world == ["radio", "motor car"]


def test_lore_written_as_a_table_instead_of_array_of_tables():
    text = 'schema = 1\ntitle = "t"\nsummary = "s"\npremise = "p"\n[lore]\ntext = "x"\n'
    with pytest.raises(WorldError) as info:
        parse_world(text, "l.toml")
    [p] = info.value.problems
    assert p.field == "lore" and "[[lore]]" in p.message and p.line == 5


def test_misspelt_placeholder_is_caught():
    text = 'schema = 1\ntitle = "t"\nsummary = "s"\npremise = "{Player} and {playr} go; {other} stays."\n'
    with pytest.raises(WorldError) as info:
        parse_world(text, "p.toml")
    msgs = [p.message for p in info.value.problems]
    assert len(msgs) == 2 and all("did you mean '{player}'" in m for m in msgs)


def test_line_index_follows_multiline_strings_and_inline_arrays():
    text = (
        'title = """\n'
        'fake = "inside a string"\n'
        '"""\n'
        'first_choices = [\n'
        '  "a = b",  # comment [\n'
        '  "c",\n'
        ']\n'
        '[[lore]]\n'
        'text = "x"\n'
        '[[lore]]\n'
        'keys = ["k"]\n'
        'lore_inline = [{text = "a"}, {text = "b"}]\n'
    )
    idx = line_index(text)
    assert ("fake",) not in idx
    assert idx[("first_choices", 0)] == 5 and idx[("first_choices", 1)] == 6
    assert idx[("lore", 1)] == 10 and idx[("lore", 1, "keys")] == 11
    assert idx[("lore", 1, "lore_inline", 1)] == 12


def test_inline_lore_entries_get_lines():
    text = ('schema = 1\ntitle = "t"\nsummary = "s"\npremise = "p"\nlore = [\n'
            '  {text = "a"},\n  {keys = ["b"]},\n]\n')
    with pytest.raises(WorldError) as info:
        parse_world(text, "i.toml")
    [p] = info.value.problems
    assert (p.field, p.line) == ("lore[1].text", 7)


# --- the World object -----------------------------------------------------------------

def full_world() -> World:
    return parse_world(
        'schema = 1\ntitle = "T"\nsummary = "S for {player}"\npremise = "{player} must win."\n'
        'opening = "You, {player}, stand."\nfirst_choices = ["Run, {player}!", "Wait."]\n'
        '[player]\nname = "Ann"\n[[characters]]\nname = "Bo"\ndescription = "Friend of {player}."\n'
        '[[lore]]\nkeys = ["{player}"]\ntext = "{player} was born here."\nalways = true\n'
        '[content]\ntone = "t"\navoid = ["hurting {player}"]\n'
    )


def test_for_player_substitutes_every_text_field():
    w = full_world().for_player("Zoë")
    flat = str(w.snapshot())
    assert "{player}" not in flat
    assert w.premise == "Zoë must win."
    assert w.summary == "S for Zoë" and w.opening == "You, Zoë, stand."
    assert w.first_choices[0] == "Run, Zoë!"
    assert w.characters[0].description == "Friend of Zoë."
    assert w.lore[0] == Lore(keys=["Zoë"], text="Zoë was born here.", always=True)
    assert w.content.avoid == ["hurting Zoë"]


def test_for_player_leaves_the_original_alone():
    w = full_world()
    w.for_player("Zoë")
    assert w.premise == "{player} must win."


def test_snapshot_round_trip():
    w = full_world()
    snap = w.snapshot()
    assert snap["schema"] == 1 and "schema_" not in snap
    assert World.from_snapshot(snap) == w


def test_strings_are_stripped():
    w = parse_world('schema = 1\ntitle = "  T  "\nsummary = """\n  S\n"""\npremise = "p"\n')
    assert w.title == "T" and w.summary == "S"


def test_an_event_without_text_or_with_a_misspelt_field_names_the_entry_and_its_line():
    text = ('schema = 1\ntitle = "t"\nsummary = "s"\npremise = "p"\n\n[[events]]\ntext = "A bell rings."\n'
            'choices = ["Listen"]\n\n[[events]]\nchoice = ["Run"]\n')
    with pytest.raises(WorldError) as info:
        parse_world(text, "e.toml")
    ps = by_field(info.value.problems)
    assert set(ps) == {"events[1].text", "events[1].choice"}
    assert "missing" in ps["events[1].text"].message and ps["events[1].text"].line == 10
    assert ps["events[1].choice"].message == "unknown field 'choice' in a [[events]] entry (did you mean 'choices'?)"
    good = parse_world(text.replace("choice = ", 'text = "The lamp goes out."\nchoices = '), "e.toml")
    assert [(e.text, e.choices) for e in good.events] == [("A bell rings.", ["Listen"]), ("The lamp goes out.", ["Run"])]
