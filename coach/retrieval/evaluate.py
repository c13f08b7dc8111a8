"""Retrieval quality on a labelled set: recall@k, MRR, nDCG@10 per retriever and per query kind."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach.errors import ConfigError

MODES = ("hybrid", "dense", "keyword")


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    relevant: tuple[str, ...]
    kind: str


def load_queries(path: Path) -> list[Query]:
    """Read queries.jsonl; `relevant` paths are made relative to the notes folder."""
    if not path.is_file():
        raise ConfigError(f"No queries file at {path} (expected DIR/queries.jsonl).")
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            queries.append(_query(json.loads(line)))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"{path}:{number}: not a valid query line ({exc}).") from exc
    return queries


def _query(row: dict) -> Query:
    relevant = row.get("relevant", [])
    if not isinstance(relevant, list) or not all(isinstance(p, str) for p in relevant):
        raise TypeError("'relevant' must be a list of paths")
    if not isinstance(row["query"], str):
        raise TypeError("'query' must be text")
    rel = tuple(p.removeprefix("notes/") for p in relevant)
    return Query(str(row["id"]), row["query"], rel, row.get("kind", "other"))


def recall_at(ranked: list[str], relevant: tuple[str, ...], k: int) -> float:
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def reciprocal_rank(ranked: list[str], relevant: tuple[str, ...]) -> float:
    for rank, path in enumerate(ranked, start=1):
        if path in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranked: list[str], relevant: tuple[str, ...], k: int = 10) -> float:
    """Graded by the label order: the first relevant note counts most."""
    gains = {path: len(relevant) - i for i, path in enumerate(relevant)}
    dcg = sum(gains.get(path, 0) / math.log2(rank + 1) for rank, path in enumerate(ranked[:k], start=1))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(ideal, start=1))
    return dcg / idcg if idcg else 0.0


def score_queries(queries: list[Query], results: dict[str, tuple[list[str], bool]]) -> dict:
    """Aggregate metrics; `results[id]` is (ranked note paths, said-nothing-relevant)."""
    positives = [q for q in queries if q.relevant]
    negatives = [q for q in queries if not q.relevant]
    report: dict[str, Any] = {"overall": _means(positives, results), "by_kind": {}}
    by_kind: dict[str, list[Query]] = defaultdict(list)
    for query in positives:
        by_kind[query.kind].append(query)
    report["by_kind"] = {kind: _means(group, results) for kind, group in sorted(by_kind.items())}
    flagged = sum(1 for q in negatives if results[q.id][1])
    report["negatives"] = {
        "count": len(negatives),
        "nothing_relevant_rate": flagged / len(negatives) if negatives else None,
        "false_positive_rate": 1 - flagged / len(negatives) if negatives else None,
    }
    report["positives_flagged_nothing"] = sum(1 for q in positives if results[q.id][1])
    return report


def _means(queries: list[Query], results: dict[str, tuple[list[str], bool]]) -> dict:
    if not queries:
        return {}
    rows = [results[q.id][0] for q in queries]
    n = len(queries)
    return {
        "queries": n,
        "recall@5": sum(recall_at(r, q.relevant, 5) for r, q in zip(rows, queries)) / n,
        "recall@10": sum(recall_at(r, q.relevant, 10) for r, q in zip(rows, queries)) / n,
        "mrr": sum(reciprocal_rank(r, q.relevant) for r, q in zip(rows, queries)) / n,
        "ndcg@10": sum(ndcg_at(r, q.relevant) for r, q in zip(rows, queries)) / n,
    }


def run_eval(engine, queries: list[Query], k: int = 10) -> dict:
    """Search every query with each retriever alone and fused; notes only (principles are not labelled)."""
    from coach.retrieval.search import SearchFilters

    filters = SearchFilters(source="notes")
    report = {}
    for mode in MODES:
        results = {}
        for query in queries:
            response = engine.search(query.text, k=k, filters=filters, mode=mode)
            results[query.id] = ([hit.path for hit in response.hits], response.nothing_relevant)
        report[mode] = score_queries(queries, results)
    return report
