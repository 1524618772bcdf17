"""Loading world files: TOML in, a validated World out, or a WorldError listing every problem."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .model import SCHEMA_VERSION, World


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class WorldError(Exception):
    """A world file that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_world(path: str | Path) -> World:
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WorldError([Problem(name, "", f"cannot read the file ({exc.strerror or exc})")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WorldError([Problem(name, "", "not a UTF-8 text file")]) from None
    if not text.strip():
        raise WorldError([Problem(name, "", "the file is empty")])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WorldError([Problem(name, "", f"TOML syntax error: {exc}")]) from None
    if data.get("schema") != SCHEMA_VERSION:
        raise WorldError([Problem(name, "schema", f"unsupported schema version {data.get('schema')!r} (expected {SCHEMA_VERSION})")])
    try:
        return World.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(name, ".".join(str(p) for p in err["loc"]), err["msg"]) for err in exc.errors()
        ]
        raise WorldError(problems) from None


def find_worlds(*dirs: str | Path) -> list[tuple[Path, World | WorldError]]:
    """Every `*.toml` in the given folders, loaded or with its error, sorted by file name."""
    found: list[tuple[Path, World | WorldError]] = []
    seen: set[Path] = set()
    for d in dirs:
        for path in sorted(Path(d).glob("*.toml")):
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            try:
                found.append((path, load_world(path)))
            except WorldError as exc:
                found.append((path, exc))
    return found
