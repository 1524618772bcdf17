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


class CliError(Exception):
    pass


def _model_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="litellm model string (default: the embedded SmolLM2; env RGPT_MODEL)")
    p.add_argument("--api-base", help="base URL for an OpenAI-compatible server (env RGPT_API_BASE)")


def _saves_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--saves-dir", help="folder of save slots (default: saves/ in the current directory)")


def build_parser(with_worlds: bool = True) -> argparse.ArgumentParser:
    """The whole command line. Without `with_worlds` the `worlds` command is only named, so
    starting the game does not pay for importing the world validators."""
    parser = argparse.ArgumentParser(prog="rgpt-fiction", description="Personalized interactive fiction that never forgets.")
    parser.add_argument("--worlds-dir", action="append", default=[], help="another folder of world files (repeatable)")
    _model_flags(parser)
    _saves_flag(parser)
    sub = parser.add_subparsers(dest="command")

    play = sub.add_parser("play", help="play a world (the TUI, or --headless for line mode)")
    play.add_argument("--headless", action="store_true", help="plain line mode instead of the TUI")
    play.add_argument("--world", help="world file (needed for a new slot)")
    play.add_argument("--slot", help="save slot name (continues it when it exists)")
    play.add_argument("--name", help="your name in the story (default: the world's player)")
    play.add_argument("--persona", default="", help="a short description of yourself")
    play.add_argument("--tone", default="", help="a tone you want, or things to avoid")
    play.add_argument("--restore-backup", action="store_true", help="load the slot's last good backup")
    play.add_argument("--worlds-dir", action="append", default=[], dest="worlds_dir_play")
    _model_flags(play)
    _saves_flag(play)

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
    _model_flags(auto)
    _saves_flag(auto)

    saves = sub.add_parser("saves", help="save slots")
    saves_sub = saves.add_subparsers(dest="saves_command")
    sl = saves_sub.add_parser("list", help="list the save slots")
    _saves_flag(sl)

    export = sub.add_parser("export", help="export a slot as Markdown (the story) or JSON (the whole tree)")
    export.add_argument("slot")
    export.add_argument("--format", choices=["md", "json"], default="md")
    export.add_argument("--out", help="file to write (default: standard output)")
    _saves_flag(export)

    if with_worlds:
        from .world.commands import add_worlds_parser

        add_worlds_parser(sub)
    else:
        sub.add_parser("worlds", help="list, validate, create and inspect world files")
    return parser


def _settings(args):
    from .config import load_settings

    return load_settings(
        model=getattr(args, "model", None), api_base=getattr(args, "api_base", None),
        saves_dir=getattr(args, "saves_dir", None),
    )


def _open(args, settings, new_persona=True):
    """Open the slot named by --slot: continue it, or start it from --world."""
    from .engine.state import Persona
    from .factory import make_embedder, make_model, prepare_model, turn_options
    from .headless import ProgressLine
    from .saves.slot import Slot
    from .session import open_story
    from .world import load_world

    slot = Slot(settings.saves_dir, args.slot)
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
    from .headless import Printer, autoplay

    settings = _settings(args)
    if args.turns < 0:
        raise CliError("--turns must be 0 or more")
    slot, story = _open(args, settings)
    stats_file = open(args.stats_json, "w", encoding="utf-8") if args.stats_json else None
    try:
        rows = asyncio.run(autoplay(story, args.turns, Printer(sys.stdout), args.seed, stats_file, args.quiet,
                                    typed_every=args.typed_every, reading_wpm=args.reading_wpm))
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

    from .saves.slot import list_slots

    settings = _settings(args)
    infos = list_slots(settings.saves_dir)
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
    from .saves.slot import Slot

    settings = _settings(args)
    game = Slot(settings.saves_dir, args.slot).load()
    text = export_markdown(game) if args.format == "md" else export_json(game)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_tui(args, settings=None) -> int:
    from .ui.app import run

    settings = settings or _settings(args)
    dirs = list(getattr(args, "worlds_dir", []) or []) + list(getattr(args, "worlds_dir_play", []) or [])
    return run(settings, worlds_dirs=dirs, world=getattr(args, "world", None), slot=getattr(args, "slot", None))


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    parser = build_parser(with_worlds="worlds" in words)
    args = parser.parse_args(words)
    handlers = {"play": cmd_play, "autoplay": cmd_autoplay, "saves": cmd_saves, "export": cmd_export}
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
        print("\n(interrupted; every finished turn is saved)", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `rgpt-fiction worlds list | head`: the reader has what they wanted
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - the reader sees a clear message, never a traceback
        from .errors import describe

        message = describe(exc)
        if message is None:
            raise
        print(f"rgpt-fiction: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
