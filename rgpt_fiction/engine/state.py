"""The story state: a tree of turns, the reader's persona, and the path the reader sees.

The world is held as the validated `World` model, read by attribute; a save holds its
snapshot (plain data) and a world that no longer validates is reported by field.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import ValidationError

from ..memory.rows import MemoryRow, Recall
from ..world.model import World


@dataclass
class Persona:
    name: str
    description: str = ""
    tone: str = ""  # the reader's wishes: a tone, or anything to avoid

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Persona:
        return cls(**{k: data.get(k, "") for k in ("name", "description", "tone")})


@dataclass
class Node:
    """One turn: the plan that led here, the paragraph written for it, and the state after it."""

    id: int
    parent: int | None
    plan: str  # the plan taken (chosen or typed); "" for the opening
    paragraph: str
    memory: str  # short-term memory after this turn
    plans: list[str]  # plans offered for the next turn
    facts: list[str] = field(default_factory=list)  # continuity ledger after this turn
    own_plan: bool = False  # True when the reader typed the plan
    model: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    retrieved: list[Recall] = field(default_factory=list)  # long-term memories recalled for this turn
    pinned: list[str] = field(default_factory=list)  # facts the reader pinned: in every prompt, copied to each new turn
    edited_from: int | None = None  # the version of this turn the reader edited into this one
    copied_from: int | None = None  # the turn this one copies, kept after an edit of an earlier turn
    event: int | None = None  # the world event this turn told at its end (engine/world_events.py)
    created: float = field(default_factory=time.time)
    depth: int = 0  # turns from the opening; set by the game the node is added to

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Node:
        known = {f for f in cls.__dataclass_fields__}
        node = cls(**{k: v for k, v in data.items() if k in known})
        node.retrieved = Recall.saved(node.retrieved)
        return node


def world_from_snapshot(data: Any) -> World:
    """The world a save holds; a snapshot that does not validate is a ValueError naming the field."""
    try:
        return World.from_snapshot(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(the whole world)"
        raise ValueError(f"world.{where}: {first['msg']}") from None


@dataclass
class Game:
    """A whole game: the world, the persona, and the tree of turns with a current node."""

    world: World
    persona: Persona
    nodes: dict[int, Node] = field(default_factory=dict)
    current: int = 0
    redo_child: dict[int, int] = field(default_factory=dict)  # parent id -> child last visited
    edits: dict[int, int] = field(default_factory=dict)  # the turn an edit left current -> the one before it
    created: float = field(default_factory=time.time)
    updated: float = field(default_factory=time.time)
    dirty: set[int] = field(default_factory=set, repr=False, compare=False)  # nodes not yet saved
    _path: tuple[int, list[int]] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.dirty = set(self.nodes)  # a game built in memory has everything still to save

    # --- tree ---------------------------------------------------------------
    @property
    def node(self) -> Node:
        return self.nodes[self.current]

    @property
    def turn(self) -> int:
        """Turns played on the current path (the opening is turn 0)."""
        return self.node.depth

    def depth_below(self, parent: int | None) -> int:
        """The depth of a turn written after `parent` (None: the opening, depth 0). The one place
        depth is computed: for a turn being written, a turn added, and a game loaded."""
        return 0 if parent is None else self.nodes[parent].depth + 1

    def next_id(self) -> int:
        return max(self.nodes, default=-1) + 1

    def children(self, node_id: int) -> list[int]:
        return sorted(n.id for n in self.nodes.values() if n.parent == node_id)

    def path_ids(self, node_id: int | None = None) -> list[int]:
        """Node ids from the root to `node_id` (default: the current node). The last path
        walked is cached, so a long story does not walk all its parents every turn."""
        nid = self.current if node_id is None else node_id
        if self._path is not None and self._path[0] == nid:
            return list(self._path[1])
        tail: list[int] = []
        cached = self._path
        walk: int | None = nid
        while walk is not None:
            if cached is not None and walk == cached[0]:
                ids = cached[1] + tail[::-1]
                break
            tail.append(walk)
            walk = self.nodes[walk].parent
        else:
            ids = tail[::-1]
        self._path = (ids[-1], ids) if ids else None
        return list(ids)

    def path(self) -> list[Node]:
        return [self.nodes[i] for i in self.path_ids()]

    def add(self, node: Node) -> None:
        node.depth = self.depth_below(node.parent)
        self.nodes[node.id] = node
        self.dirty.add(node.id)
        if node.parent is not None:
            self.redo_child[node.parent] = node.id
        self.current = node.id
        self.updated = time.time()

    def lore_rows(self) -> list[MemoryRow]:
        """The world's lore as long-term memory rows (stored with the opening)."""
        return [MemoryRow.lore(i, entry.text) for i, entry in enumerate(self.world.lore)]

    # --- moves in the tree (the caller saves) ----------------------------------
    def go(self, node_id: int) -> Node:
        """Make `node_id` the current turn, remembering it as its parent's way forward."""
        self.current = node_id
        parent = self.nodes[node_id].parent
        if parent is not None:
            self.redo_child[parent] = node_id
        return self.node

    def undo(self) -> Node | None:
        """Back to the parent turn; None at the opening. Where an edit left the story, back to the turn
        that was current before it (the version before the edit, with its later turns)."""
        before = self.edits.get(self.current)
        if before is not None and before in self.nodes:
            return self.go(before)
        parent = self.node.parent
        return None if parent is None else self.go(parent)

    def mark_edit(self, after: int, before: int) -> None:
        """An edit (or the rewrite of a turn after one) left `after` current; undo there goes back to
        `before`. A rewrite moves the mark from the turn it went on from."""
        parent = self.nodes[after].parent
        if parent is not None and self.edits.get(parent) == before:
            del self.edits[parent]
        self.edits[after] = before

    def redo(self) -> Node | None:
        """Forward to the child last visited (else the newest); None at the end of a branch."""
        child = self.redo_child.get(self.current)
        if child is None:
            kids = self.children(self.current)
            child = kids[-1] if kids else None
        return None if child is None else self.go(child)

    def versions(self, node_id: int) -> list[int]:
        """The versions of a turn: the turns written for the same parent and plan (itself included)."""
        node = self.nodes[node_id]
        if node.parent is None:
            return [node.id]
        return [i for i in self.children(node.parent) if self.nodes[i].plan == node.plan]

    def alternatives(self) -> list[int]:
        """The versions of the current turn."""
        return self.versions(self.current)

    def alt(self, step: int) -> Node | None:
        """The version `step` places away from the current one; None past either end."""
        alts = self.alternatives()
        i = alts.index(self.current) + step
        return self.go(alts[i]) if 0 <= i < len(alts) else None

    def goto(self, node_id: int) -> Node:
        if node_id not in self.nodes:
            raise KeyError(f"no turn with id {node_id}")
        return self.go(node_id)

    # --- saving -------------------------------------------------------------
    def header(self) -> dict[str, Any]:
        """Everything but the nodes."""
        return {
            "world": self.world.snapshot(),
            "persona": asdict(self.persona),
            "current": self.current,
            "redo_child": {str(k): v for k, v in self.redo_child.items()},
            "edits": {str(k): v for k, v in self.edits.items()},
            "created": self.created,
            "updated": self.updated,
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.header(), "nodes": [n.to_dict() for n in sorted(self.nodes.values(), key=lambda n: n.id)]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Game:
        nodes = {n["id"]: Node.from_dict(n) for n in data["nodes"]}
        game = cls(
            world=world_from_snapshot(data["world"]),
            persona=Persona.from_dict(data["persona"]),
            nodes=nodes,
            current=int(data["current"]),
            redo_child={int(k): int(v) for k, v in data.get("redo_child", {}).items()},
            edits={int(k): int(v) for k, v in data.get("edits", {}).items()},
            created=data.get("created", time.time()),
            updated=data.get("updated", time.time()),
        )
        for node in sorted(nodes.values(), key=lambda n: n.id):
            node.depth = game.depth_below(node.parent)
        return game
