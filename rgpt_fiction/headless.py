"""Plain line mode: play in any terminal or pipe. Its commands are the story verbs of `verbs.py`; the
printing (streamed paragraphs, plans, notes) is shared with the autoplay writer mode."""

from __future__ import annotations

import asyncio
import inspect
import textwrap
import threading
from typing import AsyncIterator, Callable, TextIO, assert_never

from .engine.events import Delta, Notice, Phase, PlansReady, Restart, TurnDone, TurnError, TurnEvent
from .engine.parsing import (CHOSE_FOR_READER, COPIED_MOSTLY, ECHOED_INSTRUCTIONS, FOREIGN_SCRIPT, FOUND_TOO_SOON, HERO_FELT,
                             HERO_NAMED, HERO_SPOKE, NOT_IN_WORLD, REPEATED_ITSELF, STOCK_LOOK, THE_DEAD_ACT, TOLD_AGAIN)
from .engine.story import PlanError, Story
from .coauthor_lines import HANDLERS as COAUTHOR, pins
from .engine.tree import render_tree
from .errors import ReaderError, transient
from .verbs import commands, parse_command


class Printer:
    """The reader's terminal: where the game writes (`out`) and, for the commands that read more than
    their line (/edit), where the reader types (`inp`)."""

    def __init__(self, out: TextIO, width: int = 80, inp: TextIO | None = None):
        self.out = out
        self.width = width
        self.inp = inp

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def paragraph(self, text: str) -> None:
        self.line(textwrap.fill(text, self.width))

    def plans(self, plans: list[str]) -> None:
        self.line()
        for i, plan in enumerate(plans, 1):
            self.line(textwrap.fill(f"  {i}. {plan}", self.width, subsequent_indent="     "))
        self.line()


class ProgressLine:
    """The first-start unpacking of the model file, as a bar on a terminal or two lines in a pipe."""

    WIDTH = 30

    def __init__(self, out: TextIO, what: str = "Unpacking the storyteller (first start only)"):
        self.out, self.what = out, what
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        pct = done * 100 // max(total, 1)
        if pct == self.shown:
            return
        if self.tty:
            filled = self.WIDTH * pct // 100
            self.out.write(f"\r{self.what}: [{'#' * filled}{'.' * (self.WIDTH - filled)}] {pct:3d} %"
                           f" of {total / 2**20:,.0f} MiB")
            if done >= total:
                self.out.write("\n")
        elif self.shown < 0:
            self.out.write(f"{self.what}: {total / 2**20:,.0f} MiB…\n")
        elif done >= total:
            self.out.write(f"{self.what}: done\n")
        self.out.flush()
        self.shown = pct


class Wrapper:
    """Streams text to a terminal word by word, wrapping at the width without splitting words."""

    def __init__(self, out: TextIO, width: int):
        self.out, self.width = out, width
        self.col = 0
        self.word = ""

    def feed(self, text: str) -> None:
        for ch in text:
            if ch in " \n":
                self._flush_word()
                if ch == "\n":
                    self.out.write("\n")
                    self.col = 0
            else:
                self.word += ch
        self.out.flush()

    def _flush_word(self) -> None:
        if not self.word:
            return
        if self.col and self.col + 1 + len(self.word) > self.width:
            self.out.write("\n")
            self.col = 0
        elif self.col:
            self.out.write(" ")
            self.col += 1
        self.out.write(self.word)
        self.col += len(self.word)
        self.word = ""

    def end(self) -> None:
        self._flush_word()
        if self.col:
            self.out.write("\n")
        self.col = 0
        self.out.flush()


async def run_turn(events: AsyncIterator[TurnEvent], printer: Printer, stream: bool = True,
                   plans: bool = True) -> TurnDone | None:
    """Show a turn's events as they come, and (with `plans`) the next plans as soon as they are
    written, while the memory is still being written; returns the TurnDone event."""
    wrap = Wrapper(printer.out, printer.width)
    done: TurnDone | None = None
    shown = False
    async for event in events:
        match event:
            case Delta(text=text):
                if stream:
                    wrap.feed(text)
            case Restart(reason=reason):
                if stream:
                    wrap.end()
                    printer.line(f"[{reason}]")
            case Notice(text=text):
                wrap.end()
                printer.line(f"({text})")
            case Phase():
                pass  # line mode shows the text itself, not what the storyteller is doing
            case PlansReady(plans=early):
                if stream and plans:
                    _end_paragraph(wrap, printer, None)
                    printer.plans(early)
                    shown = True
            case TurnDone():
                done = event
            case _:
                assert_never(event)
    if stream and not shown:
        _end_paragraph(wrap, printer, done)
    elif stream and done is not None and _cut_note(printer, done) and plans:
        printer.plans(done.node.plans)  # again, under the paragraph as the story keeps it
    if stream and plans and not shown and done is not None:
        printer.plans(done.node.plans)
    return done


def _end_paragraph(wrap: Wrapper, printer: Printer, done) -> None:
    wrap.end()
    if done is not None:
        _cut_note(printer, done)


def _cut_note(printer: Printer, done) -> bool:
    """When the story keeps less than streamed past: say what was cut and print the paragraph as kept."""
    cut = [_CUT_NOTES[r] for r in done.stats.repairs if r in _CUT_NOTES]
    if cut:  # what streamed past is already on the reader's screen; the story keeps less: show it
        printer.line(f"(not kept in the story: {' and '.join(cut)}; the story keeps it as:)")
        printer.line()
        printer.paragraph(done.node.paragraph)
    return bool(cut)


_CUT_NOTES = {
    ECHOED_INSTRUCTIONS: "sentences in which the storyteller repeated its instructions",
    CHOSE_FOR_READER: "the ending that chose for you",
    HERO_NAMED: "sentences that named you as if you were someone else",
    HERO_SPOKE: "words the storyteller gave you to say",
    HERO_FELT: "feelings the storyteller named for you",
    STOCK_LOOK: "someone's look in stock words",
    THE_DEAD_ACT: "sentences in which someone dead acted",
    FOUND_TOO_SOON: "sentences that found what the story has not yet brought to light",
    NOT_IN_WORLD: "sentences naming what this world has not got",
    FOREIGN_SCRIPT: "sentences in a script the story does not use",
    REPEATED_ITSELF: "sentences the storyteller told twice",
    TOLD_AGAIN: "sentences copied word for word from earlier in the story",
    COPIED_MOSTLY: "sentences copied word for word from earlier in the story",
}


_AFTER_FAILURE = {
    True: "Nothing was lost; type your choice again to retry.",
    False: "Nothing was lost. Fix the cause first: leave with an empty line, then run the same command "
           "(with the right --model, --api-base or environment) to continue where you are.",
}


def show_state(story: Story, printer: Printer) -> None:
    printer.line()
    printer.paragraph(story.node.paragraph)
    printer.plans(story.plans)


def _help(printer: Printer) -> None:
    printer.line("Type a plan's number to take it, or write what you do next. Commands:")
    for verb in commands():
        printer.line(f"  {verb.usage:12} {verb.help}")


QUIT = object()  # what the /quit handler returns


async def _retry(story: Story, printer: Printer):
    try:
        await run_turn(story.retry(), printer)
    except TurnError as exc:
        printer.line(f"The turn failed: {exc}\n{_AFTER_FAILURE[transient(exc)]}")


def _tree(story: Story, printer: Printer):
    printer.line("The tree of turns (* where you are, > the path to it, [id] for /goto):")
    printer.line(render_tree(story.game))


def _goto(story: Story, printer: Printer, arg: str):
    if arg.isdigit() and int(arg) in story.game.nodes:
        return story.goto(int(arg))
    printer.line(f"There is no turn {arg!r} to go to: /tree shows the turns with their ids.")
    return None


def _memory(story: Story, printer: Printer):
    printer.line("Short-term memory: " + story.node.memory)
    printer.line("Facts: " + ("; ".join(story.node.facts) or "(none)"))
    pins(story, printer)


# Each line-mode verb (rgpt_fiction.verbs) and what it does: (story, printer, argument) -> the turn moved to,
# if any (the paragraph and plans are shown again), or QUIT.
HANDLERS: dict[str, Callable[[Story, Printer, str], object]] = {
    "undo": lambda story, printer, _: story.undo() or printer.line("(already at the opening)"),
    "redo": lambda story, printer, _: story.redo() or printer.line("(nothing to redo)"),
    "retry": lambda story, printer, _: _retry(story, printer),
    "alt_prev": lambda story, printer, _: story.alt(-1) or printer.line("(no other version that way)"),
    "alt_next": lambda story, printer, _: story.alt(1) or printer.line("(no other version that way)"),
    "tree": lambda story, printer, _: _tree(story, printer),
    "goto": _goto,
    "memory": lambda story, printer, _: _memory(story, printer),
    "plans": lambda story, printer, _: show_state(story, printer),
    "help": lambda story, printer, _: _help(printer),
    "leave": lambda story, printer, _: QUIT,
    **COAUTHOR,  # /edit, /pin, /unpin, /inspect (coauthor_lines.py)
}


async def _command(story: Story, line: str, printer: Printer) -> bool:
    """Run a /command. Returns False when the reader wants to quit."""
    parsed = parse_command(line)
    if parsed is None:
        printer.line(f"Unknown command {line!r}.")
        _help(printer)
        return True
    verb, arg = parsed
    try:
        moved = HANDLERS[verb.name](story, printer, arg)
        if inspect.isawaitable(moved):
            moved = await moved
    except ReaderError as exc:  # an edit, a pin or a turn number that cannot be used: said, and nothing changed
        printer.line(str(exc))
        return True
    if moved is QUIT:
        return False
    if moved is not None:
        show_state(story, printer)
    if story.save_error:
        printer.line(f"Warning: not saved ({story.save_error}); the story is kept in memory.")
    return True


async def read_line(inp: TextIO) -> str:
    """A line from the reader, read in a daemon thread: asyncio joins its own worker threads at exit,
    and a readline that never returns would keep Ctrl+C at the prompt from ending the game."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future = loop.create_future()

    def deliver(line, exc):
        if not done.done():
            done.set_exception(exc) if exc is not None else done.set_result(line)

    def work():
        line, error = "", None
        try:
            line = inp.readline()
        except Exception as exc:  # noqa: BLE001 - raised in the game's own task
            error = exc
        try:
            loop.call_soon_threadsafe(deliver, line, error)
        except RuntimeError:  # the game has ended meanwhile
            pass

    threading.Thread(target=work, name="read-line", daemon=True).start()
    return await done


async def play_lines(story: Story, inp: TextIO, printer: Printer) -> int:
    """The reader's loop: a number picks a plan, other text is their own plan, /commands; an empty line
    shows the plans again; /quit or the end of the input ends. Piped input is echoed after the prompt,
    so the transcript reads as a session."""
    echo = not _is_tty(inp)
    if printer.inp is None:
        printer.inp = inp
    if not story.game.nodes:
        await run_turn(story.start(), printer)
    else:
        printer.line(f"(continuing '{story.game.world.title}' at turn {story.game.turn})")
        show_state(story, printer)
    while True:
        printer.out.write("> ")
        printer.out.flush()
        line = await read_line(inp)
        if echo:
            printer.line(line.rstrip("\r\n"))
        if not line:  # the end of the input
            printer.line("\n(saved; run the same command again to continue)")
            return 0
        line = line.strip()
        if not line:  # a stray Enter never ends the game
            printer.plans(story.plans)
            printer.line("(a number takes a plan; /help lists the commands; /quit saves and leaves)")
            continue
        if line.startswith("/"):
            if not await _command(story, line, printer):
                printer.line("(saved)")
                return 0
            continue
        if line.isdigit() and 1 <= int(line) <= len(story.plans):
            plan, own = story.plans[int(line) - 1], False
        elif line.isdigit():
            printer.line(f"There are {len(story.plans)} plans: type 1 to {len(story.plans)}, or write your own.")
            continue
        else:
            plan, own = line, True
        try:
            printer.line()
            await run_turn(story.play(plan, own=own), printer)
        except PlanError as exc:
            printer.line(str(exc))
            continue
        except TurnError as exc:
            printer.line(f"\nThe turn failed: {exc}\n{_AFTER_FAILURE[transient(exc)]}")
            printer.plans(story.plans)
            continue
        if story.save_error:
            printer.line(f"Warning: not saved ({story.save_error}); the story is kept in memory.")


def _is_tty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
