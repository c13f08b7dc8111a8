"""Benchmark: ingest throughput, unchanged re-index, warm search p50/p95, cold `coach search` wall time.

Usage: python bench/bench_index.py [--sizes 50,1000,10000] [--json]
Generates synthetic notes (dated, with mentors and front matter) in a temp folder; never touches
your own notes or data dir. Prints the machine (cores) beside every figure."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

WORDS = (
    "delegation feedback raise promotion hiring roadmap budget stakeholder boundaries review "
    "confidence presentation conflict priorities planning deadline estimate coaching growth team "
    "meeting career mentor strategy incident release quality ownership trust calendar reports "
    "negotiation salary onboarding interview architecture migration process retrospective goals"
).split()
FILLER = "the a to of and in that I we he she it was for on with as about my our this".split()
MENTORS = ["Ade Okafor", "Grace Mbeki", "Sam Rivera", "Lin Wei"]
QUERIES = [
    "what did my mentor say about delegation",
    "asking for a raise",
    "how to handle conflict in the team",
    "most recent advice on hiring",
    "first session goals",
    "feedback on my presentation",
]


def make_notes(folder: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = date(2020, 1, 1)
    for i in range(count):
        day = start + timedelta(days=i % 2500)
        paragraphs = [" ".join(rng.choice(WORDS if rng.random() < 0.3 else FILLER) for _ in range(60)) + "."
                      for _ in range(4)]
        body = f"# Session {i}\n\n" + "\n\n## Notes\n\n".join(paragraphs) + "\n\n- [ ] follow up on the plan\n"
        front = f"---\ndate: {day.isoformat()}\nmentor: {rng.choice(MENTORS)}\nkind: session\n---\n"
        (folder / f"{day.isoformat()}-note-{i:05d}.md").write_text(front + body, encoding="utf-8")


def run_cli(args: list[str], env: dict) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MB) and stdout of one `coach` process."""
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "coach", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    out, err = proc.communicate()
    wall = time.perf_counter() - began
    rss_mb = _child_peak_rss_mb()
    if proc.returncode != 0:
        raise RuntimeError(f"coach {' '.join(args)} failed: {err.strip()}")
    return wall, rss_mb, out


def _child_peak_rss_mb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def warm_search(notes: Path, data: Path, repeats: int = 10) -> dict:
    from coach.config import load_settings
    from coach.retrieval.engine import Engine

    engine = Engine(load_settings(notes_dir=notes, data_dir=data))
    engine.search("warm up")
    times = []
    for _ in range(repeats):
        for query in QUERIES:
            began = time.perf_counter()
            engine.search(query, k=5)
            times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "searches": len(times)}


def bench_size(count: int, work: Path, models: Path) -> dict:
    notes, data = work / f"notes-{count}", work / f"data-{count}"
    notes.mkdir()
    data.mkdir()
    (data / "models").symlink_to(models, target_is_directory=True)  # reuse the ONNX export
    make_notes(notes, count)
    env = {**os.environ, "COACH_DATA_DIR": str(data), "COACH_CONFIG_FILE": str(work / "none.toml"),
           "COACH_NOTES_DIR": str(notes)}
    wall, rss, out = run_cli(["index", "--json"], env)
    chunks = next(s for s in json.loads(out)["sources"] if s["source"] == "notes")["chunks"]
    reindex = [run_cli(["index"], env)[0] for _ in range(3)]
    cold = [run_cli(["search", "what did my mentor say about delegation"], env)[0] for _ in range(5)]
    return {
        "notes": count, "chunks": chunks, "index_s": round(wall, 1),
        "notes_per_s": round(count / wall, 1), "chunks_per_s": round(chunks / wall, 1),
        "index_peak_rss_mb": rss, "reindex_unchanged_s_median": round(statistics.median(reindex), 2),
        "cold_search_s_median": round(statistics.median(cold), 2),
        "warm_search": warm_search(notes, data),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,1000,10000")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from coach.config import load_settings
    from coach.retrieval.embeddings import bundled_model_dir
    from coach.retrieval.onnx_embedder import ensure_onnx

    models = load_settings().data_dir / "models"
    ensure_onnx(bundled_model_dir(), load_settings().data_dir)
    machine = {"cores": os.cpu_count(), "python": sys.version.split()[0]}
    results = []
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            row = {**bench_size(size, Path(tmp), models), "machine": machine}
            results.append(row)
            print(json.dumps(row) if args.json else _line(row), flush=True)


def _line(row: dict) -> str:
    w = row["warm_search"]
    return (f"[{row['machine']['cores']} cores] {row['notes']:>6} notes / {row['chunks']:>6} chunks: "
            f"index {row['index_s']} s ({row['notes_per_s']} notes/s, {row['chunks_per_s']} chunks/s, "
            f"peak RSS {row['index_peak_rss_mb']} MB); unchanged re-index {row['reindex_unchanged_s_median']} s; "
            f"warm search p50 {w['p50_ms']} ms p95 {w['p95_ms']} ms; cold search {row['cold_search_s_median']} s")


if __name__ == "__main__":
    main()
