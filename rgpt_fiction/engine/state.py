"""The story state: a tree of turns, the reader's persona, and the path the reader sees."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field


@dataclass
class Persona:
    name: str
    description: str = ""
    tone: str = ""  # the reader's wishes: a tone, or anything to avoid

    @classmethod
    def from_dict(cls, data: dict) -> "Persona":
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
    settings: dict = field(default_factory=dict)
    retrieved: list[dict] = field(default_factory=list)  # long-term memories recalled for this turn
    created: float = field(default_factory=time.time)
    depth: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Node":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Game:
    """A whole game: the world snapshot, the persona, and the tree of turns with a current node."""

    world: dict
    persona: Persona
    nodes: dict[int, Node] = field(default_factory=dict)
    current: int = 0
    redo_child: dict[int, int] = field(default_factory=dict)  # parent id -> child last visited
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
        while nid is not None:
            if cached is not None and nid == cached[0]:
                ids = cached[1] + tail[::-1]
                break
            tail.append(nid)
            nid = self.nodes[nid].parent
        else:
            ids = tail[::-1]
        self._path = (ids[-1], ids) if ids else None
        return list(ids)

    def path(self) -> list[Node]:
        return [self.nodes[i] for i in self.path_ids()]

    def add(self, node: Node) -> None:
        node.depth = 0 if node.parent is None else self.nodes[node.parent].depth + 1
        self.nodes[node.id] = node
        self.dirty.add(node.id)
        if node.parent is not None:
            self.redo_child[node.parent] = node.id
        self.current = node.id
        self.updated = time.time()

    def header(self) -> dict:
        """Everything but the nodes."""
        return {
            "world": self.world,
            "persona": asdict(self.persona),
            "current": self.current,
            "redo_child": {str(k): v for k, v in self.redo_child.items()},
            "created": self.created,
            "updated": self.updated,
        }

    def to_dict(self) -> dict:
        return {**self.header(), "nodes": [n.to_dict() for n in sorted(self.nodes.values(), key=lambda n: n.id)]}

    @classmethod
    def from_dict(cls, data: dict) -> "Game":
        nodes = {n["id"]: Node.from_dict(n) for n in data["nodes"]}
        game = cls(
            world=data["world"],
            persona=Persona.from_dict(data["persona"]),
            nodes=nodes,
            current=int(data["current"]),
            redo_child={int(k): int(v) for k, v in data.get("redo_child", {}).items()},
            created=data.get("created", time.time()),
            updated=data.get("updated", time.time()),
        )
        for node in sorted(nodes.values(), key=lambda n: n.id):
            node.depth = 0 if node.parent is None else nodes[node.parent].depth + 1
        return game
