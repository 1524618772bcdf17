"""Global options mean the same before or after the command, for every command (the parser is walked)."""

import argparse

import pytest

from rgpt_fiction import cli

# what each command needs besides global options, to parse at all
REQUIRED = {
    ("play",): [],
    ("autoplay",): ["--slot", "s"],
    ("saves", "list"): [],
    ("export",): ["slot1"],
    ("worlds", "list"): [],
    ("worlds", "validate"): ["w.toml"],
    ("worlds", "new"): ["w.toml"],
    ("worlds", "show"): ["w.toml", "--text", "a lantern"],
}


def commands(parser: argparse.ArgumentParser, path=()):
    """Every runnable command path of the parser, found by walking its subcommands."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path
        return
    if path:
        yield path  # a command with subcommands (e.g. `saves`) may be given alone
    for action in subs:
        for name, sub in action.choices.items():
            yield from commands(sub, path + (name,))


def value(flag: str) -> str:
    return "on" if flag == "--structured" else f"value-of{flag}"


def global_values(args: argparse.Namespace) -> dict:
    return {flag: getattr(args, cli._dest(flag)) for flag, _ in cli.GLOBAL_OPTIONS}


def test_the_walk_finds_every_command():
    found = set(commands(cli.build_parser()))
    assert set(REQUIRED) <= found and {("saves",), ("worlds",)} <= found


@pytest.mark.parametrize("path", sorted(REQUIRED))
@pytest.mark.parametrize("flag", [flag for flag, _ in cli.GLOBAL_OPTIONS])
def test_a_global_option_before_or_after_the_command_means_the_same(path, flag):
    rest = [*path, *REQUIRED[path]]
    before = global_values(cli.parse_args([flag, value(flag), *rest]))
    after = global_values(cli.parse_args([*rest, flag, value(flag)]))
    assert before == after
    expected = [value(flag)] if flag == "--worlds-dir" else value(flag)
    assert before[flag] == expected
    neither = global_values(cli.parse_args(rest))
    assert neither[flag] in (None, [])


def test_every_global_option_reaches_the_settings():
    args = cli.parse_args(["--model", "openai/m", "--api-base", "http://h/v1", "--structured", "off",
                           "--saves-dir", "elsewhere", "play", "--headless"])
    s = cli._settings(args)
    assert (s.model, s.api_base, s.structured, s.saves_dir) == ("openai/m", "http://h/v1", "off", "elsewhere")


def test_after_the_command_wins_and_repeatable_ones_add_up():
    args = cli.parse_args(["--model", "a/first", "--worlds-dir", "one", "play", "--model", "b/second",
                           "--worlds-dir", "two"])
    assert args.model == "b/second" and args.worlds_dir == ["one", "two"]


def test_saves_dir_before_the_command_lists_that_folder(tmp_path, capsys):
    assert cli.main(["--saves-dir", str(tmp_path / "mine"), "saves", "list"]) == 0
    assert f"no save slots in {tmp_path / 'mine'}" in capsys.readouterr().out
    assert cli.main(["saves", "list", "--saves-dir", str(tmp_path / "mine")]) == 0
    assert f"no save slots in {tmp_path / 'mine'}" in capsys.readouterr().out


def test_the_game_start_path_parses_the_same_without_the_worlds_validators():
    lean = cli.parse_args(["--model", "m/x", "play", "--api-base", "u"], with_worlds=False)
    full = cli.parse_args(["--model", "m/x", "play", "--api-base", "u"], with_worlds=True)
    assert global_values(lean) == global_values(full)
