"""What the storyteller saw, per turn: a slot's append-only traces file (engine/trace.py writes the records).

    saves/<slot>/traces.jsonl    one JSON record a line, {"node": ID, ...}; the last line for a node wins

Loading a story never reads it; only inspecting a turn does. A record is appended (and synced) before
its turn is committed, so every committed turn has one; a record whose turn was never committed (a
crash in between) is overwritten by the next turn's, which gets the same id. A torn last line is
skipped. A copy or rename of the slot takes the file with the rest of the folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Sequence

TRACES = "traces.jsonl"


class TraceFile:
    """The traces file of one slot folder (`path` is the file)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def of(cls, slot_path: Path) -> TraceFile:
        return cls(slot_path / TRACES)

    def append(self, records: Sequence[dict[str, Any]]) -> None:
        """Append records and sync them to disk. Raises OSError (the story says the record was not kept)."""
        data = b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in records)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":  # a line torn by a crash: start a new one
                data = b"\n" + data
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self, node_id: int) -> dict[str, Any] | None:
        """The last record of turn `node_id`, or None. Only lines that begin with its id are parsed."""
        prefix = f'{{"node": {node_id},'.encode()
        found: dict[str, Any] | None = None
        try:
            with open(self.path, "rb") as f:
                for line in f:
                    if line.startswith(prefix):
                        try:
                            record = json.loads(line)
                        except ValueError:  # torn by a crash
                            continue
                        if isinstance(record, dict):
                            found = record
        except FileNotFoundError:
            return None
        return found

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
