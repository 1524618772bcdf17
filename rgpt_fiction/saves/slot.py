"""Save slots: one folder per game under the saves directory.

    saves/<slot>/state.json       the game's header (versioned JSON), written atomically
    saves/<slot>/state.json.bak   the previous good header
    saves/<slot>/turns.jsonl      every turn node, one JSON object a line, append-only
    saves/<slot>/memory.lance/    the slot's LanceDB long-term memory
    saves/<slot>/lock             present while a game has the slot open

A save appends the new or changed nodes to the journal (fsync), then replaces the
header, which records how many journal bytes are committed: the header's rename is
the commit. A save costs the same at turn 10 and turn 100,000. Bytes past the
committed length (a save cut short) are ignored on load and overwritten by the next
save. Format 1 (one JSON file holding every node) is read and migrated.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .. import failpoints
from ..engine.state import Game
from .atomic import atomic_write
from .lock import SlotLock
from .names import SlotError, check_slot_name

FORMAT = 2
STATE = "state.json"
BACKUP = "state.json.bak"
JOURNAL = "turns.jsonl"
MEMORY = "memory.lance"


class BackupAvailable(SlotError):
    """The slot's state is broken but its backup (the last good state) loads."""


def backup_note(turn: int) -> str:
    """What a reader can do about a broken state whose backup loads (the load error and the Load screen)."""
    return (f"A backup of the last good state (turn {turn}) exists: Restore (b) in the Load screen brings it back, "
            "or play the slot with --restore-backup")


@dataclass
class SlotInfo:
    """A slot as the Load screen and `saves list` show it, read from its header alone."""

    name: str
    path: Path
    world_title: str = ""
    persona: str = ""
    turns: int = 0
    updated: float = 0.0
    last_lines: str = ""
    error: str = ""  # why the game cannot be loaded, and what can bring it back
    backup_turn: int | None = None  # the broken state's backup loads, at this turn: Restore offers it


class Slot:
    def __init__(self, saves_dir: str | Path, name: str):
        self.name = check_slot_name(name)
        self.saves_dir = Path(saves_dir)
        self.path = self.saves_dir / self.name
        if self.path.resolve().parent != self.saves_dir.resolve():
            raise SlotError(f"slot '{name}' would lie outside the saves directory")
        self.lock = SlotLock(self.path)
        self._journal_size = 0  # committed bytes of the journal, as the last load or save left them

    @property
    def state_path(self) -> Path:
        return self.path / STATE

    @property
    def backup_path(self) -> Path:
        return self.path / BACKUP

    @property
    def journal_path(self) -> Path:
        return self.path / JOURNAL

    @property
    def memory_path(self) -> Path:
        return self.path / MEMORY

    def exists(self) -> bool:
        return self.state_path.exists() or self.backup_path.exists()

    def create(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SlotError(f"cannot create the slot folder {self.path}: {exc.strerror or exc}") from None

    def open(self) -> None:
        """Take the slot's lock (raises SlotLocked when another game has it)."""
        self.create()
        self.lock.acquire()
        for leftover in self.path.glob(f".{STATE}.*.tmp"):  # a save cut short by a crash
            leftover.unlink(missing_ok=True)

    def close(self) -> None:
        self.lock.release()

    # --- state ----------------------------------------------------------------
    def save(self, game: Game) -> None:
        """Commit the game: new and changed nodes to the journal, then the header."""
        game.updated = time.time()
        dirty = sorted(game.dirty)
        lines = b"".join(
            json.dumps(game.nodes[i].to_dict(), ensure_ascii=False).encode("utf-8") + b"\n" for i in dirty
        )
        try:
            size = self._append_journal(lines)
            path = game.path()
            header = {
                "format": FORMAT, "app": "rgpt-fiction", **game.header(), "journal_bytes": size,
                "summary": {"turn": game.turn, "nodes": len(game.nodes), "last_lines": path[-1].paragraph[-240:]},
            }
            atomic_write(self.state_path, json.dumps(header, ensure_ascii=False).encode("utf-8"), backup=self.backup_path)
        except OSError as exc:
            raise SlotError(f"cannot save the slot '{self.name}' in {self.path}: {exc.strerror or exc}") from None
        self._journal_size = size
        game.dirty.clear()

    def _append_journal(self, data: bytes) -> int:
        fd = os.open(self.journal_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            os.ftruncate(fd, self._journal_size)  # drop what a failed save left past the commit
            os.lseek(fd, self._journal_size, os.SEEK_SET)
            half = len(data) // 2
            os.write(fd, data[:half])
            failpoints.hit("during-journal-write")
            os.write(fd, data[half:])
            os.fsync(fd)
        finally:
            os.close(fd)
        return self._journal_size + len(data)

    def load(self, use_backup: bool = False) -> Game:
        path = self.backup_path if use_backup else self.state_path
        if not use_backup and not path.exists() and self.backup_path.exists():
            path = self.backup_path  # a crash between the two renames of a save
        if not path.exists():
            raise SlotError(f"no saved game in slot '{self.name}' ({self.path})")
        try:
            return self._read(path)
        except SlotError as exc:
            if path == self.backup_path or not self.backup_path.exists():
                raise self._recoverable(exc) from None
            try:
                good = self._read(self.backup_path)
            except SlotError:
                raise self._recoverable(exc) from None
            raise BackupAvailable(f"{exc}. {backup_note(good.turn)}") from None

    def recoverable_turns(self) -> int:
        """How many turns the journal holds (0 when none): what `recover_from_journal` would bring back."""
        return len(self._journal_nodes())

    def _journal_nodes(self) -> dict[int, dict]:
        """Every node in the journal, in the order written (a later line is a newer version); a torn
        or garbled line is skipped, and so is a node whose parent is missing."""
        try:
            data = self.journal_path.read_bytes()
        except OSError:
            return {}
        nodes: dict[int, dict] = {}
        for line in data.splitlines():
            try:
                node = json.loads(line)
                node_id = int(node["id"])
                nodes.pop(node_id, None)  # re-inserted last: the most recently written node is last
                nodes[node_id] = node
            except (ValueError, KeyError, TypeError):
                continue
        kept: dict[int, dict] = {}
        for node_id in sorted(nodes):
            parent = nodes[node_id].get("parent")
            if parent is None or parent in kept:
                kept[node_id] = nodes[node_id]
        return {i: nodes[i] for i in nodes if i in kept}

    def recover_from_journal(self, game: Game) -> Game:
        """Rebuild a slot whose header and backup are both unreadable from its journal (turns.jsonl),
        which holds every turn but not the world or the persona: `game` brings those (a new Game for
        the world, as a new game would make it). The broken files are kept with a `.broken` suffix;
        the current turn is the one written last. Raises SlotError when the journal holds no turn."""
        nodes = self._journal_nodes()
        if not nodes:
            raise SlotError(f"{self.journal_path} holds no turn that can be read; nothing to recover")
        for part in (self.state_path, self.backup_path, self.journal_path):
            if part.exists():
                shutil.copy2(part, part.with_name(part.name + ".broken"))
        last = list(nodes)[-1]
        doc = {**game.header(), "current": last, "redo_child": {}, "nodes": list(nodes.values())}
        recovered = _game_from(self.journal_path, doc)
        recovered.dirty = set(recovered.nodes)
        self._journal_size = 0  # the journal is written again from the start
        self.state_path.unlink(missing_ok=True)
        self.backup_path.unlink(missing_ok=True)
        self.save(recovered)
        return recovered

    def _recoverable(self, exc: SlotError) -> SlotError:
        """The error, saying how to recover when the journal still holds the turns."""
        turns = self.recoverable_turns()
        if not turns:
            return exc
        return SlotError(f"{exc}. No good backup, but {self.journal_path.name} holds {turns} turns: Recover (v) "
                         "in the Load screen rebuilds the game from them with the world you pick")

    def restore_backup(self) -> Game:
        """Make the backup the current state again (the broken file is kept as state.json.broken).
        Call it with the slot open (locked)."""
        game = self._read(self.backup_path)
        if self.state_path.exists():
            os.replace(self.state_path, self.path / (STATE + ".broken"))
        self.save(game)
        return game

    def _read(self, path: Path) -> Game:
        """The game a header commits: its nodes are the journal's first `journal_bytes` bytes."""
        doc = read_header(path)
        if doc["format"] == 1:  # one file with every node: migrate on the next save
            game = _game_from(path, doc)
            game.dirty = set(game.nodes)
            self._journal_size = 0
            return game
        size = self._committed(path, doc)
        try:
            with open(self.journal_path, "rb") as f:
                data = f.read(size)
        except FileNotFoundError:
            data = b""
        nodes: dict[int, dict] = {}
        for number, line in enumerate(data.splitlines(), 1):
            try:
                node = json.loads(line)
                nodes[int(node["id"])] = node  # a later line for the same node is its newer version
            except (ValueError, KeyError, TypeError):
                raise SlotError(f"{self.journal_path} is corrupt at line {number}") from None
        game = _game_from(path, {**doc, "nodes": list(nodes.values())})
        game.dirty = set()
        self._journal_size = size
        return game

    def _committed(self, path: Path, doc: dict) -> int:
        """How many journal bytes the header `doc` (read from `path`) commits; SlotError when its field is
        bad or the journal is shorter (a file size: cheap enough for the Load screen's list)."""
        size = doc.get("journal_bytes")
        if not isinstance(size, int) or size < 0:
            raise SlotError(f"{path} is corrupt (bad or missing field: journal_bytes)")
        try:
            have = self.journal_path.stat().st_size
        except FileNotFoundError:
            have = 0
        if have < size:
            raise SlotError(f"{self.journal_path} is shorter than {path} says ({have} of {size} bytes)")
        return size

    def info(self) -> SlotInfo:
        """What the Load screen shows, read from the header alone (fast for long stories). A game that
        cannot be loaded says why, and what brings it back: its backup (Restore), or its journal (Recover)."""
        info = SlotInfo(self.name, self.path)
        path = self.state_path if self.state_path.exists() else self.backup_path
        try:
            doc = read_header(path)
            if doc["format"] == 1:
                game = _game_from(path, doc)
                summary = {"turn": game.turn, "last_lines": game.node.paragraph[-240:]}
            else:
                self._committed(path, doc)
                summary = doc.get("summary") or {}
            info.world_title = doc["world"].get("title", "?")
            info.persona = doc["persona"].get("name", "")
            info.turns = int(summary.get("turn", 0))
            current, count = _as_int(doc.get("current")), summary.get("nodes")
            if isinstance(count, int) and not (current is not None and 0 <= current < count):
                info.error = _bad_current(self.state_path, doc.get("current"), count)  # cheap: no journal read
            info.updated = float(doc.get("updated", 0))
            info.last_lines = str(summary.get("last_lines", ""))
        except SlotError as exc:
            info.error = str(exc)
        except KeyError as exc:
            info.error = f"{self.state_path} is corrupt (missing field: {exc.args[0]!r})"
        except (TypeError, ValueError, AttributeError) as exc:
            info.error = f"{self.state_path} is corrupt (bad field: {exc})"
        if info.error:
            self._what_brings_it_back(info)
        return info

    def _what_brings_it_back(self, info: SlotInfo) -> None:
        try:
            good = self._read(self.backup_path)
        except SlotError:
            info.error = str(self._recoverable(SlotError(info.error)))
            return
        info.backup_turn = good.turn
        info.error = f"{info.error}. {backup_note(good.turn)}"


def _game_from(path: Path, doc: dict) -> Game:
    try:
        game = Game.from_dict(doc)
    except KeyError as exc:
        raise SlotError(f"{path} is corrupt (missing field: {exc.args[0]!r}, or a turn its parent is not)") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise SlotError(f"{path} is corrupt (bad field: {exc})") from None
    if game.current not in game.nodes:
        raise SlotError(_bad_current(path, game.current, len(game.nodes)))
    return game


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _bad_current(path: Path, current, count: int) -> str:
    return (f"{path} is corrupt: its current turn (\"current\": {current}) is not one of the story's {count} turns"
            f" (ids 0 to {count - 1})")


def read_header(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SlotError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SlotError(f"{path} is corrupt (not valid JSON: {exc})") from None
    if not isinstance(doc, dict):
        raise SlotError(f"{path} is corrupt (not a saved game)")
    if doc.get("format") not in (1, FORMAT):
        raise SlotError(f"{path} has save format {doc.get('format')!r}; this version reads formats 1 and {FORMAT}")
    return doc
