"""A deterministic stand-in embedder for process-level tests that must start fast (no torch).
Words are hashed into a 384-dimensional unit vector, so similar wording gives similar vectors."""

import hashlib

import numpy as np


class HashEmbedder:
    name = "hash-384"
    dim = 384

    def load(self):
        pass

    def embed(self, texts):
        out = np.zeros((len(texts), self.dim), dtype="float32")
        for row, text in enumerate(texts):
            for word in text.lower().split():
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                out[row, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
            norm = np.linalg.norm(out[row]) or 1.0
            out[row] /= norm
        return out

    def embed_one(self, text):
        return self.embed([text])[0]
