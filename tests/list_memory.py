"""A long-term memory held in lists: the store's protocol (memory.store.LongTermMemory) without
LanceDB or a slot on disk, for tests of the turn pipeline. Vectors are unit length, so the
score is the dot product, as the LanceDB store's cosine similarity."""

import numpy as np

from rgpt_fiction.memory.rows import MemoryRow, Recall


class ListMemory:
    def __init__(self, embedder):
        self.embedder = embedder
        self.rows: list[MemoryRow] = []
        self.vectors: list[np.ndarray] = []

    def add(self, rows, vectors=None) -> int:
        if not rows:
            return 0
        if vectors is None:
            vectors = self.embedder.embed([r.text for r in rows])
        assert len(vectors) == len(rows), "one vector per row"
        self.rows += rows
        self.vectors += [np.asarray(v, dtype="float32") for v in vectors]
        return len(rows)

    def _search(self, vector, k, keep) -> list[Recall]:
        scored = sorted(((float(v @ vector), r) for r, v in zip(self.rows, self.vectors) if keep(r)),
                        key=lambda pair: -pair[0])
        return [Recall(r.text, r.turn, s, r.kind, node=r.node, lore_index=r.lore_index) for s, r in scored[:k]]

    def search_path(self, vector, k, path_ids):
        ids = set(path_ids)
        return self._search(vector, k, lambda r: r.kind == "paragraph" and r.node in ids)

    def search_lore(self, vector, k):
        return self._search(vector, k, lambda r: r.kind == "lore")

    def search_text(self, text, k, path_ids=None):
        ids = None if path_ids is None else set(path_ids)
        return self._search(self.embedder.embed_one(text), k, lambda r: r.kind == "lore" or ids is None or r.node in ids)
