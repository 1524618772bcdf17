"""The saves folder as a whole: every slot in it, by name, for the screens and the command line.

A `Shelf` lists the slots (the Load screen's rows and `saves list`), checks names and
suggests free ones, and does what changes a slot's folder as a whole: copy, rename,
delete, clear for a new game, restore the backup, recover from the journal. Each change
but a copy takes the slot's lock first, so a game open elsewhere is refused (SlotLocked
says by which process), never changed under it. A copy only reads, and works on the
game being played (Save as).

Playing a game goes through `shelf.slot(name)`: the game's own code opens (locks) it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..engine.state import Game
from .names import SlotError, suggest_slot_name
from .slot import BACKUP, JOURNAL, STATE, Slot, SlotInfo
from .traces import TRACES


class Shelf:
    """The slots in one saves folder (which need not exist yet)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"Shelf({str(self.root)!r})"

    # --- looking ---------------------------------------------------------------------
    def slots(self) -> list[SlotInfo]:
        """Every slot, most recently played first; one that cannot be read says why (and how to get it back)."""
        if not self.root.is_dir():
            return []
        infos = []
        for child in self.root.iterdir():
            if child.is_dir() and ((child / STATE).exists() or (child / BACKUP).exists()):
                try:
                    infos.append(Slot(self.root, child.name).info())
                except SlotError as exc:  # a folder whose name is not a slot name
                    infos.append(SlotInfo(child.name, child, error=str(exc)))
        return sorted(infos, key=lambda i: i.updated, reverse=True)

    def slot(self, name: str) -> Slot:
        """The slot called `name`, not opened (the game that plays it locks it). SlotError for a bad name."""
        return Slot(self.root, name)

    def exists(self, name: str) -> bool:
        """Whether a game is saved under `name` (False for a name no slot can have)."""
        try:
            return self.slot(name).exists()
        except SlotError:
            return False

    def recoverable_turns(self, name: str) -> int:
        """How many turns the slot's journal holds: what `recover` would bring back."""
        return self.slot(name).recoverable_turns()

    # --- names ---------------------------------------------------------------------
    def name_problem(self, name: str, keep: str = "") -> str:
        """Why a new slot cannot be called `name`, or "" when it can: the name is refused (the reason
        says why), or its folder is taken (by another slot than `keep`, the one being renamed)."""
        try:
            slot = self.slot(name)
        except SlotError as exc:
            return str(exc)
        if slot.path.exists() and slot.name != keep:
            return f"a saved game named '{slot.name}' already exists"
        return ""

    def free_name(self, base: str) -> str:
        """`base`, or `base-2`, `base-3`… : the first that no saved game has. A base no slot can be
        called is given back as it is, for the name check to explain."""
        base = base or "story"
        name = base
        for n in range(2, 1000):
            try:
                if not self.slot(name).exists():
                    return name
            except SlotError:
                return name
            name = f"{base}-{n}"
        return name

    def suggest(self, *words: str) -> str:
        """A free name made of words, such as the world's title and the hero's name."""
        return self.free_name(suggest_slot_name(*words))

    # --- changing ------------------------------------------------------------------
    @contextmanager
    def _locked(self, name: str) -> Iterator[Slot]:
        slot = self.slot(name)
        if not slot.path.is_dir():
            raise SlotError(f"there is no saved game '{slot.name}' in {self.root}")
        slot.open()
        try:
            yield slot
        finally:
            slot.close()

    def copy(self, name: str, new_name: str) -> Slot:
        """Copy a slot (its story and its memory) into a new one; the source may be the game being played.
        Raises SlotError when `new_name` is refused or taken."""
        source = self.slot(name)
        problem = self.name_problem(new_name)
        if problem:
            raise SlotError(problem)
        target = self.slot(new_name)
        try:
            shutil.copytree(source.path, target.path, ignore=shutil.ignore_patterns("lock", ".*.tmp"))
        except OSError as exc:
            shutil.rmtree(target.path, ignore_errors=True)  # no half copy left behind
            raise SlotError(f"cannot copy '{source.name}' to '{target.name}': {exc.strerror or exc}") from None
        return target

    def rename(self, name: str, new_name: str) -> Slot:
        """Give a slot another name. Raises SlotError when `new_name` is refused or taken, SlotLocked
        when a game has the slot open."""
        source = self.slot(name)
        problem = self.name_problem(new_name, keep=source.name)
        if problem:
            raise SlotError(problem)
        target = self.slot(new_name)
        with self._locked(source.name) as slot:
            if target.name == slot.name:
                return slot
            slot.path.rename(target.path)
            slot.lock.moved(target.path)
        return target

    def delete(self, name: str) -> None:
        """Delete a slot's folder and everything in it. SlotLocked when a game has it open."""
        with self._locked(name) as slot:
            shutil.rmtree(slot.path)

    def clear(self, name: str) -> Slot:
        """Empty a slot for a new game in its place (the reader agreed to replace it): its state, backup,
        journal, traces and memory go; the slot is returned, not opened. SlotLocked when a game has it open."""
        slot = self.slot(name)
        if not slot.path.is_dir():
            return slot
        with self._locked(name):
            for part in (STATE, BACKUP, JOURNAL, TRACES):
                (slot.path / part).unlink(missing_ok=True)
            if slot.memory_path.exists():
                shutil.rmtree(slot.memory_path)
        return slot

    def restore_backup(self, name: str) -> Game:
        """Make a broken slot's backup its current state again (the broken file is kept as
        state.json.broken); returns the game as restored. SlotError when the backup cannot be read."""
        with self._locked(name) as slot:
            return slot.restore_backup()

    def recover(self, name: str, blank: Game) -> Game:
        """Rebuild a slot whose header and backup are unreadable from its journal; `blank` (a new game
        in the world the reader picked) brings the world and the persona. See `Slot.recover_from_journal`."""
        with self._locked(name) as slot:
            return slot.recover_from_journal(blank)
