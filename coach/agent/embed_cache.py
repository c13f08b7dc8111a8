"""Vectors of short texts (commitments, follow-ups, principle questions) cached by text hash in the data dir."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import numpy as np

from coach import paths
from coach.errors import ConfigError

Embed = Callable[[list[str]], np.ndarray]
_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (model TEXT, hash TEXT, vector BLOB, PRIMARY KEY (model, hash))"
_BATCH = 500  # SQLite's bound-parameter limit is 999 on old builds


def text_hash(text: str) -> str:
    """The cache key of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_embed(service) -> Embed:
    """The service's query embedder behind a cache: agendas and reflections embed the same commitments
    on every call, and only texts never seen before reach the model."""
    embedder = service.engine.query_embedder
    model = type(embedder).__qualname__  # ONNX and sentence-transformers twins agree (cosine >= 0.999)
    return EmbeddingCache(service.settings.data_dir / "cache" / "embeddings.sqlite3", embedder.embed, model)


class EmbeddingCache:
    """Callable like an embed function; the cache is derived data, so any storage problem just embeds."""

    def __init__(self, path: Path, embed: Embed, model: str) -> None:
        self.path, self.embed, self.model = path, embed, model

    def __call__(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return self.embed(texts)
        keys = [text_hash(text) for text in texts]
        found = self._load(set(keys))
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in found))
        if missing:
            new = dict(zip(map(text_hash, missing), np.asarray(self.embed(missing), dtype=np.float32)))
            self._save(new)
            found.update(new)
        return np.stack([found[key] for key in keys])

    def _connect(self) -> sqlite3.Connection:
        paths.ensure_private_dir(self.path.parent)
        connection = sqlite3.connect(self.path, timeout=5)
        connection.execute(_SCHEMA)
        return connection

    def _load(self, keys: set[str]) -> dict[str, np.ndarray]:
        try:
            with closing(self._connect()) as db:
                rows = []
                ordered = sorted(keys)
                for start in range(0, len(ordered), _BATCH):
                    batch = ordered[start : start + _BATCH]
                    marks = ",".join("?" * len(batch))
                    query = f"SELECT hash, vector FROM vectors WHERE model = ? AND hash IN ({marks})"
                    rows += db.execute(query, [self.model, *batch]).fetchall()
        except (sqlite3.Error, OSError, ConfigError):  # a cache that can't open is skipped, never fatal
            return {}
        return {key: np.frombuffer(blob, dtype=np.float32) for key, blob in rows}

    def _save(self, vectors: dict[str, np.ndarray]) -> None:
        try:
            with closing(self._connect()) as db, db:  # the inner `db` commits
                db.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
                    [(self.model, key, vector.tobytes()) for key, vector in vectors.items()],
                )
        except (sqlite3.Error, OSError, ConfigError):  # a cache that can't open is skipped, never fatal
            pass  # not cached this time; the vectors are still returned
