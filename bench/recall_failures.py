"""Why hybrid search misses relevant notes: per-query ranks in each signal, miss kinds, and a ceiling.

Usage: python bench/recall_failures.py [DIR] [--k 5] [--ceiling] [--json]
DIR holds notes/ and queries.jsonl (as for `coach eval`; default ../shared/eval/dev). Each relevant
note ranked below k by hybrid search is shown with its rank in every signal, and classed:
  gap   no signal ranks it in the top 10: the words and the meaning both miss (vocabulary or knowledge)
  split one signal ranks it in the top k, but fusion pulls it down (the others disagree)
  near  every signal ranks it middling; fused it lands just past k
--ceiling grid-searches per-signal fusion weights *on this set itself*: an upper bound on what
re-weighting these signals could reach, never a tuning method (it overfits by construction)."""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

from coach.config import load_settings
from coach.retrieval.engine import Engine
from coach.retrieval.evaluate import load_queries, recall_at, score_queries
from coach.retrieval.keyword import tokenize
from coach.retrieval.search import SearchFilters
from coach.retrieval.timeparse import is_time_only, parse_time_hint, rerank_by_time

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"
WEIGHTS = (0.0, 0.5, 1.0, 2.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--ceiling", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    queries = load_queries(args.dir / "queries.jsonl")
    with tempfile.TemporaryDirectory(prefix="coach-failures-") as tmp:
        engine = Engine(load_settings(notes_dir=args.dir / "notes", data_dir=Path(tmp), chroma_url=None))
        engine.sync()
        rows, results, signals = analyse(engine, queries, args.k)
        report = {"k": args.k, "overall": score_queries(queries, results), "misses": rows}
        if args.ceiling:
            report["ceiling"] = ceiling(engine, queries, signals, args.k)
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


def analyse(engine: Engine, queries, k: int):
    """Misses with their per-signal ranks; each query's hybrid ranking; each query's raw signals."""
    notes_only = SearchFilters(source="notes")
    rows, results, signals = [], {}, {}
    for query in queries:
        response = engine.search(query.text, k=max(20, k), filters=notes_only)
        ranked = [hit.path for hit in response.hits]
        results[query.id] = (ranked, response.nothing_relevant)
        signals[query.id] = engine.searcher.explain(query.text)
        orders = {name: [path for path, _ in scores] for name, scores in signals[query.id].items()}
        for path in query.relevant:
            fused = _rank(ranked, path)
            if fused is None or fused > k:
                ranks = {name: _rank(order, path) for name, order in orders.items()}
                rows.append({"id": query.id, "kind": query.kind, "query": query.text, "note": path,
                             "fused": fused, "signals": ranks, "class": _classify(ranks, k)})
    return rows, results, signals


def _rank(order: list[str], path: str) -> int | None:
    return order.index(path) + 1 if path in order else None


def _classify(ranks: dict[str, int | None], k: int) -> str:
    found = [rank for rank in ranks.values() if rank is not None]
    if not found or min(found) > 10:
        return "gap"
    return "split" if min(found) <= k else "near"


def ceiling(engine: Engine, queries, signals: dict, k: int) -> dict:
    """The best mean recall@k any weighting in WEIGHTS^signals reaches (fitted on this very set)."""
    positives = [q for q in queries if q.relevant]
    names = sorted({name for per_query in signals.values() for name in per_query})
    manifest = engine.searcher.manifest("notes")
    dates = {path: date.fromisoformat(entry.date) for path, entry in manifest.notes.items()}
    people = {word for entry in manifest.notes.values() for word in tokenize(entry.mentor or "")}
    best = (-1.0, ())
    for weights in itertools.product(WEIGHTS, repeat=len(names)):
        if any(weights):
            total = 0.0
            for query in positives:
                fused = _weighted(signals[query.id], dict(zip(names, weights)))
                hint = parse_time_hint(query.text, date.today())
                if not hint.empty and fused:
                    fused = rerank_by_time(fused, dates, hint, is_time_only(hint.topic, people))
                total += recall_at(sorted(fused, key=fused.get, reverse=True), query.relevant, k)
            best = max(best, (total / len(positives), weights))
    return {"recall": round(best[0], 3), "weights": dict(zip(names, best[1]))}


def _weighted(per_signal: dict[str, list[tuple[str, float]]], weights: dict[str, float]) -> dict[str, float]:
    """Weighted mean z-score, as the search's fusion does (a miss scores the signal's floor)."""
    candidates = sorted({path for scores in per_signal.values() for path, _ in scores})
    total = dict.fromkeys(candidates, 0.0)
    for name, scores in per_signal.items():
        if not scores or not weights.get(name):
            continue
        seen = dict(scores)
        floor = min(seen.values()) if name.startswith("dense") else 0.0
        values = [seen.get(path, floor) for path in candidates]
        mean = sum(values) / len(values)
        spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 or 1.0
        for path, value in zip(candidates, values):
            total[path] += weights[name] * (value - mean) / spread / len(per_signal)
    return total


def render(report: dict) -> str:
    k, overall = report["k"], report["overall"]
    lines = [f"hybrid recall@{k}/MRR per kind (recall@5 is the one reported by coach eval):"]
    for kind, means in overall["by_kind"].items():
        lines.append(f"  {kind:11s} n={means['queries']:2d}  recall@5 {means['recall@5']:.3f}  mrr {means['mrr']:.3f}")
    lines.append(f"  {'all':11s} n={overall['overall']['queries']:2d}  recall@5 {overall['overall']['recall@5']:.3f}"
                 f"  mrr {overall['overall']['mrr']:.3f}")
    classes = [row["class"] for row in report["misses"]]
    lines.append(f"\n{len(classes)} relevant notes below rank {k}: "
                 + ", ".join(f"{name} {classes.count(name)}" for name in ("gap", "split", "near")))
    for row in report["misses"]:
        ranks = " ".join(f"{name}={rank or '-'}" for name, rank in row["signals"].items())
        lines.append(f"  {row['id']} {row['kind']:10s} {row['class']:5s} fused={row['fused'] or '-':<3} {ranks}  {row['note']}")
    if "ceiling" in report:
        lines.append(f"\nceiling (weights fitted on this set): recall@{k} {report['ceiling']['recall']:.3f}"
                     f" with {report['ceiling']['weights']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
