"""Embeddings the engine reuses: each text is embedded once (paragraphs, plans, memories).

Embedding a paragraph costs tens of milliseconds on a small CPU; the turn step keeps
that work off the reader's critical path by reusing vectors and computing the next
turn's query parts while the reader is reading.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from ..memory.rows import TextEmbedder


# How much the plan counts against the short-term memory in the retrieval query. Chosen by the
# recall benchmark (benchmarks/recall.py, plan_weight_sweep): 0.9 recalled planted facts best,
# also when the fact was buried in an unrelated paragraph; 0.6 recalled far fewer.
PLAN_WEIGHT = 0.9


class VectorCache:
    def __init__(self, embedder: TextEmbedder, size: int = 128):
        self.embedder = embedder
        self.size = size
        self._vecs: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.misses = 0

    def many(self, texts: list[str]) -> np.ndarray:
        """Vectors for texts, embedding only those not seen recently (in one batch)."""
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vecs]
            if missing:
                self.misses += len(missing)
                for t, v in zip(missing, self.embedder.embed(missing)):
                    self._vecs[t] = v
            out = []
            for t in texts:
                self._vecs.move_to_end(t)
                out.append(self._vecs[t])
            while len(self._vecs) > self.size:
                self._vecs.popitem(last=False)
        return np.stack(out) if out else np.zeros((0, 0), dtype="float32")

    def one(self, text: str) -> np.ndarray:
        return self.many([text])[0]

    def query(self, plan: str, memory: str, plan_weight: float | None = None) -> np.ndarray:
        """The retrieval query: the plan and the short-term memory, embedded apart and mixed."""
        if not memory.strip():
            return self.one(plan)
        p, m = self.many([plan, memory])
        plan_weight = PLAN_WEIGHT if plan_weight is None else plan_weight
        q = plan_weight * p + (1.0 - plan_weight) * m
        return (q / (np.linalg.norm(q) or 1.0)).astype("float32")
