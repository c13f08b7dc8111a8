"""Doctor's index checks: the notes folder against the index (paths and hashes), the store against the
manifest (opened only in a child process), and the writer lock — each finding with the one fixing command."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from coach.agent.doctor_check import Check
from coach.errors import CoachError
from coach.retrieval import health
from coach.retrieval.embeddings import FINGERPRINT
from coach.retrieval.manifest import Manifest, load_manifest
from coach.retrieval.store import COLLECTION_PREFIX

INDEX_FIX = "run `coach index` (it repairs the index from your notes; your notes are not touched)"


def index_checks(settings) -> list[Check]:
    index_dir = Path(settings.index_dir)
    lock = _lock_state(index_dir)
    if lock:
        return [lock]
    manifest = load_manifest(index_dir, "notes")
    if manifest is None:
        return [Check("index", False, "no index yet", "run `coach index`")]
    checks = [_fingerprint(manifest)]
    if not settings.chroma_url:
        checks.append(_store(index_dir, manifest))
    checks.append(_folder_vs_index(settings, manifest))
    return checks


def _lock_state(index_dir: Path) -> Check | None:
    """A writer lock that is not a file blocks every sync; a held one means an index is running now."""
    path = index_dir / "writer.lock"
    if path.is_symlink() or (path.exists() and not path.is_file()):
        return Check("index lock", False, f"{path} is not a lock file", INDEX_FIX + " — it moves it aside")
    if not path.is_file():
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        return Check("index lock", False, f"cannot open {path}: {exc.strerror}", f"chmod u+rw '{path}'")
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
        return Check("index", False, f"coach process PID {holder} is updating the index right now",
                     "wait for it to finish, then run `coach doctor` again")
    finally:
        os.close(fd)
    return None


def _fingerprint(manifest: Manifest) -> Check:
    same = manifest.fingerprint == FINGERPRINT
    return Check("index model", same, f"built with {manifest.fingerprint.get('model')}",
                 "" if same else "run `coach index --rebuild`")


def _store(index_dir: Path, manifest: Manifest) -> Check:
    """Opened in a child process: a store that crashes native code is reported, not fatal here."""
    if not health.store_dir(index_dir).exists():
        return Check("index store", False, "the store is missing", INDEX_FIX)
    changes = health.checksum_changes(index_dir)
    reason, counts = health.probe_counts(index_dir, deep=health.needs_deep_probe(changes))
    if reason:
        return Check("index store", False, reason, INDEX_FIX + " — it moves the damaged store aside")
    stored = counts.get(COLLECTION_PREFIX + "notes", 0)
    expected = len(manifest.chunk_ids())
    if stored != expected:
        return Check("index store", False, f"{stored} passages stored, the manifest lists {expected}", INDEX_FIX)
    # Segment bytes that differ from the last index run's record, in a store that opens, answers and holds
    # exactly the manifest's passages, are not a problem to fix: Chroma itself may flush a segment after
    # the record was taken (seen when a reader overlapped a sync). Damage that matters crashes the probe.
    note = " (segments changed since the last index run; checked in a child process)" if changes else ""
    return Check("index store", True, f"opens and answers queries; {stored} passages{note}")


def _folder_vs_index(settings, manifest: Manifest) -> Check:
    """Every note file with its hash, against what the index holds: missing, outdated, or gone."""
    from coach.notes.reader import scan_folder

    try:
        scan = scan_folder(settings.notes_dir, settings.max_note_bytes)
    except (CoachError, TypeError):
        return Check("index vs notes", False, "cannot read the notes folder", "see the notes folder check")
    folder = {note.path: note.sha256 for note in scan.notes}
    indexed = {path: entry.sha256 for path, entry in manifest.notes.items()}
    missing = sorted(set(folder) - set(indexed))
    outdated = sorted(p for p in set(folder) & set(indexed) if folder[p] != indexed[p])
    gone = sorted(set(indexed) - set(folder))
    skipped = f"; {len(scan.skipped)} file(s) skipped with a reason (see `coach index`)" if scan.skipped else ""
    if not (missing or outdated or gone):
        return Check("index vs notes", True, f"all {len(folder)} notes indexed and up to date{skipped}")
    parts = [f"{len(missing)} not indexed" if missing else "", f"{len(outdated)} changed since indexed"
             if outdated else "", f"{len(gone)} deleted but still indexed" if gone else ""]
    example = (missing or outdated or gone)[0]
    detail = f"{', '.join(p for p in parts if p)} of {len(folder)} notes (e.g. {example}){skipped}"
    return Check("index vs notes", False, detail, INDEX_FIX)
