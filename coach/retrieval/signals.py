"""Scoring notes for a query: dense and keyword signals over passages and whole notes, fused, time-aware."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from coach.retrieval.fusion import Signal, collapse, passage_per_note, zscore_fusion
from coach.retrieval.keyword import KeywordIndex
from coach.retrieval.manifest import Manifest
from coach.retrieval.note_level import NoteLevelIndex
from coach.retrieval.people import People
from coach.retrieval.timeparse import TimeHint, rerank_by_time

POOL = 100  # chunks per retriever before collapsing to notes and fusing


@dataclass
class LoadedSource:
    """A loaded source: its collection, manifest, keyword index, chunk→path map and people."""

    name: str
    collection: Any  # a chromadb Collection (chromadb's own types are not read: see [tool.mypy])
    manifest: Manifest
    keywords: KeywordIndex | None
    chunk_paths: dict[str, str]
    note_level: NoteLevelIndex | None
    people: People


def score_notes(src: LoadedSource, topic: str, vector, allowed: set[str] | None, mode: str,
                hint: TimeHint, time_only: bool) -> dict[str, tuple[str, float]]:
    """Each candidate note's fused z-score (after the time hint), with the passage that shows it best."""
    found = signals(src, topic, vector, allowed, mode)
    fused = zscore_fusion([dict(s.scores) for s in found], [s.fill for s in found])
    per_note = passage_per_note(fused, [s.passages for s in found if s.passages], src.manifest)
    per_note = _apply_time_hint(per_note, src, hint, time_only)
    return {src.chunk_paths[cid]: (cid, z) for cid, z in per_note.items()}


def signals(src: LoadedSource, query: str, vector, allowed: set[str] | None, mode: str) -> list[Signal]:
    """Passage and whole-note scores from each retriever the mode uses."""
    out = []
    if mode in ("hybrid", "dense"):
        out.append(collapse(_dense_passages(src, vector, allowed), src.chunk_paths, None, "dense-passage"))
        if src.note_level is not None:
            out.append(Signal(src.note_level.dense_ranking(vector, allowed, POOL), None, None, "dense-note"))
    if mode in ("hybrid", "keyword"):
        if src.keywords is not None:
            out.append(collapse(_keyword_passages(src, src.keywords, query, allowed), src.chunk_paths, 0.0, "keyword-passage"))
        if src.note_level is not None:
            out.append(Signal(src.note_level.keyword_ranking(query, allowed, POOL), None, 0.0, "keyword-note"))
    return out


def _dense_passages(src: LoadedSource, vector: np.ndarray, allowed: set[str] | None) -> list[tuple[str, float]]:
    """Top passages by cosine similarity (Chroma's cosine distance is 1 - similarity)."""
    where = {"path": {"$in": sorted(allowed)}} if allowed is not None else None
    result = src.collection.query(
        query_embeddings=[vector.tolist()], n_results=min(POOL, len(src.chunk_paths)), where=where,
        include=["distances"],
    )
    return [(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0])]


def _keyword_passages(src: LoadedSource, keywords: KeywordIndex, query: str,
                      allowed: set[str] | None) -> list[tuple[str, float]]:
    scores = keywords.scores(query)
    if allowed is not None:
        mask = np.zeros_like(scores, dtype=bool)
        ids = [cid for cid in keywords.ids if src.chunk_paths.get(cid) in allowed]
        mask[keywords.positions(ids)] = True
        scores = np.where(mask, scores, 0.0)
    n = min(POOL, int((scores > 0).sum()))
    if n == 0:
        return []
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(keywords.ids[i], float(scores[i])) for i in top if keywords.ids[i] in src.chunk_paths]


def _apply_time_hint(scored: dict[str, float], src: LoadedSource, hint: TimeHint, time_only: bool) -> dict[str, float]:
    if hint.empty or src.name != "notes" or not scored:
        return scored
    dates = {cid: date.fromisoformat(src.manifest.notes[src.chunk_paths[cid]].date) for cid in scored}
    return rerank_by_time(scored, dates, hint, time_only)
