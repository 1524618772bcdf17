"""`rgpt-fiction worlds list|validate|new|show`: the world author's commands.

No heavy imports here: the embedder (torch) is imported only by `worlds show`, and
only when it is asked for similarity.
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import resources
from pathlib import Path

from .load import WorldError, default_worlds_dirs, find_worlds, load_world
from .lore import keyed_lore, select_lore

__all__ = ["add_worlds_parser", "run_worlds", "template_text"]


def add_worlds_parser(subparsers) -> None:
    """Add `worlds` with its sub-subcommands to an argparse subparsers object."""
    worlds = subparsers.add_parser(
        "worlds", help="list, validate, create and inspect world files",
        description="World seed files: list the shelf, validate a file, start a new one, see which lore a passage brings in.",
    )
    worlds.set_defaults(worlds_parser=worlds)
    sub = worlds.add_subparsers(dest="worlds_command", metavar="{list,validate,new,show}")

    sub.add_parser("list", help="title, genre and file of each world (and of every --worlds-dir)")

    val = sub.add_parser("validate", help="check world files; every problem, one per line")
    val.add_argument("files", nargs="+", metavar="FILE")

    new = sub.add_parser("new", help="write a commented template world that validates as it is")
    new.add_argument("file", metavar="FILE")

    show = sub.add_parser("show", help="which lore entries a passage would bring in, and why")
    show.add_argument("file", metavar="FILE")
    show.add_argument("--text", required=True, help="the passage (a plan, your words, a paragraph)")
    show.add_argument("--name", help="the persona's name, for {player} (default: the world's player)")
    show.add_argument("--budget", type=int, default=120, help="lore word budget per turn (default 120)")
    show.add_argument("--max-entries", type=int, default=4, help="most lore entries per turn (default 4)")
    show.add_argument("--min-similarity", type=float, default=0.35, help="similarity threshold (default 0.35)")
    show.add_argument("--no-similarity", action="store_true", help="keys and always only; skip the embedder")


def run_worlds(args, out=None) -> int:
    """Run a `worlds` subcommand; returns the exit code. Problems are reported, never raised."""
    out = out or sys.stdout
    command = getattr(args, "worlds_command", None)
    handlers = {"list": _list, "validate": _validate, "new": _new, "show": _show}
    if command not in handlers:
        parser = getattr(args, "worlds_parser", None)
        out.write(parser.format_help() if parser else "usage: rgpt-fiction worlds {list,validate,new,show}\n")
        return 2
    return handlers[command](args, out)


# --- list -------------------------------------------------------------------------------

def _short(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path.resolve()) if rel.startswith("..") else rel


def _list(args, out) -> int:
    extra = list(getattr(args, "worlds_dir", None) or [])
    dirs = default_worlds_dirs(extra)
    for d in dirs:
        if not d.is_dir():
            out.write(f"(no such folder: {_short(d)})\n")
    found = find_worlds(*dirs)
    if not found:
        out.write("no world files found in " + ", ".join(_short(d) for d in dirs) + "\n")
        return 1
    good = [(p, w) for p, w in found if not isinstance(w, WorldError)]
    bad = [(p, w) for p, w in found if isinstance(w, WorldError)]
    if good:
        tw = min(36, max(len("title"), *(len(w.title) for _, w in good)))
        gw = min(24, max(len("genre"), *(len(w.genre or "-") for _, w in good)))
        out.write(f"{'title':{tw}}  {'genre':{gw}}  file\n")
        for path, w in good:
            title = w.title if len(w.title) <= tw else w.title[: tw - 1] + "…"
            genre = (w.genre or "-") if len(w.genre or "-") <= gw else w.genre[: gw - 1] + "…"
            out.write(f"{title:{tw}}  {genre:{gw}}  {_short(path)}\n")
    if bad:
        out.write(f"\n{len(bad)} broken world file{'s' if len(bad) != 1 else ''} "
                  "(run `rgpt-fiction worlds validate FILE` for every problem):\n")
        for path, err in bad:
            first = err.problems[0] if err.problems else None
            more = len(err.problems) - 1
            what = (f"{first.field}: {first.message}" if first and first.field else (first.message if first else "broken"))
            out.write(f"  {_short(path)}: {what}" + (f" (+{more} more)" if more > 0 else "") + "\n")
    return 0


# --- validate ---------------------------------------------------------------------------

def _validate(args, out) -> int:
    failed = 0
    for file in args.files:
        try:
            load_world(file)
        except WorldError as err:
            failed += 1
            for problem in err.problems:
                out.write(f"{problem}\n")
        else:
            out.write(f"ok: {file}\n")
    if len(args.files) > 1 and failed:
        out.write(f"{failed} of {len(args.files)} files have problems\n")
    return 1 if failed else 0


# --- new ----------------------------------------------------------------------------------

def template_text() -> str:
    return resources.files("rgpt_fiction.world").joinpath("template.toml").read_text(encoding="utf-8")


def _new(args, out) -> int:
    path = Path(args.file)
    if path.exists():
        out.write(f"{path}: already exists; not overwriting it (choose another name or move it away)\n")
        return 1
    if not path.parent.is_dir():
        out.write(f"{path}: the folder {path.parent} does not exist\n")
        return 1
    try:
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(template_text())
    except FileExistsError:
        out.write(f"{path}: already exists; not overwriting it\n")
        return 1
    except OSError as exc:
        out.write(f"{path}: cannot write ({exc.strerror or exc})\n")
        return 1
    out.write(f"wrote {path}\nedit it, then check it with: rgpt-fiction worlds validate {path}\n")
    return 0


# --- show ---------------------------------------------------------------------------------

def _similarities(lore_texts: list[str], passage: str, out) -> list[tuple[int, float]] | None:
    try:
        from ..memory.embedder import Embedder

        vecs = Embedder().embed([passage, *lore_texts])
    except Exception as exc:  # noqa: BLE001 - no model: keys and always still work
        out.write(f"(similarity unavailable: {exc}; showing keys and always only)\n")
        return None
    query = vecs[0]
    return [(i, float(vecs[i + 1] @ query)) for i in range(len(lore_texts))]


def _show(args, out) -> int:
    try:
        world = load_world(args.file)
    except WorldError as err:
        for problem in err.problems:
            out.write(f"{problem}\n")
        return 1
    name = (args.name or world.player.name or "Traveller").strip() or "Traveller"
    world = world.for_player(name)
    lore = world.lore
    out.write(f"{world.title}: {len(lore)} lore entr{'y' if len(lore) == 1 else 'ies'}; "
              f"budget {args.budget} words, at most {args.max_entries} entries\n")
    if not lore:
        out.write("this world has no [[lore]] entries\n")
        return 0
    similar: list[tuple[int, float]] = []
    if not args.no_similarity:
        similar = _similarities([e.text for e in lore], args.text, out) or []
    hits = select_lore(lore, [args.text], similar, budget_words=args.budget,
                       max_entries=args.max_entries, min_similarity=args.min_similarity)
    if hits:
        out.write("\nbrought in:\n")
        for hit in hits:
            clipped = " (clipped to fit the budget)" if hit.text != lore[hit.index].text else ""
            out.write(f"  lore[{hit.index}]  {hit.reason}{clipped}\n      {hit.text}\n")
    else:
        out.write("\nno lore entry would be brought in by this passage\n")
    chosen = {h.index for h in hits}
    keyed = {i: k for i, k in keyed_lore(lore, args.text)}
    left = [i for i in range(len(lore)) if i not in chosen and
            (i in keyed or lore[i].always or any(j == i and s >= args.min_similarity for j, s in similar))]
    if left:
        out.write("\nmatched but left out (over the budget or the entry limit):\n")
        for i in left:
            why = "always" if lore[i].always else (f"key: {keyed[i]}" if i in keyed else
                                                   f"similar: {dict(similar)[i]:.2f}")
            out.write(f"  lore[{i}]  {why}\n")
    if similar:
        best = sorted(similar, key=lambda p: -p[1])[:5]
        out.write("\nnearest by similarity (threshold {:.2f}): ".format(args.min_similarity)
                  + ", ".join(f"lore[{i}] {s:.2f}" for i, s in best) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry for `python -m rgpt_fiction.world.commands ...` (used in tests)."""
    parser = argparse.ArgumentParser(prog="rgpt-fiction")
    sub = parser.add_subparsers(dest="command")
    add_worlds_parser(sub)
    args = parser.parse_args(["worlds", *(argv if argv is not None else sys.argv[1:])])
    return run_worlds(args)


if __name__ == "__main__":
    sys.exit(main())
