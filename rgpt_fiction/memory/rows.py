"""What long-term memory holds (a MemoryRow) and what a search of it finds (a Recall), and what
the engine needs of a memory and an embedder (LongTermMemory, TextEmbedder): the shapes the engine
and the store share, so the engine is handed a store and never imports one (lancedb, torch).

A Recall is the one shape of a remembered thing: the store's searches return it, the
paragraph prompt lists it, a turn saves the recalls it used (`Node.retrieved`), and the
memory panel shows both those and the reader's own searches with one renderer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol, Sequence

LORE_NODE = -1  # the node of the world's lore rows: they belong to no turn
Kind = Literal["paragraph", "lore"]


@dataclass(frozen=True)
class MemoryRow:
    """One row of a slot's long-term memory: a paragraph of a turn, or an entry of the world's lore."""

    node: int  # the turn node it belongs to; LORE_NODE for lore
    turn: int  # the node's depth (turns from the opening); -1 for lore
    kind: Kind
    text: str
    lore_index: int = -1  # the entry's index in the world's lore; -1 for a paragraph

    @classmethod
    def paragraph(cls, node: int, turn: int, text: str) -> MemoryRow:
        return cls(node, turn, "paragraph", text)

    @classmethod
    def lore(cls, index: int, text: str) -> MemoryRow:
        return cls(LORE_NODE, -1, "lore", text, index)


@dataclass(frozen=True)
class Recall:
    """A long-term memory found by a search: its text, the turn it was written in (-1 for lore),
    how similar it was (cosine), and for lore why it came in ("always", "key: …", "similar: …")."""

    text: str
    turn: int
    score: float
    kind: Kind = "paragraph"
    reason: str = ""
    node: int = LORE_NODE  # the row's node (LORE_NODE for lore, and for recalls saved before it was kept)
    lore_index: int = -1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Recall:
        """A recall as a save holds it (older saves have no node or lore_index)."""
        return cls(
            text=str(data.get("text", "")), turn=int(data.get("turn", -1)), score=float(data.get("score", 0.0)),
            kind="lore" if data.get("kind") == "lore" else "paragraph", reason=str(data.get("reason", "")),
            node=int(data.get("node", LORE_NODE)), lore_index=int(data.get("lore_index", -1)),
        )

    @classmethod
    def saved(cls, items: Any) -> list[Recall]:
        """The recalls a saved turn holds. They are only shown, never needed: an entry that cannot
        be read is left out rather than refusing the whole story."""
        out = []
        for item in items if isinstance(items, list) else []:
            try:
                out.append(item if isinstance(item, Recall) else cls.from_dict(item))
            except (AttributeError, TypeError, ValueError):
                continue
        return out


class TextEmbedder(Protocol):
    """What long-term memory needs of an embedder: unit-length float32 vectors for texts
    (Embedder below, or a fast stand-in in tests)."""

    @property
    def dim(self) -> int: ...

    def embed(self, texts: list[str]) -> Any: ...

    def embed_one(self, text: str) -> Any: ...


class LongTermMemory(Protocol):
    """What the engine needs of a long-term memory: rows stored with their vectors, and searches
    that find Recalls. MemoryStore is the LanceDB one; tests may pass one held in a list."""

    embedder: TextEmbedder

    def add(self, rows: Sequence[MemoryRow], vectors: Any = None) -> int: ...

    def search_path(self, vector: Any, k: int, path_ids: list[int]) -> list[Recall]: ...

    def search_lore(self, vector: Any, k: int) -> list[Recall]: ...

    def search_text(self, text: str, k: int, path_ids: list[int] | None = None) -> list[Recall]: ...
