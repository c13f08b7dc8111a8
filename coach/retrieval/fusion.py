"""Fusing retrievers' note rankings: reciprocal rank fusion, or z-scores of their raw scores."""

from __future__ import annotations

import math
from dataclasses import dataclass

RRF_K = 60


def reciprocal_rank_fusion(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Score each id by the sum of 1/(k + rank) over the rankings it appears in (rank from 1)."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


def max_rrf(lists: int, k: int = RRF_K) -> float:
    """The best possible fused score: first in every list (used to scale scores to 0..1)."""
    return lists / (k + 1)


def zscore_fusion(signals: list[dict[str, float]], fills: list[float | None]) -> dict[str, float]:
    """Mean z-score over signals for every candidate any signal found (CombSUM of standardised scores).

    Unlike RRF this keeps *how far* ahead a note is, so one retriever's clear winner is not
    out-voted by another's near-ties. A signal that missed a candidate scores it `fill`
    (None: that signal's lowest score, an upper bound on what it would have given)."""
    candidates = sorted(set().union(*signals)) if signals else []
    total = dict.fromkeys(candidates, 0.0)
    for scores, fill in zip(signals, fills):
        if not scores:
            continue
        floor = min(scores.values()) if fill is None else fill
        for item, z in zip(candidates, _standardise([scores.get(c, floor) for c in candidates])):
            total[item] += z / len(signals)
    return total


def _standardise(values: list[float]) -> list[float]:
    mean = sum(values) / len(values)
    spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    return [(v - mean) / spread if spread > 0 else 0.0 for v in values]


@dataclass(frozen=True)
class Signal:
    """One retriever's view: (note, score) best first; the passage that scored each note; the score of a miss."""

    scores: list[tuple[str, float]]
    passages: list[tuple[str, str]] | None
    fill: float | None  # None: the lowest score seen (dense); 0 for BM25, where a miss means no shared word
    name: str = ""  # e.g. "dense-passage"; shown by `Searcher.explain`


def squash(z: float) -> float:
    """A fused z-score as a 0..1 display score (logistic; the order is unchanged)."""
    return 1.0 / (1.0 + math.exp(-z))


def collapse(
    passages: list[tuple[str, float]], chunk_paths: dict[str, str], fill: float | None, name: str = ""
) -> Signal:
    """Passage scores to note scores: each note at its best passage, which is kept to show."""
    scores: dict[str, float] = {}
    best: dict[str, str] = {}
    for cid, score in passages:
        path = chunk_paths.get(cid)
        if path is not None and path not in best:
            scores[path], best[path] = score, cid
    return Signal(list(scores.items()), list(best.items()), fill, name)


def passage_per_note(
    fused: dict[str, float], note_rankings: list[list[tuple[str, str]]], manifest
) -> dict[str, float]:
    """Each note's fused score, keyed by the passage that ranked it highest (first retriever wins ties).

    A note found only as a whole is shown by its first passage."""
    best: dict[str, tuple[int, str]] = {}
    for ranking in note_rankings:
        for rank, (path, cid) in enumerate(ranking):
            if path not in best or rank < best[path][0]:
                best[path] = (rank, cid)
    out = {}
    for path, score in fused.items():
        if path in best:
            out[best[path][1]] = score
        elif path in manifest.notes and manifest.notes[path].chunk_ids:
            out[manifest.notes[path].chunk_ids[0]] = score
    return out
