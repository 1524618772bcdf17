"""Loading world files: TOML in, a validated World out, or a WorldError listing every problem.

`load_world` never raises anything but `WorldError`, whatever bytes it is given. Every
problem names the file, the field (as `lore[2].text`) and, where it can be found in
the TOML text, the line.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from pydantic import ValidationError

from ..errors import ReaderError
from .lines import find_line, line_index
from .model import FIELDS, PLACEHOLDER, SCHEMA_VERSION, World

__all__ = ["Problem", "WorldError", "load_world", "parse_world", "find_worlds", "default_worlds_dirs"]


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class WorldError(ReaderError):
    """A world file that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --- reading the bytes ---------------------------------------------------------------

def _decode(name: str, raw: bytes) -> str:
    if not raw.strip():
        raise WorldError([Problem(name, "", "the file is empty (a world needs at least schema, title, summary and premise)")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise WorldError([Problem(name, "", "the file is UTF-16 text; save it as UTF-8")])
    if b"\x00" in raw:
        raise WorldError([Problem(name, "", "this is a binary file (it contains NUL bytes), not a TOML text file")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        bad = raw[exc.start:exc.start + 1].hex()
        raise WorldError([Problem(
            name, "", f"not UTF-8 text (byte 0x{bad} at line {line}, column {column}); save the file as UTF-8",
            line, column,
        )]) from None


_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def _parse_toml(name: str, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _AT.search(message)
        if m:
            line, column = int(m.group(1)), int(m.group(2))
            reason = message[: m.start()]
            if reason.startswith("Illegal character '\\n'") or reason.startswith("Unterminated string"):
                reason += ' (a string not closed on its line? use """ for text over several lines)'
            raise WorldError([Problem(
                name, "", f"TOML syntax error at line {line}, column {column}: {reason}", line, column,
            )]) from None
        if _AT_END.search(message):
            reason = message[: _AT_END.search(message).start()]
            last = text.count("\n") + (0 if text.endswith("\n") else 1)
            raise WorldError([Problem(name, "", f"TOML syntax error at the end of the file: {reason}", last or None)]) from None
        raise WorldError([Problem(name, "", f"TOML syntax error: {message}")]) from None
    except RecursionError:
        raise WorldError([Problem(name, "", "TOML syntax error: values nested too deeply")]) from None


# --- turning pydantic's errors into an author's problems ------------------------------

def field_name(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (datetime, date, time)):
        return "a date/time"
    return type(value).__name__


_TABLE_ARRAYS = {"characters", "lore", "events"}
_TABLES = {"player", "content"}


def _level(loc: tuple) -> str:
    names = [p for p in loc if isinstance(p, str)]
    return ".".join(names)


def _unknown(loc: tuple) -> str:
    name = str(loc[-1])
    level = _level(loc[:-1])
    known = FIELDS.get(level, [])
    where = f" in [{level}]" if level in _TABLES else (f" in a [[{level}]] entry" if level in _TABLE_ARRAYS else "")
    if level and name in FIELDS[""]:
        return (f"unknown field '{name}'{where} (top-level fields like '{name}' must come before "
                f"the first [table] header)")
    lowered = {k.lower(): k for k in known}
    match = lowered.get(name.lower()) or next(iter(difflib.get_close_matches(name, known, n=1, cutoff=0.6)), None)
    if match:
        return f"unknown field '{name}'{where} (did you mean '{match}'?)"
    if not level:
        for table, fields in FIELDS.items():
            if table and name in fields:
                kind = f"[[{table}]]" if table in _TABLE_ARRAYS else f"[{table}]"
                return f"unknown field '{name}' (did you mean to put it under {kind}?)"
    hint = f"; known fields: {', '.join(known)}" if known else ""
    return f"unknown field '{name}'{where}{hint}"


def _message(err: dict) -> str:
    kind, loc, value = err["type"], err["loc"], err.get("input")
    last = loc[-1] if loc else ""
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return _unknown(loc)
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_type":
        return f"must be text (a quoted string), not {_kind(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, not {_kind(value)}"
    if kind == "bool_type":
        return f"must be true or false, not {_kind(value)}"
    if kind == "list_type":
        if last in _TABLE_ARRAYS:
            return f"must be an array of tables (write each entry as [[{last}]]), not {_kind(value)}"
        return f'must be an array of strings, like ["one", "two"], not {_kind(value)}'
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        if isinstance(last, int):
            return f"each entry must be a table with named fields, not {_kind(value)}"
        return f"must be a table (a [{last}] section), not {_kind(value)}"
    return err.get("msg", "invalid value")


_PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_][\w ]{0,30}?)\s*\}")
_LIKELY = {"player", "name", "playername", "player_name", "you", "hero", "persona", "pc", "protagonist"}


def _placeholder_problems(data, loc: tuple = ()) -> list[tuple[tuple, str]]:
    """`{Player}` or `{name}` where `{player}` was meant: an error, or the reader sees braces."""
    found: list[tuple[tuple, str]] = []
    if isinstance(data, str):
        for m in _PLACEHOLDER.finditer(data):
            word = m.group(1)
            if m.group(0) == PLACEHOLDER:
                continue
            if word.casefold() in _LIKELY or difflib.get_close_matches(word.casefold(), ["player"], cutoff=0.7):
                found.append((loc, f"unknown placeholder '{m.group(0)}' (did you mean '{PLACEHOLDER}'?)"))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found.extend(_placeholder_problems(v, loc + (i,)))
    elif isinstance(data, dict):
        for k, v in data.items():
            found.extend(_placeholder_problems(v, loc + (k,)))
    return found


def _explain_missing(found: list[tuple[tuple, str]]) -> list[tuple[tuple, str]]:
    """A missing field with a misspelt twin beside it: say so on the missing one too."""
    unknown = {(loc[:-1], str(loc[-1])) for loc, msg in found if msg.startswith("unknown field") and loc}
    out = []
    for loc, msg in found:
        if msg == "required field is missing" and loc:
            near = difflib.get_close_matches(str(loc[-1]), [n for parent, n in unknown if parent == loc[:-1]], n=1)
            if near:
                msg += f" (is it the misspelt '{near[0]}'?)"
            elif len(loc) == 1:
                msg += f' (add `{loc[0]} = "..."` before the first [table] header)'
        out.append((loc, msg))
    return out


def _schema_problem(data: dict) -> tuple[str, str] | None:
    if "schema" not in data:
        return "schema", f"required field is missing (add `schema = {SCHEMA_VERSION}` at the top of the file)"
    value = data["schema"]
    if isinstance(value, bool) or not isinstance(value, int):
        return "schema", f"must be the whole number {SCHEMA_VERSION}, not {_kind(value)}"
    if value != SCHEMA_VERSION:
        return "schema", f"unsupported schema version {value} (this game reads version {SCHEMA_VERSION})"
    return None


def parse_world(text: str, name: str = "<world>") -> World:
    """Validate TOML text as a world; raise WorldError with every problem found."""
    data = _parse_toml(name, text)
    index = line_index(text)
    found: list[tuple[tuple, str]] = []
    schema = _schema_problem(data)
    if schema:
        found.append(((schema[0],), schema[1]))
    world = None
    try:
        world = World.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            if loc == ("schema",):
                continue  # reported above, in the author's terms
            found.append((loc, _message(err)))
    found.extend(_placeholder_problems(data))
    found = _explain_missing(found)
    if not found and world is not None:
        return world
    problems = []
    for loc, message in found:
        line = find_line(index, loc)
        problems.append(Problem(name, field_name(loc), message, line))
    problems.sort(key=lambda p: (p.line or 0))
    raise WorldError(problems)


def load_world(path: str | Path) -> World:
    """Load and validate one world file. Raises WorldError (and nothing else) for any input."""
    name = str(path)
    try:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise WorldError([Problem(name, "", f"cannot read the file ({exc.strerror or exc})")]) from None
        return parse_world(_decode(name, raw), name)
    except WorldError:
        raise
    except Exception as exc:  # noqa: BLE001 - the promise: a WorldError, never a traceback
        raise WorldError([Problem(name, "", f"cannot load this file ({type(exc).__name__}: {exc})")]) from None


def find_worlds(*dirs: str | Path) -> list[tuple[Path, World | WorldError]]:
    """Every `*.toml` in the given folders, loaded or with its error, sorted by file name per folder."""
    found: list[tuple[Path, World | WorldError]] = []
    seen: set[Path] = set()
    for d in dirs:
        try:
            paths = sorted(p for p in Path(d).glob("*.toml") if p.is_file())
        except OSError:
            continue
        for path in paths:
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            try:
                found.append((path, load_world(path)))
            except WorldError as exc:
                found.append((path, exc))
    return found


def shipped_worlds_dir() -> Path:
    """`./worlds` when the current folder has one, else the `worlds/` folder beside the package."""
    here = Path.cwd() / "worlds"
    if here.is_dir():
        return here
    import rgpt_fiction

    return Path(rgpt_fiction.__file__).resolve().parent.parent / "worlds"


def default_worlds_dirs(extra: list[str] | None = None) -> list[Path]:
    """The shipped worlds folder, then every extra folder given, without duplicates."""
    dirs: list[Path] = []
    seen: set[Path] = set()
    for d in [shipped_worlds_dir(), *[Path(e).expanduser() for e in (extra or [])]]:
        try:
            key = d.resolve()
        except OSError:
            key = d
        if key not in seen:
            seen.add(key)
            dirs.append(d)
    return dirs
