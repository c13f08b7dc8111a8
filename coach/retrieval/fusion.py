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
