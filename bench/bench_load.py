"""Benchmark (not run in CI): index 10,000 notes, report notes/s and peak RSS, then search p95 while a
background sync runs in another thread of the same process (as the app does).

Usage: python bench/bench_load.py [--notes 10000] [--words 40] [--embedder real|hash]
                                  [--sync-notes 1000] [--json]

--words is the length of each generated passage (every tenth note has four). The issue's ~5 M words
(500 per note) would need ~40,000 full-length passages through MiniLM on this 2-core CPU (hours), so
the default keeps passages short; the figures say what was measured. Indexing runs as a real
`coach index` process (its own peak RSS, /proc VmHWM); searching runs in this process with the real
query embedder. Works in a temp folder; never touches your notes or data dir."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability import crashkit  # noqa: E402

QUERIES = [
    "what did my mentor say about delegation",
    "feedback on the roadmap",
    "how to handle conflict in the team",
    "hiring and career growth",
    "ztok00042q",
    "incident review and ownership",
    "budget tradeoff decision",
    "boundaries with my manager",
]

HASH_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from coach.config import load_settings
from coach.retrieval.engine import Engine
from tests.conftest import HashEmbedder
notes, data = Path(sys.argv[1]), Path(sys.argv[2])
embedder = HashEmbedder()
engine = Engine(load_settings(notes_dir=notes, data_dir=data), index_embedder=embedder, query_embedder=embedder)
report = next(r for r in engine.sync() if r.source == "notes")
print(json.dumps({"sources": [{"source": "notes", "chunks": report.chunks, "added": report.added,
                               "skipped": [s.path for s in report.skipped]}]}))
"""


def index_once(notes: Path, data: Path, embedder: str) -> dict:
    """Run one index process; wall time, its own peak RSS (wait4) and what it reported."""
    env = crashkit.coach_env(data, notes)
    env["PYTHONPATH"] = str(crashkit.REPO)
    command = (crashkit.coach_cmd("index", "--json") if embedder == "real"
               else [sys.executable, "-c", HASH_CHILD, str(notes), str(data)])
    began = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(command, env=env, cwd=crashkit.REPO, stdout=out, stderr=err, text=True)
        peak = 0.0
        while proc.poll() is None:  # VmHWM only grows; the last reading before exit is the peak
            peak = max(peak, _vm_hwm_mb(proc.pid))
            time.sleep(0.05)
        wall = time.perf_counter() - began
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"index failed ({proc.returncode}): {stderr[-2000:]}")
    report = next(s for s in json.loads(stdout)["sources"] if s["source"] == "notes")
    return {"wall_s": wall, "peak_rss_mb": peak, "chunks": report["chunks"],
            "added": len(report["added"]), "skipped": len(report["skipped"])}


def _vm_hwm_mb(pid: int) -> float:
    """A process's own peak RSS. (getrusage's ru_maxrss for a child also counts this process's pages at
    fork: Linux keeps the old high-water mark across exec, so it over-reports after torch is loaded here.)"""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentiles(times_ms: list[float]) -> dict:
    ordered = sorted(times_ms)
    if not ordered:
        return {"searches": 0}
    return {"searches": len(ordered), "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1), "max_ms": round(ordered[-1], 1)}


def search_loop(engine, stop, times: list[float], errors: list[str], limit: int | None = None) -> None:
    i = 0
    while not stop() and (limit is None or i < limit):
        query = QUERIES[i % len(QUERIES)]
        began = time.perf_counter()
        try:
            engine.search(query, k=5)
        except Exception as exc:  # noqa: BLE001 - a bench reports every failure rather than dying
            errors.append(f"{type(exc).__name__}: {exc}")
        times.append((time.perf_counter() - began) * 1000)
        i += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=40)
    parser.add_argument("--embedder", choices=("real", "hash"), default="real")
    parser.add_argument("--sync-notes", type=int, default=1000, help="notes added for the background sync")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from coach.config import load_settings
    from coach.retrieval.embeddings import bundled_model_dir
    from coach.retrieval.engine import Engine
    from coach.retrieval.onnx_embedder import ensure_onnx

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.pop("COACH_CHROMA_URL", None)
    result: dict = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]}, "notes": args.notes,
                    "words_per_passage": args.words, "embedder": args.embedder}
    with tempfile.TemporaryDirectory(prefix="coach-bench-load-") as tmp:
        base = Path(tmp)
        os.environ["COACH_CONFIG_FILE"] = str(base / "none.toml")
        notes, data = base / "notes", base / "data"
        crashkit.make_corpus(notes, args.notes, seed=1, words=args.words)
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in notes.iterdir())
        result["corpus_words"] = words
        crashkit.seed_models(data, ensure_onnx(bundled_model_dir(), base / "export"))

        first = index_once(notes, data, args.embedder)
        result["index"] = {**{k: round(v, 1) if isinstance(v, float) else v for k, v in first.items()},
                           "notes_per_s": round(args.notes / first["wall_s"], 1),
                           "chunks_per_s": round(first["chunks"] / first["wall_s"], 1)}
        _say(args, f"[{os.cpu_count()} cores] indexed {args.notes} notes ({words} words, {first['chunks']} chunks, "
                   f"{args.embedder} embedder) in {first['wall_s']:.1f}s = {result['index']['notes_per_s']} notes/s, "
                   f"{result['index']['chunks_per_s']} chunks/s; peak RSS {first['peak_rss_mb']:.0f} MB")
        unchanged = index_once(notes, data, args.embedder)
        result["reindex_unchanged_s"] = round(unchanged["wall_s"], 2)

        hash_embedder = None
        if args.embedder == "hash":
            from tests.conftest import HashEmbedder

            hash_embedder = HashEmbedder()
        engine = Engine(load_settings(notes_dir=notes, data_dir=data),
                        index_embedder=hash_embedder, query_embedder=hash_embedder)
        engine.search("warm up")
        idle, errors = [], []
        search_loop(engine, lambda: False, idle, errors, limit=80)
        result["search_idle"] = percentiles(idle)

        crashkit.make_corpus(notes, args.sync_notes, seed=2, words=args.words, start=args.notes)
        busy: list[float] = []
        sync_result: dict = {}

        def background_sync() -> None:
            began = time.perf_counter()
            try:
                report = next(r for r in engine.sync() if r.source == "notes")
                sync_result.update(added=len(report.added), chunks=report.chunks)
            except Exception as exc:  # noqa: BLE001
                sync_result["error"] = f"{type(exc).__name__}: {exc}"
            sync_result["seconds"] = round(time.perf_counter() - began, 1)

        worker = threading.Thread(target=background_sync)
        worker.start()
        search_loop(engine, lambda: not worker.is_alive(), busy, errors)
        worker.join()
        result["background_sync"] = sync_result
        result["search_during_sync"] = percentiles(busy)
        result["search_errors"] = errors[:5]
        result["search_errors_total"] = len(errors)
        fresh = engine.search(crashkit.token(args.notes + 7), k=1, mode="keyword").hits
        result["new_note_found_after_sync"] = bool(fresh) and fresh[0].path == crashkit.note_name(args.notes + 7)
    if args.json:
        print(json.dumps(result))
    else:
        idle, busy_p = result["search_idle"], result["search_during_sync"]
        print(f"unchanged re-index {result['reindex_unchanged_s']}s; warm search idle p50 {idle['p50_ms']} ms "
              f"p95 {idle['p95_ms']} ms; during a background sync of {args.sync_notes} new notes "
              f"({sync_result}) p50 {busy_p.get('p50_ms')} ms p95 {busy_p.get('p95_ms')} ms over "
              f"{busy_p['searches']} searches; {len(errors)} search errors; new note searchable after sync: "
              f"{result['new_note_found_after_sync']}")
    return 0 if not errors and "error" not in sync_result else 1


def _say(args, text: str) -> None:
    if not args.json:
        print(text, flush=True)


if __name__ == "__main__":
    sys.exit(main())
