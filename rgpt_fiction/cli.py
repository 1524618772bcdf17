"""Command line: the Textual game by default, plus headless commands.

    rgpt-fiction                          the game (Textual TUI)
    rgpt-fiction play --headless ...      plain line mode
    rgpt-fiction autoplay ...             the writer mode: a simulated reader
    rgpt-fiction saves list               the save slots
    rgpt-fiction worlds list|validate|new|show
    rgpt-fiction export SLOT --format md|json
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from .errors import ReaderError


class CliError(ReaderError):
    pass


# The options that mean the same for every command. Defined once here; accepted before the
# command (`rgpt-fiction --model M play ...`) and after it (`rgpt-fiction play --model M ...`).
GLOBAL_OPTIONS: tuple[tuple[str, dict], ...] = (
    ("--model", dict(metavar="MODEL", help="litellm model string (default: the embedded model; env RGPT_MODEL)")),
    ("--api-base", dict(metavar="URL", help="base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1 "
                                             "(env RGPT_API_BASE)")),
    ("--structured", dict(choices=("auto", "on", "off"),
                          help="send the JSON schema of the answer to the model: auto (try it, fall back to the "
                               "prompt if refused), on, off (env RGPT_STRUCTURED)")),
    ("--saves-dir", dict(metavar="DIR", help="folder of save slots (default: saves/ in the current directory)")),
    ("--worlds-dir", dict(metavar="DIR", action="append", help="another folder of world files (repeatable)")),
)
_AFTER = "after_command_"  # where a subcommand's parser puts a global option, merged by merge_global_options


def _dest(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parsers of a parser's subcommands (argparse keeps them in its subparsers action)."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            out += [p for p in action.choices.values() if p not in out]
    return out


def _add_global_options(parser: argparse.ArgumentParser, top: bool = True) -> None:
    """Give a parser and all its subcommands the global options. A subcommand writes them under
    other names, so the value it did not see does not overwrite the one given before it."""
    group = parser.add_argument_group("global options (before or after the command)")
    for flag, kwargs in GLOBAL_OPTIONS:
        group.add_argument(flag, dest=("" if top else _AFTER) + _dest(flag), default=argparse.SUPPRESS, **kwargs)
    for sub in _subparsers(parser):
        _add_global_options(sub, top=False)


def merge_global_options(args: argparse.Namespace) -> argparse.Namespace:
    """One value per global option: given after the command wins; repeatable ones add up."""
    for flag, kwargs in GLOBAL_OPTIONS:
        name = _dest(flag)
        before = getattr(args, name, None)
        after = getattr(args, _AFTER + name, None)
        if hasattr(args, _AFTER + name):
            delattr(args, _AFTER + name)
        if kwargs.get("action") == "append":
            setattr(args, name, list(before or []) + list(after or []))
        else:
            setattr(args, name, after if after is not None else before)
    return args


def build_parser(with_worlds: bool = True) -> argparse.ArgumentParser:
    """The whole command line. Without `with_worlds` the `worlds` command is only named, so
    starting the game does not pay for importing the world validators."""
    parser = argparse.ArgumentParser(prog="rgpt-fiction", description="Personalized interactive fiction that never forgets.")
    sub = parser.add_subparsers(dest="command")

    play = sub.add_parser("play", help="play a world (the TUI, or --headless for line mode)")
    play.add_argument("--headless", action="store_true", help="plain line mode instead of the TUI")
    play.add_argument("--world", help="world file (needed for a new slot)")
    play.add_argument("--slot", help="save slot name (continues it when it exists)")
    play.add_argument("--name", help="your name in the story (default: the world's player)")
    play.add_argument("--persona", default="", help="a short description of yourself")
    play.add_argument("--tone", default="", help="a tone you want, or things to avoid")
    play.add_argument("--restore-backup", action="store_true", help="load the slot's last good backup")

    auto = sub.add_parser("autoplay", help="writer mode: a simulated reader picks the plans")
    auto.add_argument("--world", help="world file (needed for a new slot)")
    auto.add_argument("--slot", required=True)
    auto.add_argument("--turns", type=int, default=10)
    auto.add_argument("--seed", type=int, default=0)
    auto.add_argument("--stats-json", help="write one JSON object per turn to this file")
    auto.add_argument("--report", help="write a story health report (Markdown) to this file")
    auto.add_argument("--quiet", action="store_true", help="do not print the story")
    auto.add_argument("--reading-wpm", type=float, default=0, metavar="WPM",
                      help="the simulated reader picks only after reading the paragraph at this speed")
    auto.add_argument("--typed-every", type=int, default=0, metavar="N",
                      help="every Nth turn the simulated reader types a plan of its own (measures plan_followed)")
    auto.add_argument("--authored-pick", type=float, default=0.0, metavar="P",
                      help="with probability P the simulated reader takes a plan the world's author wrote, when one is shown")

    saves = sub.add_parser("saves", help="save slots")
    saves_sub = saves.add_subparsers(dest="saves_command")
    saves_sub.add_parser("list", help="list the save slots")

    export = sub.add_parser("export", help="export a slot as Markdown (the story) or JSON (the whole tree)")
    export.add_argument("slot")
    export.add_argument("--format", choices=["md", "json"], default="md")
    export.add_argument("--out", help="file to write (default: standard output)")

    inspect = sub.add_parser("inspect", help="what the storyteller saw for a turn of a slot: its prompts part by "
                             "part with their tokens, the recalled memories with their scores, the raw answers")
    inspect.add_argument("slot")
    inspect.add_argument("--turn", type=int, metavar="N", help="turn N of the story (0: the opening; default: the last)")
    inspect.add_argument("--json", action="store_true", help="the whole record as JSON, each part with its text")

    if with_worlds:
        from .world.commands import add_worlds_parser

        add_worlds_parser(sub)
    else:
        sub.add_parser("worlds", help="list, validate, create and inspect world files")
    _add_global_options(parser)
    return parser


def parse_args(words: list[str], with_worlds: bool = True) -> argparse.Namespace:
    return merge_global_options(build_parser(with_worlds).parse_args(words))


def _settings(args):
    from .config import load_settings

    return load_settings(
        model=getattr(args, "model", None), api_base=getattr(args, "api_base", None),
        structured=getattr(args, "structured", None), saves_dir=getattr(args, "saves_dir", None),
    )


def _open(args, settings, new_persona=True):
    """Open the slot named by --slot: continue it, or start it from --world."""
    from .engine.state import Persona
    from .factory import make_embedder, make_model, prepare_model, turn_options
    from .headless import ProgressLine
    from .saves.shelf import Shelf
    from .session import open_story
    from .world import load_world

    slot = Shelf(settings.saves_dir).slot(args.slot)
    world = persona = None
    if not slot.exists():
        if not args.world:
            raise CliError(f"slot '{slot.name}' does not exist yet in {slot.saves_dir}; give --world to start it")
        world = load_world(args.world)
        persona = Persona(
            name=(getattr(args, "name", None) or world.player.name).strip() or "Traveller",
            description=getattr(args, "persona", "") or "",
            tone=getattr(args, "tone", "") or "",
        )
    model = make_model(settings)
    prepare_model(model, progress=ProgressLine(sys.stderr))
    story, fixed = open_story(
        slot, model, make_embedder(settings), turn_options(settings), world=world, persona=persona,
        use_backup=getattr(args, "restore_backup", False),
    )
    if fixed and (fixed.removed or fixed.reembedded):
        print(f"(memory repaired: {fixed.removed} stray rows removed, {fixed.reembedded} turns re-embedded)",
              file=sys.stderr)
    return slot, story


def cmd_play(args) -> int:
    from .headless import Printer, play_lines

    settings = _settings(args)
    if not args.headless:
        return cmd_tui(args, settings)
    if not args.slot:
        raise CliError("--slot is required with --headless")
    slot, story = _open(args, settings)
    try:
        return asyncio.run(play_lines(story, sys.stdin, Printer(sys.stdout)))
    finally:
        slot.close()


def cmd_autoplay(args) -> int:
    from .autoplay import autoplay
    from .headless import Printer

    settings = _settings(args)
    if args.turns < 0:
        raise CliError("--turns must be 0 or more")
    if not 0 <= args.authored_pick <= 1:
        raise CliError(f"--authored-pick must be between 0 and 1, not {args.authored_pick}")
    slot, story = _open(args, settings)
    stats_file = open(args.stats_json, "w", encoding="utf-8") if args.stats_json else None
    try:
        rows = asyncio.run(autoplay(story, args.turns, Printer(sys.stdout), args.seed, stats_file, args.quiet,
                                    typed_every=args.typed_every, reading_wpm=args.reading_wpm,
                                    authored_pick=args.authored_pick))
    finally:
        slot.close()
        if stats_file:
            stats_file.close()
    if args.report:
        from .report import write_report

        write_report(rows, story, Path(args.report))
        print(f"(report written to {args.report})", file=sys.stderr)
    return 0


def cmd_saves(args) -> int:
    import time

    from .saves.shelf import Shelf

    settings = _settings(args)
    infos = Shelf(settings.saves_dir).slots()
    if not infos:
        print(f"no save slots in {settings.saves_dir}")
        return 0
    print(f"{'slot':24} {'world':28} {'turns':>5}  last played")
    for i in infos:
        if i.error:
            print(f"{i.name:24} (unreadable: {i.error})")
            continue
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(i.updated))
        print(f"{i.name:24} {i.world_title[:28]:28} {i.turns:>5}  {when}")
    return 0


def cmd_export(args) -> int:
    from .engine.export import export_json, export_markdown
    from .saves.shelf import Shelf

    settings = _settings(args)
    game = Shelf(settings.saves_dir).slot(args.slot).load()
    text = export_markdown(game) if args.format == "md" else export_json(game)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_inspect(args) -> int:
    import json

    from .engine.trace_view import inspect_turn, inspection_json, path_turn, render_text
    from .saves.shelf import Shelf
    from .saves.traces import TraceFile

    slot = Shelf(_settings(args).saves_dir).slot(args.slot)
    game = slot.load()
    if not game.nodes:
        print(f"rgpt-fiction: the slot '{args.slot}' holds no turn yet", file=sys.stderr)
        return 1
    node = game.node if args.turn is None else path_turn(game, args.turn)
    ins = inspect_turn(game, TraceFile.of(slot.path), node.id)
    if args.json:
        sys.stdout.write(json.dumps(inspection_json(ins), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(render_text(ins))
    return 0


def cmd_tui(args, settings=None) -> int:
    from .ui.app import run

    settings = settings or _settings(args)
    dirs = list(getattr(args, "worlds_dir", []) or [])
    return run(settings, worlds_dirs=dirs, world=getattr(args, "world", None), slot=getattr(args, "slot", None))


def interrupted() -> int:
    """Ctrl+C: the turn in progress was cancelled (never committed) and the slot closed on the way
    here. Stop the embedded model's generation before the interpreter exits, then exit 130."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl+C must not interrupt the cleanup
    print("\n(interrupted; every finished turn is saved)", file=sys.stderr)
    embedded = sys.modules.get("rgpt_fiction.llm.embedded")
    if embedded is not None:
        embedded.stop_generations()
    return 130


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(with_worlds="worlds" in words)
    args = merge_global_options(parser.parse_args(words))
    handlers = {"play": cmd_play, "autoplay": cmd_autoplay, "saves": cmd_saves, "export": cmd_export,
                "inspect": cmd_inspect}
    try:
        if args.command is None:
            return cmd_tui(args)
        if args.command == "worlds":
            from .world.commands import run_worlds

            code = run_worlds(args)
        else:
            if args.command == "saves" and not getattr(args, "saves_command", None):
                parser.parse_args(["saves", "--help"])
            code = handlers[args.command](args)
        sys.stdout.flush()  # a closed pipe shows up here, not as a message at exit
        return code
    except KeyboardInterrupt:
        return interrupted()
    except BrokenPipeError:  # `rgpt-fiction worlds list | head`: the reader has what they wanted
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # the reader sees a clear message, never a traceback; a real bug is raised again
        from .errors import describe

        message = describe(exc)
        if message is None:
            raise
        print(f"rgpt-fiction: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
