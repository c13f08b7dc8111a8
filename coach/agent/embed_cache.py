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
    on every call, and only texts never seen before reach the model. A long first run reports its
    progress in `service.embedding_progress` (done, total), for a screen to show while it waits."""
    embedder = service.engine.query_embedder
    model = type(embedder).__qualname__  # ONNX and sentence-transformers twins agree (cosine >= 0.999)

    def progress(done: int, total: int) -> None:
        service.embedding_progress = (done, total) if done < total else None

    return EmbeddingCache(service.settings.data_dir / "cache" / "embeddings.sqlite3", embedder.embed, model,
                          progress)


ProgressFn = Callable[[int, int], None]
PROGRESS_AFTER = 128
"""Fewer new texts than this are embedded in one call, without progress (a second or so)."""
_SLICE = 64


class EmbeddingCache:
    """Callable like an embed function; the cache is derived data, so any storage problem just embeds."""

    def __init__(self, path: Path, embed: Embed, model: str, progress: ProgressFn | None = None) -> None:
        self.path, self.embed, self.model, self.progress = path, embed, model, progress

    def __call__(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return self.embed(texts)
        keys = [text_hash(text) for text in texts]
        found = self._load(set(keys))
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in found))
        if missing:
            new = dict(zip(map(text_hash, missing), self._embed_new(missing)))
            self._save(new)
            found.update(new)
        return np.stack([found[key] for key in keys])

    def _embed_new(self, texts: list[str]) -> np.ndarray:
        """The model's vectors, in slices with progress when there are many (shortest first, as the
        embedder batches them anyway, so slicing adds no padding)."""
        if self.progress is None or len(texts) < PROGRESS_AFTER:
            return np.asarray(self.embed(texts), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list[np.ndarray] = []
        for start in range(0, len(order), _SLICE):
            self.progress(start, len(texts))
            vectors.append(np.asarray(self.embed([texts[i] for i in order[start:start + _SLICE]]), dtype=np.float32))
        self.progress(len(texts), len(texts))
        out = np.empty((len(texts), vectors[0].shape[1]), dtype=np.float32)
        out[order] = np.concatenate(vectors)
        return out

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
