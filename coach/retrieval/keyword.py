"""The keyword (BM25) index beside the vectors: stemmed words, saved next to the manifest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from coach.fsutil import atomic_write
from coach.text import tokenize

__all__ = ["KeywordIndex", "tokenize"]


class KeywordIndex:
    """BM25 over one source's chunks; `ids[i]` names the chunk scored at position i."""

    def __init__(self, retriever, ids: list[str]) -> None:
        self._retriever = retriever
        self.ids = ids
        self._position = {cid: i for i, cid in enumerate(ids)}

    @classmethod
    def build(cls, ids: list[str], texts: list[str]):
        import bm25s

        retriever = bm25s.BM25()
        # bm25s cannot index an empty corpus; a placeholder keeps the code path uniform.
        corpus = [tokenize(text) or ["\x00"] for text in texts] or [["\x00"]]
        retriever.index(corpus, show_progress=False)
        return cls(retriever, list(ids))

    def scores(self, query: str) -> np.ndarray:
        """A BM25 score for every chunk (0 where no query word occurs)."""
        tokens = tokenize(query)
        if not tokens or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)[: len(self.ids)]

    def coverage(self, query: str) -> float:
        """Share of the query's IDF weight carried by words that occur in this index at all.

        Near 0 means the words that make the query specific never appear: whatever ranks first
        only shares the query's common words, so it is unlikely to answer it."""
        tokens = list(dict.fromkeys(tokenize(query)))
        if not tokens or not self.ids:
            return 0.0
        vocab, indptr = self._retriever.vocab_dict, self._retriever.scores["indptr"]
        freqs = [int(indptr[vocab[t] + 1] - indptr[vocab[t]]) if t in vocab else 0 for t in tokens]
        idf = [np.log((len(self.ids) + 1) / (df + 0.5)) for df in freqs]
        return float(sum(w for w, df in zip(idf, freqs) if df) / sum(idf))

    def positions(self, ids: list[str]) -> np.ndarray:
        return np.fromiter((self._position[cid] for cid in ids if cid in self._position), dtype=np.int64)

    def save(self, folder: Path) -> None:
        """Write to a sibling folder and swap it in, so a crash never leaves half an index."""
        staging = folder.with_name(folder.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        self._retriever.save(str(staging))
        atomic_write(staging / "ids.json", json.dumps(self.ids))
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path):
        """The saved index, or None when it is missing or unreadable (the indexer rebuilds it)."""
        import bm25s

        try:
            ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
            retriever = bm25s.BM25.load(str(folder), mmap=True)
        except (OSError, ValueError, KeyError):
            return None
        return cls(retriever, ids)
