"""Keep one source's Chroma collection, keyword index and manifest in step with a folder of notes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from coach.notes.model import Note, ScanResult, Skipped
from coach.retrieval import store
from coach.retrieval.chunking import Chunk, chunk_note, embed_text
from coach.retrieval.embeddings import DIMENSION, FINGERPRINT, Embedder
from coach.retrieval.keyword import KeywordIndex
from coach.retrieval.manifest import Manifest, NoteEntry, load_manifest, save_manifest
from coach.retrieval.note_level import NoteLevelIndex

BATCH_CHUNKS = 128
MAX_PASSAGES_PER_NOTE = 1000
"""~100k words: a 5 MB note would otherwise become ~29k passages and take minutes to embed."""


@dataclass(frozen=True)
class Progress:
    """How far an index run is: `done` of `total` notes embedded in `source`."""

    source: str
    done: int
    total: int


@dataclass
class IndexReport:
    """What a sync changed; every scanned file is in exactly one list."""

    source: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retagged: list[str] = field(default_factory=list)
    """Unchanged files whose inferred mentor/kind changed: metadata refreshed, not re-embedded."""
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    rebuilt: bool = False
    notices: list[str] = field(default_factory=list)
    """Things the user should know (a damaged index moved aside and rebuilt, a store backed up)."""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


ProgressFn = Callable[[Progress], None]


class SourceIndexer:
    """Sync one source (notes or knowledge). Call only while holding the IndexLock."""

    def __init__(self, client_factory, index_dir: Path, source: str, embedder: Embedder, count_tokens) -> None:
        self._client_factory = client_factory  # opening Chroma costs ~1 s: only when something changed
        self.index_dir = index_dir
        self.source = source
        self.embedder = embedder
        self.count_tokens = count_tokens
        self._capped: dict[str, str] = {}

    @property
    def client(self):
        return self._client_factory()

    def sync(self, scan: ScanResult, rebuild: bool = False, progress: ProgressFn | None = None,
             verify: bool = False) -> IndexReport:
        """`verify`: the store changed since our last sync (a kill, damage, a hand edit), so the manifest
        alone cannot vouch for it: compare it with the store and repair, even if no note changed."""
        report = IndexReport(self.source, skipped=list(scan.skipped), warnings=scan.warnings)
        manifest = None if rebuild else self._usable_manifest()
        if manifest is not None and not verify and self._up_to_date(scan, manifest, report):
            self._note_caps(manifest, report)
            return report
        report = IndexReport(self.source, skipped=list(scan.skipped), warnings=scan.warnings)
        if manifest is None:
            report.rebuilt = True
            store.drop_collection(self.client, self.source)
            manifest = Manifest(dict(FINGERPRINT), _chroma_version())
        collection = store.collection(self.client, self.source)
        manifest.chroma_version = _chroma_version()
        lost = self._repair(collection, manifest)
        if lost:
            report.notices.append(f"The index had lost the passages of {lost} {self.source} file(s); "
                                  "they were indexed again from the files.")
        todo = self._plan(scan.notes, manifest, report)
        self._remove(collection, manifest, report.removed)
        self._retag(collection, manifest, report.retagged, scan.notes)
        self._embed(collection, manifest, todo, progress)
        save_manifest(self.index_dir, self.source, manifest)
        self._refresh_keywords(collection, manifest)
        report.chunks = len(manifest.chunk_ids())
        self._note_caps(manifest, report)
        return report

    def _note_caps(self, manifest: Manifest, report: IndexReport) -> None:
        """A warning, on every run, for each note too long to index whole."""
        for path, entry in sorted(manifest.notes.items()):
            if len(entry.chunk_ids) >= MAX_PASSAGES_PER_NOTE:
                report.warnings.append((path, self._capped.get(path, (
                    f"very long: only the first {MAX_PASSAGES_PER_NOTE} passages are indexed — "
                    "split the note to make the rest searchable"))))

    def _chunks(self, note: Note) -> list[Chunk]:
        """The note's passages, at most MAX_PASSAGES_PER_NOTE (a huge note would take minutes to embed
        and crowd every search); the cut is reported as a warning."""
        chunks = chunk_note(note, self.count_tokens)
        if len(chunks) <= MAX_PASSAGES_PER_NOTE:
            return chunks
        kept = chunks[:MAX_PASSAGES_PER_NOTE]
        self._capped[note.path] = (
            f"very long: {len(chunks)} passages; only the first {MAX_PASSAGES_PER_NOTE} (up to line "
            f"{kept[-1].end_line}) are indexed — split the note to make the rest searchable"
        )
        return kept

    def _up_to_date(self, scan: ScanResult, manifest: Manifest, report: IndexReport) -> bool:
        """Nothing to do (the common case): answer from the manifest without opening the store."""
        self._plan(scan.notes, manifest, report)
        fresh = manifest.keyword_stamp == keyword_stamp(manifest) and _derived_files_exist(self.index_dir, self.source)
        if report.changed or report.retagged or not fresh:
            return False
        report.chunks = len(manifest.chunk_ids())
        return True

    def _usable_manifest(self) -> Manifest | None:
        manifest = load_manifest(self.index_dir, self.source)
        if manifest is None or manifest.fingerprint != FINGERPRINT:
            return None  # another model's vectors (or none): rebuild rather than mix
        return manifest

    def _repair(self, collection, manifest: Manifest) -> int:
        """After a crash or damage: delete vectors the manifest never acknowledged; forget notes whose
        vectors are gone (they are then re-embedded as added). Returns how many notes were forgotten."""
        expected = set(manifest.chunk_ids())
        if collection.count() == len(expected):
            return 0
        stored = set(collection.get(include=[])["ids"])
        orphans = list(stored - expected)
        for start in range(0, len(orphans), 1000):
            collection.delete(ids=orphans[start : start + 1000])
        lost = [path for path, entry in manifest.notes.items() if not set(entry.chunk_ids) <= stored]
        for path in lost:
            del manifest.notes[path]
        if lost:
            manifest.keyword_stamp = ""  # the keyword index was built from passages that are gone
        return len(lost)

    def _plan(self, notes: list[Note], manifest: Manifest, report: IndexReport) -> list[Note]:
        seen = {note.path for note in notes}
        report.removed.extend(sorted(path for path in manifest.notes if path not in seen))
        todo = []
        for note in notes:
            entry = manifest.notes.get(note.path)
            if entry is not None and entry.sha256 == note.sha256:
                report.unchanged.append(note.path)
                if (entry.mentor, entry.kind, entry.role) != (note.mentor, note.kind, note.role):
                    report.retagged.append(note.path)  # inferred from other files, which changed
                continue
            (report.updated if entry is not None else report.added).append(note.path)
            todo.append(note)
        return todo

    def _remove(self, collection, manifest: Manifest, paths: list[str]) -> None:
        """Un-acknowledge first, then delete: the manifest never vouches for vectors that are gone
        (a kill in between leaves orphans, which the next run's _repair deletes)."""
        if not paths:
            return
        ids = [cid for path in paths for cid in manifest.notes.pop(path).chunk_ids]
        save_manifest(self.index_dir, self.source, manifest)
        for start in range(0, len(ids), 1000):
            collection.delete(ids=ids[start : start + 1000])

    def _retag(self, collection, manifest: Manifest, paths: list[str], notes: list[Note]) -> None:
        """Refresh metadata (mentor/kind inferred from other notes) without re-embedding."""
        by_path = {note.path: note for note in notes}
        for path in paths:
            note = by_path[path]
            chunks = self._chunks(note)
            if chunks and [c.id for c in chunks] == manifest.notes[path].chunk_ids:
                collection.update(ids=[c.id for c in chunks], metadatas=[chunk_metadata(note, c, self.source) for c in chunks])
            manifest.notes[path] = note_entry(note, chunks)

    def _embed(self, collection, manifest: Manifest, notes: list[Note], progress: ProgressFn | None) -> None:
        batch: list[tuple[Note, list[Chunk]]] = []
        pending = 0
        if progress and notes:  # the total at once: the app shows real progress, not an unknown wait
            progress(Progress(self.source, 0, len(notes)))
        for done, note in enumerate(notes, start=1):
            chunks = self._chunks(note)
            batch.append((note, chunks))
            pending += len(chunks)
            if pending >= BATCH_CHUNKS or done == len(notes):
                self._write_batch(collection, manifest, batch)
                batch, pending = [], 0
                if progress:
                    progress(Progress(self.source, done, len(notes)))

    def _write_batch(self, collection, manifest: Manifest, batch: list[tuple[Note, list[Chunk]]]) -> None:
        """Upsert (never add: add keeps stale text for an existing id), then acknowledge in the manifest.

        An edited note keeps its chunk ids, so its upsert overwrites the vectors the manifest vouches
        for. It is un-acknowledged first (and that saved): a kill between the upsert and the final save
        then leaves its ids as orphans the next run deletes and re-embeds, never a manifest entry whose
        hash no longer matches the stored text (which a revert of the edit would make permanent)."""
        chunks = [(note, chunk) for note, note_chunks in batch for chunk in note_chunks]
        texts = [embed_text(note.title, chunk, note.tags) for note, chunk in chunks]
        vectors = self.embedder.embed(texts) if chunks else None
        previous = {
            note.path: manifest.notes.pop(note.path).chunk_ids for note, _ in batch if note.path in manifest.notes
        }
        if previous:
            save_manifest(self.index_dir, self.source, manifest)
        if chunks:
            collection.upsert(
                ids=[chunk.id for _, chunk in chunks],
                embeddings=vectors,
                documents=[chunk.text for _, chunk in chunks],
                metadatas=[chunk_metadata(note, chunk, self.source) for note, chunk in chunks],
            )
        for note, note_chunks in batch:
            self._drop_stale_tail(collection, previous.get(note.path, []), note_chunks)
            manifest.notes[note.path] = note_entry(note, note_chunks)
        save_manifest(self.index_dir, self.source, manifest)

    def _drop_stale_tail(self, collection, old_ids: list[str], chunks: list[Chunk]) -> None:
        """A note that shrank leaves old chunk ids past its new end; delete them."""
        stale = sorted(set(old_ids) - {chunk.id for chunk in chunks})
        if stale:
            collection.delete(ids=stale)

    def _refresh_keywords(self, collection, manifest: Manifest) -> None:
        folder = keyword_dir(self.index_dir, self.source)
        stamp = keyword_stamp(manifest)
        if manifest.keyword_stamp == stamp and _derived_files_exist(self.index_dir, self.source):
            return
        ids, paths, vectors, texts = _all_passages(collection)
        KeywordIndex.build(ids, texts).save(folder)
        NoteLevelIndex.build(paths, vectors, texts).save(note_level_dir(self.index_dir, self.source))
        manifest.keyword_stamp = stamp
        save_manifest(self.index_dir, self.source, manifest)


def keyword_dir(index_dir: Path, source: str) -> Path:
    return index_dir / f"keyword-{source}"


def _derived_files_exist(index_dir: Path, source: str) -> bool:
    return (keyword_dir(index_dir, source) / "ids.json").exists() and (
        note_level_dir(index_dir, source) / "paths.json"
    ).exists()


def keyword_stamp(manifest: Manifest) -> str:
    """Changes whenever any note's content or chunking changes."""
    digest = hashlib.sha256()
    for path in sorted(manifest.notes):
        entry = manifest.notes[path]
        digest.update(f"{path}\0{entry.sha256}\0{len(entry.chunk_ids)}\0{entry.mentor}\0{entry.kind}\n".encode())
    return digest.hexdigest()


def note_level_dir(index_dir: Path, source: str) -> Path:
    return index_dir / f"notes-level-{source}"


def _all_passages(collection):
    """Every stored passage: ids, note paths, vectors and the text BM25 should see."""
    data = collection.get(include=["documents", "metadatas", "embeddings"])
    texts = [
        " ".join((meta.get("title", ""), meta.get("heading", ""), meta.get("mentor", ""),
                  meta.get("tags", "").replace(",", " "), doc or ""))
        for doc, meta in zip(data["documents"], data["metadatas"])
    ]
    paths = [meta.get("path", "") for meta in data["metadatas"]]
    if not paths:  # an empty notes folder (a new user): reshape(0, -1) would raise
        return [], [], np.zeros((0, DIMENSION), dtype=np.float32), []
    vectors = np.asarray(data["embeddings"], dtype=np.float32).reshape(len(paths), -1)
    return list(data["ids"]), paths, vectors, texts


def note_entry(note: Note, chunks: list[Chunk]) -> NoteEntry:
    return NoteEntry(
        sha256=note.sha256,
        title=note.title,
        date=note.date.isoformat(),
        mentor=note.mentor,
        kind=note.kind,
        tags=list(note.tags),
        role=note.role,
        chunk_ids=[chunk.id for chunk in chunks],
    )


def chunk_metadata(note: Note, chunk: Chunk, source: str) -> dict:
    """Flat metadata (Chroma takes scalars only); tags as ',a,b,' so a substring finds a whole tag."""
    return {
        "source": source,
        "path": note.path,
        "title": note.title,
        "date": note.date.isoformat(),
        "date_ord": note.date.toordinal(),
        "mentor": note.mentor or "",
        "kind": note.kind,
        "role": note.role or "",
        "tags": "," + ",".join(note.tags) + "," if note.tags else "",
        "heading": chunk.heading,
        "start_line": chunk.start_line,
        "end_line": chunk.end_line,
        "note_sha256": note.sha256,
        "chunk_sha256": chunk.sha256,
    }


def _chroma_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chromadb")
    except PackageNotFoundError:
        return ""
