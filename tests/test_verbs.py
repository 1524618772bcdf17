"""The story verbs, declared once in `rgpt_fiction/verbs.py`: line mode's commands, `/help` and dispatch
come from the table, and every command in it does what it says (without starting a process)."""

import io

import pytest

from engine_helpers import drain
from rgpt_fiction.headless import HANDLERS, Printer, _command
from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.verbs import VERBS, commands, parse_command


def test_every_verb_is_offered_somewhere_and_named_once():
    names = [v.name for v in VERBS]
    assert len(names) == len(set(names))
    for v in VERBS:
        assert v.key or v.command or v.title, v.name
        assert not v.key or v.label, f"{v.name}: a key needs a label for the footer and the help screen"
        assert not v.command or v.help, f"{v.name}: a command needs its /help line"
    commands_typed = [v.command for v in commands()]
    assert len(commands_typed) == len(set(commands_typed))


def test_line_mode_handles_exactly_the_verbs_that_have_a_command():
    assert set(HANDLERS) == {v.name for v in commands()}


@pytest.mark.parametrize("line, name, arg", [
    ("/undo", "undo", ""), ("/alt next", "alt_next", ""), ("/alt   prev", "alt_prev", ""),
    ("/goto 3", "goto", "3"), ("/quit", "leave", ""), ("/help", "help", ""), ("  /tree ", "tree", ""),
])
def test_a_command_line_names_its_verb(line, name, arg):
    verb, got = parse_command(line)
    assert (verb.name, got) == (name, arg)


@pytest.mark.parametrize("line", ["/alt sideways", "/alt", "/nonsense", "/", "/Undo"])
def test_a_line_no_verb_has_is_not_a_command(line):
    assert parse_command(line) is None


async def _run(story, line):
    out = io.StringIO()
    going_on = await _command(story, line, Printer(out))
    return going_on, out.getvalue()


async def test_each_command_does_what_its_help_says(open_game):
    story, _ = open_game(ScriptedModel())
    await drain(story.start())
    await drain(story.play(story.plans[0]))
    first, second = story.game.path()[0].id, story.node.id

    going_on, out = await _run(story, "/help")
    assert going_on and all(f"  {v.usage}" in out and v.help in out for v in commands())
    _, out = await _run(story, "/undo")
    assert story.node.id == first and story.node.paragraph[:40] in " ".join(out.split())
    _, out = await _run(story, "/undo")
    assert "(already at the opening)" in out
    _, out = await _run(story, "/redo")
    assert story.node.id == second
    _, out = await _run(story, "/alt next")
    assert "(no other version that way)" in out
    _, out = await _run(story, "/tree")
    assert f"* [{second}]" in out
    _, out = await _run(story, f"/goto {first}")
    assert story.node.id == first
    _, out = await _run(story, "/goto 99")
    assert "There is no turn '99'" in out and story.node.id == first
    _, out = await _run(story, "/memory")
    assert out.startswith("Short-term memory: ") and "Facts: " in out
    _, out = await _run(story, "/plans")
    assert "  1. " in out
    await _run(story, f"/goto {second}")
    _, out = await _run(story, "/retry")
    again = story.node
    assert again.id not in (first, second) and again.parent == first  # a second version of the turn
    _, out = await _run(story, "/alt prev")
    assert story.node.id == second
    _, out = await _run(story, "/alt next")
    assert story.node.id == again.id
    going_on, out = await _run(story, "/nonsense")
    assert going_on and "Unknown command '/nonsense'" in out and "/undo" in out
    going_on, _ = await _run(story, "/quit")
    assert going_on is False
