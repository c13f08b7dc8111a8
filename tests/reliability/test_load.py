"""Load: 2,000 tiny notes (plus a few bad files) index in bounded memory, and every file is reported.

The indexing runs in a fresh child process with the deterministic hash embedder (the point is the
scan, chunking, Chroma and keyword plumbing at volume, not the model), so its peak RSS is its own
and not whatever earlier tests left in pytest's (read from
/proc/self/status VmHWM: getrusage's ru_maxrss is printed too, but it inherits the parent's high-water
mark across fork+exec). bench/bench_load.py does 10,000 notes with the real
embedder and measures search p95 while a sync runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.reliability import crashkit

NOTES = 2000
RSS_LIMIT_MB = 1536
BAD = {
    "binary.md": b"\x00\x01\x02 not text \xff\xfe\x00" * 50,
    "empty.md": b"",
    "only front matter.md": b"---\ntitle: nothing else\n---\n",
    "huge.md": b"word " * 1_100_000,  # over the 5 MB cap
}

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from coach.config import load_settings
from coach.retrieval.engine import Engine
from coach.retrieval.search import SearchFilters
from tests.conftest import HashEmbedder

def vm_hwm_mb():
    # This process's own peak RSS. getrusage's ru_maxrss also counts the parent's pages at fork
    # (Linux keeps the old mm's high-water mark across exec), so it over-reports under a big parent.
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


notes, data = Path(sys.argv[1]), Path(sys.argv[2])
embedder = HashEmbedder()
engine = Engine(load_settings(notes_dir=notes, data_dir=data), index_embedder=embedder, query_embedder=embedder)
began = time.perf_counter()
report = next(r for r in engine.sync() if r.source == "notes")
seconds = time.perf_counter() - began
hit = engine.search("ztok01234q", filters=SearchFilters(source="notes"), mode="keyword").hits[0].path
again = next(r for r in engine.sync() if r.source == "notes")
print(json.dumps({
    "added": len(report.added), "skipped": {s.path: s.reason for s in report.skipped},
    "chunks": report.chunks, "seconds": seconds, "hit": hit, "texts_embedded": embedder.texts,
    "second_sync_added": len(again.added), "second_sync_unchanged": len(again.unchanged),
    "peak_rss_mb": vm_hwm_mb(), "getrusage_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def test_two_thousand_notes_index_in_bounded_memory_and_every_file_is_reported(tmp_path):
    notes = tmp_path / "notes"
    crashkit.make_corpus(notes, NOTES, seed=2, words=8, long_every=50)
    for name, raw in BAD.items():
        (notes / name).write_bytes(raw)
    files = len(list(notes.iterdir()))

    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(notes), str(tmp_path / "data")],
        capture_output=True, text=True, cwd=crashkit.REPO, timeout=600,
        env={**os.environ, "PYTHONPATH": str(crashkit.REPO)},
    )
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    print(f"\n{NOTES} notes: {got['seconds']:.1f}s ({NOTES / got['seconds']:.0f} notes/s, hash embedder), "
          f"{got['chunks']} chunks, peak RSS {got['peak_rss_mb']:.0f} MB "
          f"(getrusage ru_maxrss {got['getrusage_maxrss_mb']:.0f} MB, which includes pytest's pages at fork)")

    assert got["added"] + len(got["skipped"]) == files, "every file is indexed or reported"
    assert got["added"] == NOTES
    assert sorted(got["skipped"]) == sorted(BAD)
    assert all(reason for reason in got["skipped"].values())
    assert "too large" in got["skipped"]["huge.md"]
    assert got["hit"] == crashkit.note_name(1234)
    assert got["second_sync_added"] == 0 and got["second_sync_unchanged"] == NOTES
    assert got["peak_rss_mb"] < RSS_LIMIT_MB


def test_an_empty_notes_folder_indexes_and_searches_cleanly(tmp_path, make_engine, fake_embedder):
    """A new user's first run: no notes yet (this used to crash building the keyword index)."""
    notes = tmp_path / "empty"
    notes.mkdir()
    engine = make_engine(notes, fake_embedder)
    report = next(r for r in engine.sync() if r.source == "notes")
    assert report.added == [] and report.chunks == 0
    assert engine.search("delegation").hits is not None
