"""Benchmark (not run in CI): kill -9 a real `coach index` at random moments over 1,000 notes.

Usage: python bench/bench_crash.py [--notes 1000] [--kills 20] [--incremental 5] [--seed N] [--json]

The same trials as tests/reliability/test_crash_during_index.py, at the issue's full size: a fresh
index of --notes generated notes is SIGKILLed --kills times (one kill per equal slice of the measured
indexing window, at a random point in it), plus --incremental kills during an incremental re-index
(10% deleted, 10% edited, 10% added). After each kill the acknowledged notes are checked on a copy of
the store, `coach index` is run again (no --wait) and the index is compared exactly with the folder.
Works in a temp folder with its own ONNX export; never touches your notes or data dir.
Exit status 1 if any trial fails."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability import crashkit  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--incremental", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20250611)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from coach.retrieval.embeddings import bundled_model_dir
    from coach.retrieval.onnx_embedder import ensure_onnx

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.pop("COACH_CHROMA_URL", None)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="coach-bench-crash-") as tmp:
        base = Path(tmp)
        os.environ["COACH_CONFIG_FILE"] = str(base / "none.toml")
        onnx = ensure_onnx(bundled_model_dir(), base / "export")
        baseline = crashkit.build_baseline(base / "baseline-data", onnx)
        rig = crashkit.prepare(base / "rig", args.notes, baseline, seed=args.seed)
        facts = rig.reference_facts
        print(f"[{os.cpu_count()} cores] {args.notes} notes, {facts.chunks} chunks: uninterrupted index "
              f"{rig.full_seconds:.1f}s holding the lock, incremental {rig.incremental_seconds:.1f}s; "
              f"reference consistent: {not facts.problems}", flush=True)
        rng = random.Random(args.seed)
        plan = [("full", t) for t in crashkit.plan_offsets(args.kills, rig.full_seconds, rng)]
        plan += [("incremental", t) for t in crashkit.plan_offsets(args.incremental, rig.incremental_seconds, rng)]
        trials = []
        for number, (kind, offset) in enumerate(plan):
            trial = crashkit.run_trial(rig, number, kind, offset, args.seed)
            crashkit.cleanup_trial(rig, number)
            trials.append(trial)
            print(json.dumps(_row(trial)) if args.json else crashkit.describe(trial), flush=True)
    passed = sum(t.ok for t in trials)
    killed = sum(t.killed for t in trials)
    lost = sum(len(t.lost) for t in trials)
    print(f"{passed}/{len(trials)} trials consistent after re-index; {killed} kills landed mid-index; "
          f"{lost} acknowledged notes lost; {time.monotonic() - began:.0f}s in all")
    return 0 if passed == len(trials) and lost == 0 else 1


def _row(trial) -> dict:
    row = asdict(trial)
    row["ok"] = trial.ok
    return row


if __name__ == "__main__":
    sys.exit(main())
