"""Line mode's co-author commands: /edit (typed lines up to '.', or $EDITOR at a terminal), /pin,
/unpin, /inspect, each refusal a clear line that leaves the story as it was."""

from __future__ import annotations

import io
import sys

from engine_helpers import drain
from rgpt_fiction.headless import Printer, _command
from rgpt_fiction.llm.scripted import ScriptedModel

NEW = "A violet lighthouse keeper named Osric rows you across the bay while humming a funeral hymn."


async def run(story, line, typed=""):
    out = io.StringIO()
    going_on = await _command(story, line, Printer(out, inp=io.StringIO(typed)))
    return going_on, out.getvalue()


async def started(open_game, turns=2):
    story, slot = open_game(ScriptedModel())
    await drain(story.start())
    for _ in range(turns):
        await drain(story.play(story.plans[0]))
    return story


async def test_edit_takes_the_lines_up_to_a_dot_and_undo_takes_the_edit_back(open_game):
    story = await started(open_game)
    last = story.node
    going_on, out = await run(story, "/edit", f"{NEW}\n\nAnd the oars creak.\n.\n1\n")
    assert going_on and "end with a line holding a single '.'" in out
    assert story.node.paragraph == f"{NEW}\n\nAnd the oars creak." and story.node.edited_from == last.id
    assert "(your edit is kept; /undo takes it back)" in out and "  1. " in out  # the new plans shown
    await run(story, "/undo")
    assert story.node.id == last.id


async def test_edit_of_an_earlier_turn_asks_what_becomes_of_the_turns_after_it(open_game):
    story = await started(open_game, 3)
    path = story.game.path()
    _, out = await run(story, "/edit 1", f"{NEW}\n.\nk\n")
    assert "The 2 turns after it: (k)eep" in out
    now = story.game.path()
    assert now[1].paragraph == NEW and [n.paragraph for n in now[2:]] == [n.paragraph for n in path[2:]]
    assert "(your edit is kept, and the 2 turn(s) after it as they were" in out
    await run(story, "/undo")
    _, out = await run(story, "/edit 2", f"{NEW}\n.\nr\n")
    now = story.game.path()
    assert now[2].paragraph == NEW and now[3].plan == path[3].plan and now[3].paragraph != path[3].paragraph
    assert f"(writing again: {path[3].plan})" in out
    await run(story, "/undo")
    _, out = await run(story, "/edit 2", f"{NEW}\n.\nc\n")
    assert "(edit cancelled: the story is as it was)" in out and story.game.path() == path


async def test_an_empty_edit_or_a_turn_that_is_not_there_is_refused_in_one_clear_line(open_game):
    story = await started(open_game)
    path = story.game.path()
    going_on, out = await run(story, "/edit", "\n   \n.\n")
    assert going_on and "an empty paragraph cannot be saved" in out and "Traceback" not in out
    _, out = await run(story, "/edit 7")
    assert "there is no turn 7 on this story: its turns are 0 to 2" in out
    _, out = await run(story, "/edit two")
    assert "/edit takes a turn number" in out
    assert story.game.path() == path and len(story.game.nodes) == 3


async def test_edit_opens_the_readers_editor_at_a_terminal(open_game, tmp_path, monkeypatch):
    story = await started(open_game)
    editor = tmp_path / "editor.py"  # an "editor" that writes the new paragraph into the file it is given
    editor.write_text(f"import sys\nopen(sys.argv[1], 'w').write({NEW!r})\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.delenv("VISUAL", raising=False)

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = io.StringIO()
    await _command(story, "/edit", Printer(out, inp=Terminal("")))
    assert story.node.paragraph == NEW and "Type the new paragraph" not in out.getvalue()


async def test_pin_unpin_and_memory_list_the_pinned_facts(open_game):
    story = await started(open_game, 1)
    _, out = await run(story, "/pin Mara is alive")
    assert "(pinned:" in out and "Pinned: 1. Mara is alive" in out
    _, out = await run(story, "/memory")
    assert "Pinned: 1. Mara is alive" in out
    _, out = await run(story, "/pin")
    assert "the fact to pin is empty" in out
    _, out = await run(story, "/unpin 3")
    assert "there is no pinned fact 3" in out
    _, out = await run(story, "/unpin one")
    assert "/unpin takes the number" in out
    _, out = await run(story, "/unpin 1")
    assert "(unpinned: Mara is alive)" in out and story.node.pinned == []


async def test_inspect_shows_the_parts_the_recalls_and_the_answers_of_a_turn(open_game):
    story = await started(open_game, 6)
    _, out = await run(story, "/inspect")
    for heading in ("Recalled from long-term memory", "Call 1: the paragraph", "Call 2: the plans, memory and facts",
                    "the model's answer, as written", "Repairs"):
        assert heading in out, heading
    assert "short-term memory" in out and "tokens" in out
    _, out = await run(story, "/inspect 0")
    assert "Turn 0" in out
