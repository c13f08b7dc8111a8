"""Whole-note signals beside the passage ones: a mean vector and a BM25 entry per note.

Passages find the sentence that answers; whole notes find the note a question is *about* when its
words are spread over several sections. Fusing both ranks notes better than either alone."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from coach.fsutil import atomic_write
from coach.retrieval.keyword import KeywordIndex


class NoteLevelIndex:
    """`paths[i]` has mean passage vector `vectors[i]` and BM25 document i."""

    def __init__(self, paths: list[str], vectors: np.ndarray, keywords: KeywordIndex) -> None:
        self.paths = paths
        self.vectors = vectors
        self.keywords = keywords

    @classmethod
    def build(cls, chunk_paths: list[str], vectors: np.ndarray, texts: list[str]) -> NoteLevelIndex:
        rows: dict[str, list[int]] = defaultdict(list)
        for i, path in enumerate(chunk_paths):
            rows[path].append(i)
        paths = sorted(rows)
        means = np.stack([vectors[rows[p]].mean(axis=0) for p in paths]) if paths else np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 384))
        means = (means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)).astype(np.float32)
        keywords = KeywordIndex.build(paths, ["\n".join(texts[i] for i in rows[p]) for p in paths])
        return cls(paths, means, keywords)

    def dense_ranking(self, vector: np.ndarray, allowed: set[str] | None, limit: int) -> list[tuple[str, float]]:
        """Best `limit` notes by cosine of their mean vector, with that cosine."""
        scores = self.vectors @ vector
        return self._top(scores, allowed, limit, require_positive=False)

    def keyword_ranking(self, query: str, allowed: set[str] | None, limit: int) -> list[tuple[str, float]]:
        """Best `limit` notes by whole-note BM25 (only notes sharing a word), with that score."""
        return self._top(self.keywords.scores(query), allowed, limit, require_positive=True)

    def _top(self, scores: np.ndarray, allowed, limit: int, require_positive: bool) -> list[tuple[str, float]]:
        order = np.argsort(-scores, kind="stable")
        out = []
        for i in order:
            if require_positive and scores[i] <= 0:
                break
            if allowed is None or self.paths[i] in allowed:
                out.append((self.paths[i], float(scores[i])))
                if len(out) >= limit:
                    break
        return out

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.keywords.save(folder / "bm25")
        tmp = folder / "vectors.tmp.npy"
        np.save(tmp, self.vectors)
        tmp.replace(folder / "vectors.npy")
        atomic_write(folder / "paths.json", json.dumps(self.paths))

    @classmethod
    def load(cls, folder: Path) -> NoteLevelIndex | None:
        try:
            paths = json.loads((folder / "paths.json").read_text(encoding="utf-8"))
            vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        except (OSError, ValueError):
            return None
        keywords = KeywordIndex.load(folder / "bm25")
        if keywords is None or len(paths) != len(vectors):
            return None
        return cls(paths, vectors, keywords)
