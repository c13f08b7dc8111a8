"""Reciprocal rank fusion of ranked id lists."""

from __future__ import annotations

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
