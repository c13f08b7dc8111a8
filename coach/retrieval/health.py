"""Index health: a probe in a child process (a corrupt HNSW file can SIGSEGV), quarantine, backups.

The notes are the source of truth, so a damaged store is never repaired in place: it is moved
aside (never deleted) and rebuilt from the notes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

from coach.fsutil import atomic_write

PROBE_TIMEOUT = 30.0

_PROBE = r"""
import json, sys
import chromadb
from chromadb.config import Settings
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
counts = {}
for item in client.list_collections():
    name = getattr(item, "name", item)
    collection = client.get_collection(name)
    n = collection.count()
    counts[name] = n
    if n:
        row = collection.get(limit=1, include=["embeddings"])
        collection.query(query_embeddings=[list(row["embeddings"][0])], n_results=min(3, n))
print("ok " + json.dumps(counts))
"""
CHECKSUMMED = frozenset({"data_level0.bin", "header.bin", "link_lists.bin"})
"""HNSW segment files native code reads unchecked (bit rot there can SIGSEGV a reader). Chroma rewrites
them on every open, but with the same bytes (measured on 1.5.9), unlike length.bin and chroma.sqlite3,
so a reader can compare their checksums with what the last sync left."""


def store_dir(index_dir: Path) -> Path:
    return index_dir / "chroma"


def probe(index_dir: Path, timeout: float = PROBE_TIMEOUT) -> str | None:
    """None when the embedded store opens, counts and answers a query; otherwise why not."""
    return probe_counts(index_dir, timeout)[0]


def probe_counts(index_dir: Path, timeout: float = PROBE_TIMEOUT) -> tuple[str | None, dict[str, int]]:
    """(why the store is unusable or None, passages per collection), from a child process: a store
    damaged so that native code crashes takes down the child, never the caller."""
    path = store_dir(index_dir)
    if not path.exists():
        return None, {}
    try:
        result = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return f"the index did not answer within {timeout:.0f} s", {}
    last_line = (result.stdout.strip().splitlines() or [""])[-1]
    if result.returncode == 0 and last_line.startswith("ok "):
        try:
            return None, {str(k): int(v) for k, v in json.loads(last_line[3:]).items()}
        except (ValueError, AttributeError):
            return None, {}
    if result.returncode < 0:
        return f"the index crashed the probe (signal {-result.returncode})", {}
    last = (result.stderr.strip().splitlines() or ["unknown error"])[-1]
    return f"the index could not be read ({last[:200]})", {}


def _stamp_path(index_dir: Path) -> Path:
    return index_dir / "store-stamp.json"


def current_stamp(index_dir: Path) -> list:
    """Size and mtime of every file in the store, and a CRC of each HNSW segment file: any change we did
    not make shows up here, including bit rot that kept the size and modification time."""
    root = store_dir(index_dir)
    rows = []
    for path in sorted(root.rglob("*")) if root.exists() else []:
        if path.is_file():
            stat = path.stat()
            row = [str(path.relative_to(root)), stat.st_size, stat.st_mtime_ns]
            if path.name in CHECKSUMMED:
                row.append(_crc(path))
            rows.append(row)
    return rows


def _crc(path: Path) -> int:
    """CRC-32 of a file (zlib runs at GB/s: a few ms for a large notes folder's segments)."""
    value = 0
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                value = zlib.crc32(block, value)
    except OSError:
        return -1
    return value


def save_stamp(index_dir: Path) -> None:
    atomic_write(_stamp_path(index_dir), json.dumps(current_stamp(index_dir)))


def changed_since_last_sync(index_dir: Path) -> bool:
    """True when the store exists and differs from what our last sync left (or was never stamped)."""
    if not store_dir(index_dir).exists():
        return False
    try:
        saved = json.loads(_stamp_path(index_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return _shape(saved) != _shape(current_stamp(index_dir))


def _shape(rows: list) -> list:
    """Names, sizes and segment checksums, not mtimes: every reader's open touches the files' mtimes
    (Chroma rewrites them), so mtimes alone would make each sync after a search re-probe the store."""
    return sorted([row[0], row[1], *row[3:4]] for row in rows if isinstance(row, list) and len(row) >= 3)


def segments_changed(index_dir: Path) -> bool:
    """True when an HNSW segment's bytes differ from what the last sync left (or cannot be compared):
    the cheap check a reader makes before letting native code open the store."""
    if not store_dir(index_dir).exists():
        return False
    try:
        saved = json.loads(_stamp_path(index_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return _segments(saved) != _segments(current_stamp(index_dir))


def _segments(rows: list) -> list:
    """(name, size, crc) of the checksummed files: their mtimes change on every open, their bytes do not."""
    return sorted([row[0], row[1], row[3]] for row in rows
                  if isinstance(row, list) and len(row) == 4 and Path(row[0]).name in CHECKSUMMED)


def quarantine(index_dir: Path) -> Path:
    """Move the damaged store and everything derived from it aside (the writer lock stays); return where."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = index_dir.with_name(f"{index_dir.name}.quarantine-{stamp}")
    target.mkdir(mode=0o700)
    for item in index_dir.iterdir():
        if item.name != "writer.lock":
            item.rename(target / item.name)
    return target


def backup_before_upgrade(index_dir: Path, old_version: str, new_version: str) -> Path | None:
    """Chroma's on-disk schema only moves forward: copy the store before a new version opens it."""
    path = store_dir(index_dir)
    if not path.exists() or not old_version or old_version == new_version:
        return None
    target = index_dir / f"chroma.backup-{old_version}"
    if not target.exists():
        shutil.copytree(path, target)
    return target
