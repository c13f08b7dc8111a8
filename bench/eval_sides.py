"""`coach eval` on several labelled sets, figures side by side (hybrid, dense, keyword; hybrid per kind).

Usage: python bench/eval_sides.py [DIR ...] [--json]   (default: ../shared/eval/dev and dev2)
Each set is indexed into its own temporary folder, exactly as `coach eval DIR` does."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from coach.retrieval.eval_run import evaluate_folder

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
METRICS = ("recall@5", "recall@10", "mrr")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=[SHARED / "dev", SHARED / "dev2"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    reports = {directory.name: evaluate_folder(directory) for directory in args.dirs}
    print(json.dumps(reports, indent=2) if args.json else render(reports))
    return 0


def render(reports: dict) -> str:
    names = list(reports)
    width = 22
    lines = [f"{'':24s}" + "".join(f"{name + ' r@5 r@10 mrr':>{width}s}" for name in names)]
    for mode in ("hybrid", "dense", "keyword"):
        lines.append(_row(mode, [reports[n][mode]["overall"] for n in names], width))
    kinds = sorted({kind for n in names for kind in reports[n]["hybrid"]["by_kind"]})
    for kind in kinds:
        lines.append(_row(f"  hybrid {kind}", [reports[n]["hybrid"]["by_kind"].get(kind, {}) for n in names], width))
    flagged = "  ".join(f"{n}: {reports[n]['hybrid']['negatives']['nothing_relevant_rate']}" for n in names)
    lines.append(f"negatives answered 'nothing relevant' (hybrid): {flagged}")
    return "\n".join(lines)


def _row(label: str, figures: list[dict], width: int) -> str:
    cells = [" ".join(f"{f[m]:.3f}" for m in METRICS) if f else "-" for f in figures]
    return f"{label:24s}" + "".join(f"{cell:>{width}s}" for cell in cells)


if __name__ == "__main__":
    sys.exit(main())
