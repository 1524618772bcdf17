"""Line mode's co-author commands: /edit [N], /pin TEXT, /unpin N and /inspect [N] (the verbs of
`verbs.py`; headless.py dispatches them with the rest).

`/edit` opens $VISUAL or $EDITOR on the paragraph when the input is a terminal and one is set;
otherwise it takes the new paragraph from the next lines, up to a line holding a single `.`. When
the edited turn is not the last one, it asks whether to write the turns after it again from their
plans (each a normal turn, shown as it is written) or keep them as they were.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
import tempfile
from typing import TYPE_CHECKING, Awaitable, Callable, TextIO

from .engine.edit import Later
from .engine.events import TurnError
from .engine.state import Node
from .engine.trace_view import path_turn, render_text
from .errors import ReaderError

if TYPE_CHECKING:
    from .engine.story import Story
    from .headless import Printer

END = "."  # the line that ends a paragraph typed in line mode


def _turn(story: Story, arg: str, command: str) -> Node:
    """Turn `arg` of the path (a number from 0, the opening), or the current one when `arg` is empty."""
    if not arg:
        return story.node
    if not arg.isdigit():
        raise ReaderError(f"{command} takes a turn number (0 is the opening; the status shows the turn), not {arg!r}")
    return path_turn(story.game, int(arg))


def _editor(inp: TextIO) -> list[str]:
    """The reader's editor command, when the input is a terminal and one is set; [] otherwise."""
    try:
        tty = inp.isatty()
    except (AttributeError, ValueError):
        tty = False
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ""
    return shlex.split(command) if tty and command.strip() else []


def _edit_in(editor: list[str], text: str) -> str | None:
    """`text` edited in the reader's editor; None when the editor failed (the reason is raised)."""
    fd, name = tempfile.mkstemp(prefix="rgpt-paragraph-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        done = subprocess.run([*editor, name], check=False)
        if done.returncode != 0:
            raise ReaderError(f"the editor ({editor[0]}) ended with status {done.returncode}: the paragraph is unchanged")
        with open(name, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        raise ReaderError(f"the editor {editor[0]!r} was not found: set $EDITOR, or type the paragraph "
                          "(run without a terminal, /edit reads the lines that follow)") from None
    finally:
        os.unlink(name)


async def _typed(inp: TextIO, printer: Printer) -> str:
    """Lines typed (or piped) up to a line holding a single '.', joined; the end of input ends them too."""
    from .headless import read_line

    echo = not _is_tty(inp)
    lines: list[str] = []
    while True:
        line = await read_line(inp)
        if echo and line:
            printer.line(line.rstrip("\r\n"))
        if not line or line.strip() == END:
            return "\n".join(lines)
        lines.append(line.rstrip("\r\n"))


async def _ask_later(inp: TextIO, printer: Printer, after: int) -> Later | None:
    from .headless import read_line

    turns = "the turn" if after == 1 else f"the {after} turns"
    printer.line(f"{turns.capitalize()} after it: (k)eep as they are, (r)ewrite from their plans, or (c)ancel? [k]")
    printer.out.write("> ")
    printer.out.flush()
    answer = (await read_line(inp)).strip().lower()
    if not _is_tty(inp):
        printer.line(answer)
    if answer in ("", "k", "keep"):
        return "keep"
    if answer in ("r", "rewrite"):
        return "rewrite"
    return None


async def edit(story: Story, printer: Printer, arg: str) -> None:
    from .headless import run_turn, show_state

    inp = printer.inp
    node = _turn(story, arg, "/edit")
    if inp is None:
        raise ReaderError("/edit needs to read the new paragraph, and this session has no input")
    path = story.game.path_ids()
    after = len(path) - 1 - path.index(node.id)
    editor = _editor(inp)
    if editor:
        text = await asyncio.to_thread(_edit_in, editor, node.paragraph)
    else:
        printer.line(f"Turn {node.depth} as it is:")
        printer.paragraph(node.paragraph)
        printer.line(f"Type the new paragraph; end with a line holding a single '{END}' (an empty paragraph "
                     "is refused).")
        text = await _typed(inp, printer)
    asked = await _ask_later(inp, printer, after) if after else "keep"
    if asked is None:
        printer.line("(edit cancelled: the story is as it was)")
        return
    later: Later = asked
    printer.line()
    try:
        await run_turn(story.edit(node.id, text or "", later), printer, plans=not after)
        while story.rewriting:
            plan, _ = story.rewriting[0]
            printer.line(f"\n(writing again: {plan})\n")
            await run_turn(story.rewrite_next(), printer)
    except TurnError as exc:
        printer.line(f"The edit failed: {exc}\nNothing was lost: /undo goes back to the story before the edit.")
        return
    if after and later == "keep":
        printer.line(f"(your edit is kept, and the {after} turn(s) after it as they were; /undo takes the edit back)")
        show_state(story, printer)
    elif not after:
        printer.line("(your edit is kept; /undo takes it back)")


def pin(story: Story, printer: Printer, arg: str) -> None:
    pinned = story.pin(arg)
    printer.line(f"(pinned: it is in every prompt from the next turn on; {len(pinned)} pinned)")
    pins(story, printer)


def unpin(story: Story, printer: Printer, arg: str) -> None:
    if not arg.strip().isdigit():
        raise ReaderError("/unpin takes the number of a pinned fact (/memory lists them), e.g. /unpin 1")
    fact = story.unpin(int(arg))
    printer.line(f"(unpinned: {fact})")


def pins(story: Story, printer: Printer) -> None:
    pinned = story.node.pinned if story.game.nodes else []
    printer.line("Pinned: " + ("; ".join(f"{i}. {p}" for i, p in enumerate(pinned, 1)) or "(none; /pin TEXT)"))


def inspect(story: Story, printer: Printer, arg: str) -> None:
    if not story.game.nodes:
        raise ReaderError("the story has not started: there is no turn to inspect")
    printer.out.write(render_text(story.inspect(_turn(story, arg, "/inspect").id)))
    printer.out.flush()


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# line mode's handlers of the co-author verbs: (story, printer, argument) -> None or an awaitable
HANDLERS: dict[str, Callable[[Story, Printer, str], None | Awaitable[None]]] = {
    "edit": edit,
    "pin": pin,
    "unpin": unpin,
    "inspect": inspect,
}
