"""Index health: a probe in a child process (a corrupt HNSW file can SIGSEGV), quarantine, backups.

The notes are the source of truth, so a damaged store is never repaired in place: it is moved
aside (never deleted) and rebuilt from the notes."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

from coach.fsutil import atomic_write

PROBE_TIMEOUT = 60.0
"""Python and Chroma alone can take 15 s to start on a loaded 2-core machine: a timeout must mean a hang."""
DEEP_PROBE_TIMEOUT = 180.0
"""A deep probe reads every passage back: on a large store under load that takes longer than a quick one."""

_PROBE = r"""
import hashlib, json, sqlite3, sys
import chromadb
from chromadb.config import Settings
path, deep = sys.argv[1], sys.argv[2] == "deep"
if deep:  # SQLite's own structural check, opened read-write (a read-only open can falsely fail after a crash)
    connection = sqlite3.connect(path + "/chroma.sqlite3")
    verdict = "; ".join(row[0] for row in connection.execute("PRAGMA quick_check"))[:200]
    connection.close()
    if verdict != "ok":
        sys.exit("database check: " + verdict)
client = chromadb.PersistentClient(path=path, settings=Settings(anonymized_telemetry=False))
counts = {}
for item in client.list_collections():
    name = getattr(item, "name", item)
    collection = client.get_collection(name)
    n = collection.count()
    counts[name] = n
    if n:
        row = collection.get(limit=1, include=["embeddings"])
        collection.query(query_embeddings=[list(row["embeddings"][0])], n_results=min(3, n))
    for start in range(0, n if deep else 0, 500):  # every passage read back, its text against its checksum
        page = collection.get(limit=500, offset=start, include=["documents", "metadatas"])
        for cid, text, meta in zip(page["ids"], page["documents"], page["metadatas"]):
            want = (meta or {}).get("chunk_sha256")
            if want and hashlib.sha256((text or "").encode("utf-8")).hexdigest() != want:
                sys.exit(f"passage {cid} no longer matches its checksum")
print("ok " + json.dumps(counts))
"""
CHECKSUMMED = frozenset({"data_level0.bin", "header.bin", "link_lists.bin"})
"""HNSW segment files native code reads unchecked (bit rot there can SIGSEGV a reader). Chroma rewrites
them on every open, but with the same bytes (measured on 1.5.9), unlike length.bin."""
DATABASE = "chroma.sqlite3"
VOLATILE_TABLES = ("acquire_write",)
"""Chroma writes a row here on every open, even a reader's (measured on 1.5.9): with the header's change
counters, the only bytes of the database a search changes. Everything else is checksummed (bit rot in a
stored passage's record can make Chroma's Rust core panic while reading it)."""


def store_dir(index_dir: Path) -> Path:
    return index_dir / "chroma"


def probe(index_dir: Path, timeout: float | None = None, deep: bool = False) -> str | None:
    """None when the embedded store opens, counts and answers a query; otherwise why not."""
    return probe_counts(index_dir, timeout, deep)[0]


def probe_counts(index_dir: Path, timeout: float | None = None, deep: bool = False) -> tuple[str | None, dict[str, int]]:
    """(why the store is unusable or None, passages per collection), from a child process: a store
    damaged so that native code crashes takes down the child, never the caller. `deep` (for a store whose
    bytes changed behind our back) also runs SQLite's check and reads every passage back."""
    path = store_dir(index_dir)
    if not path.exists():
        return None, {}
    timeout = timeout or (DEEP_PROBE_TIMEOUT if deep else PROBE_TIMEOUT)
    try:
        result = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path), "deep" if deep else "quick"],
            capture_output=True, text=True, timeout=timeout,
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
    """Size and mtime of every file in the store, and a CRC of each HNSW segment file and of the database:
    any change we did not make shows up here, including bit rot that kept the size and modification time."""
    root = store_dir(index_dir)
    rows = []
    for path in sorted(root.rglob("*")) if root.exists() else []:
        if path.is_file():
            stat = path.stat()
            row = [str(path.relative_to(root)), stat.st_size, stat.st_mtime_ns]
            if path.name in CHECKSUMMED:
                row.append(_crc(path))
            elif path.name == DATABASE and path.parent == root:
                row.append(database_crc(path))
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


def database_crc(path: Path) -> int:
    """CRC-32 of the database's pages, less the bytes every open rewrites (the header's change counters,
    the pages of VOLATILE_TABLES); -1 when it cannot be read, which counts as changed."""
    try:
        skip = _volatile_pages(path)
        with path.open("rb") as handle:
            header = handle.read(100)
            size = int.from_bytes(header[16:18], "big") if len(header) == 100 else 0
            size = 65536 if size == 1 else size
            if size < 512:
                return -1
            handle.seek(0)
            value, number = 0, 0
            for page in iter(lambda: handle.read(size), b""):
                number += 1
                if number == 1:
                    page = page[:24] + bytes(4) + page[28:92] + bytes(4) + page[96:]
                if number not in skip:
                    value = zlib.crc32(page, value)
        return value
    except (OSError, sqlite3.Error):
        return -1


def _volatile_pages(path: Path) -> set[int]:
    """Root pages of the tables every open writes, read without locking or writing anything."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    try:
        marks = ",".join("?" * len(VOLATILE_TABLES))
        rows = connection.execute(f"SELECT rootpage FROM sqlite_master WHERE tbl_name IN ({marks})", VOLATILE_TABLES)
        return {int(row[0]) for row in rows if row[0]}
    finally:
        connection.close()


def save_stamp(index_dir: Path) -> None:
    atomic_write(_stamp_path(index_dir), json.dumps(current_stamp(index_dir)))


def changed_since_last_sync(index_dir: Path) -> bool:
    """True when the store exists and differs from what our last sync left (or was never stamped)."""
    return _differs(index_dir, _shape)


def segments_changed(index_dir: Path) -> bool:
    """True when the bytes of an HNSW segment or of the database differ from what the last sync left (or
    cannot be compared): the cheap check a reader makes before letting native code open the store."""
    return bool(checksum_changes(index_dir))


def checksum_changes(index_dir: Path) -> set[str]:
    """Names of the checksummed files (HNSW segments, the database) whose size or bytes differ from what
    the last sync left; {"?"} when there is no record to compare with."""
    if not store_dir(index_dir).exists():
        return set()
    saved = _saved_stamp(index_dir)
    if saved is None:
        return {"?"}
    before, now = set(map(tuple, _checksums(saved))), set(map(tuple, _checksums(current_stamp(index_dir))))
    return {Path(row[0]).name for row in before ^ now}


def needs_deep_probe(changes: set[str]) -> bool:
    """A changed database (or no record) is read back whole; changed HNSW segments need only a query."""
    return bool(changes - CHECKSUMMED)


def _differs(index_dir: Path, key) -> bool:
    if not store_dir(index_dir).exists():
        return False
    saved = _saved_stamp(index_dir)
    return saved is None or key(saved) != key(current_stamp(index_dir))


def _saved_stamp(index_dir: Path) -> list | None:
    try:
        saved = json.loads(_stamp_path(index_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return saved if isinstance(saved, list) else None


def _shape(rows: list) -> list:
    """Names, sizes and checksums, not mtimes: every reader's open touches the files' mtimes (Chroma
    rewrites them), so mtimes alone would make each sync after a search re-probe the store."""
    return sorted([row[0], row[1], *row[3:4]] for row in rows if isinstance(row, list) and len(row) >= 3)


def _checksums(rows: list) -> list:
    """(name, size, crc) of the checksummed files: their mtimes change on every open, their bytes do not."""
    return sorted([row[0], row[1], row[3]] for row in rows if isinstance(row, list) and len(row) == 4)


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
