"""Long-term memory: one LanceDB table per save slot, searched by vector.

Each row knows the turn node it belongs to (`node`; -1 for world lore), so memory can
follow the story: retrieval filters on the node ids of the current path inside the
LanceDB query, which is how abandoned branches are never recalled and nothing is lost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from .rows import LORE_NODE, LongTermMemory, MemoryRow, Recall, TextEmbedder

__all__ = ["LORE_NODE", "LongTermMemory", "MemoryStore", "id_ranges", "path_filter"]

TABLE = "memories"
COMPACT_EVERY = 64  # small appends make many fragments; compact now and then


def id_ranges(ids: list[int]) -> list[tuple[int, int]]:
    """Sorted ids folded into inclusive ranges: [1,2,3,7,8] -> [(1,3),(7,8)]. Vectorised: a path of
    100,000 turns folds in about a millisecond."""
    import numpy as np

    if len(ids) == 0:
        return []
    a = np.asarray(ids, dtype=np.int64)
    if not (np.diff(a) > 0).all():  # a path is already in order (ids grow along it): skip the sort
        a = np.unique(a)
    breaks = np.flatnonzero(np.diff(a) != 1)
    starts = np.concatenate(([a[0]], a[breaks + 1]))
    ends = np.concatenate((a[breaks], [a[-1]]))
    return [(int(x), int(y)) for x, y in zip(starts, ends)]


def path_filter(ids: list[int]) -> str:
    """A LanceDB SQL filter matching exactly the given node ids, compact for long linear paths."""
    parts = [f"node = {a}" if a == b else f"(node >= {a} AND node <= {b})" for a, b in id_ranges(ids)]
    return "(" + " OR ".join(parts) + ")" if parts else "false"


class MemoryStore:
    """Vectors and texts of a slot's long-term memory. The embedder is passed in."""

    def __init__(self, path: str | Path, embedder: TextEmbedder):
        self.path = Path(path)
        self.embedder = embedder
        self._db: Any = None  # LanceDB, connected on first use
        self._table: Any = None
        self._adds = 0

    # --- plumbing -------------------------------------------------------------
    def _connect(self):
        if self._db is None:
            import lancedb

            self._db = lancedb.connect(str(self.path))
        return self._db

    def _schema(self):
        import pyarrow as pa

        return pa.schema([
            pa.field("node", pa.int64()),
            pa.field("turn", pa.int32()),
            pa.field("kind", pa.string()),
            pa.field("lore_index", pa.int32()),
            pa.field("text", pa.string()),
            pa.field("vector", pa.list_(pa.float32(), self.embedder.dim)),
        ])

    def table(self):
        if self._table is None:
            db = self._connect()
            self._table = db.create_table(TABLE, schema=self._schema(), exist_ok=True)
        return self._table

    # --- writing --------------------------------------------------------------
    def add(self, rows: Sequence[MemoryRow], vectors: Any = None) -> int:
        """Store rows; embeds their texts unless `vectors` (one per row) are given."""
        if not rows:
            return 0
        if vectors is None:
            vectors = self.embedder.embed([r.text for r in rows])
        import pyarrow as pa

        data = pa.Table.from_pydict(
            {
                "node": [r.node for r in rows],
                "turn": [r.turn for r in rows],
                "kind": [r.kind for r in rows],
                "lore_index": [r.lore_index for r in rows],
                "text": [r.text for r in rows],
                "vector": [list(map(float, v)) for v in vectors],
            },
            schema=self._schema(),
        )
        table = self.table()
        table.add(data)
        self._adds += 1
        if self._adds % COMPACT_EVERY == 0:
            self.compact()
        return len(rows)

    def delete_nodes(self, nodes: list[int]) -> None:
        for a, b in id_ranges(nodes):
            self.table().delete(f"node >= {a} AND node <= {b}")

    def compact(self) -> None:
        import warnings
        from datetime import timedelta

        with warnings.catch_warnings():  # one writer per slot (the lock): no reader holds old versions
            warnings.simplefilter("ignore", UserWarning)
            self.table().optimize(cleanup_older_than=timedelta(seconds=0))

    # --- reading --------------------------------------------------------------
    def count(self, where: str | None = None) -> int:
        return self.table().count_rows(where)

    def nodes(self) -> set[int]:
        """Node ids that have rows (lore excluded)."""
        t = self.table()
        n = t.count_rows()
        if n == 0:
            return set()
        arrow = t.search().where(f"node <> {LORE_NODE}").select(["node"]).limit(n).to_arrow()
        return set(arrow.column("node").to_pylist())

    def search(self, vector: Any, k: int, where: str | None = None) -> list[Recall]:
        if k <= 0 or self.count() == 0:
            return []
        q = self.table().search(vector).distance_type("cosine")
        if where:
            q = q.where(where, prefilter=True)
        rows = q.select(["node", "turn", "kind", "lore_index", "text", "_distance"]).limit(k).to_list()
        return [
            Recall(r["text"], r["turn"], 1.0 - float(r["_distance"]), "lore" if r["kind"] == "lore" else "paragraph",
                   node=r["node"], lore_index=r["lore_index"])
            for r in rows
        ]

    def search_path(self, vector: Any, k: int, path_ids: list[int]) -> list[Recall]:
        """The k paragraphs nearest to `vector` among the turns on a path."""
        if not path_ids:
            return []
        return self.search(vector, k, f"kind = 'paragraph' AND {path_filter(path_ids)}")

    def search_lore(self, vector: Any, k: int) -> list[Recall]:
        return self.search(vector, k, "kind = 'lore'")

    def search_text(self, text: str, k: int, path_ids: list[int] | None = None) -> list[Recall]:
        """For people: search the memory with words (the memory panel's search box)."""
        vec = self.embedder.embed_one(text)
        where = None if path_ids is None else f"(kind = 'lore' OR {path_filter(path_ids)})"
        return self.search(vec, k, where)
