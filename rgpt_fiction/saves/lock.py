"""One writer per slot: a lock file holding the owner's pid, released on exit, stale after a crash."""

from __future__ import annotations

import atexit
import os
import socket
from pathlib import Path

from ..errors import ReaderError


class SlotLocked(ReaderError):
    """Another game has the slot open; the message names its process."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SlotLock:
    def __init__(self, folder: Path):
        self.path = folder / "lock"
        self.held = False

    def acquire(self) -> None:
        me = f"{os.getpid()} {socket.gethostname()}"
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if self._stale():
                    self.path.unlink(missing_ok=True)
                    continue
                owner = self.path.read_text(errors="replace").split()
                raise SlotLocked(
                    f"the slot '{self.path.parent.name}' is open in another game (process {owner[0] if owner else '?'}); "
                    "close that game first"
                ) from None
            with os.fdopen(fd, "w") as f:
                f.write(me)
            self.held = True
            atexit.register(self.release)
            return
        raise SlotLocked(f"cannot lock the slot '{self.path.parent.name}'")

    def _stale(self) -> bool:
        try:
            parts = self.path.read_text(errors="replace").split()
            pid, host = int(parts[0]), parts[1] if len(parts) > 1 else ""
        except (OSError, ValueError, IndexError):
            return True  # unreadable or half-written: its writer died
        if host and host != socket.gethostname():
            return False
        return pid != os.getpid() and not _alive(pid) or pid == os.getpid() and not self.held

    def moved(self, folder: Path) -> None:
        """The slot's folder was renamed while this lock was held: the lock file moved with it."""
        self.path = folder / "lock"

    def release(self) -> None:
        if self.held:
            self.held = False
            self.path.unlink(missing_ok=True)
