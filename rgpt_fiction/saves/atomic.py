"""Atomic file writes: temp file, fsync, rename, fsync of the folder."""

from __future__ import annotations

import os
from pathlib import Path

from .. import failpoints


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, backup: Path | None = None) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new file.
    With `backup`, the old file is kept there (the last good state)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            half = len(data) // 2
            f.write(data[:half])
            failpoints.hit("during-state-write")
            f.write(data[half:])
            f.flush()
            os.fsync(f.fileno())
        if backup is not None and path.exists():
            os.replace(path, backup)
            failpoints.hit("between-backup-and-rename")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)
