"""The retrieval engine: one object that syncs notes and principles and answers searches."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from coach import paths
from coach.config import Settings
from coach.errors import ConfigError, IndexStateError, ModelError
from coach.fsutil import clean_stray_temps
from coach.notes.model import ScanResult
from coach.notes.reader import scan_folder
from coach.retrieval import health, store
from coach.retrieval.embeddings import (
    SentenceTransformerEmbedder,
    TokenCounter,
    bundled_model_dir,
    force_offline,
)
from coach.retrieval.indexer import IndexReport, ProgressFn, SourceIndexer
from coach.retrieval.lock import IndexLock
from coach.retrieval.manifest import load_manifest
from coach.retrieval.search import Searcher, SearchFilters, SearchResponse

if TYPE_CHECKING:
    from coach.retrieval.vector_cache import VectorCache  # loaded at the first embedding, not at import

STRAY_TEMP_AGE = 600.0
"""Seconds after which a `.coach-tmp-*` file is a crash's leftover, not a write in flight."""


class Engine:
    """Owns the Chroma client and embedders; embedders load lazily so start-up stays fast."""

    def __init__(self, settings: Settings, index_embedder=None, query_embedder=None) -> None:
        force_offline()  # before any model or hub-aware library loads, whichever embedder is used
        self.settings = settings
        self._index_embedder = index_embedder
        self._own_embedders = index_embedder is None
        self._query_embedder = query_embedder
        self._client = None
        self._searcher: Searcher | None = None
        self._bundled: VectorCache | None = None  # the install-time vectors of the bundled texts, loaded at the first embedding
        self._syncing = False
        self.notices: list[str] = []
        self.deferred: str | None = None
        """Why the last note coach wrote is not indexed yet (another process held the index), or None."""

    @property
    def client(self):
        if self._client is None:
            if not self.settings.chroma_url and not self._syncing:
                self._guard_reader()
            self._client = store.make_client(self.settings.index_dir, self.settings.chroma_url)
        return self._client

    def _guard_reader(self) -> None:
        """Before a reader opens the store in this process: if it changed since our last sync (a killed
        run, bit rot in a segment, a hand edit), check it in a child process first, so that a store that
        would crash native code is reported, never a silent SIGSEGV. `coach index` repairs it."""
        index_dir = self.settings.index_dir
        changes = health.checksum_changes(index_dir)
        if not changes:
            return
        reason = health.probe(index_dir, deep=health.needs_deep_probe(changes))
        if reason:
            raise IndexStateError(
                f"The index is damaged ({reason}). Run `coach index`: it moves the damaged store aside "
                "and rebuilds it from your notes (your notes are not touched).",
                "Index damaged",
            )

    @property
    def searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = Searcher(
                self.settings.index_dir, self.client, self.query_embedder, self.settings.min_similarity
            )
        return self._searcher

    @property
    def query_embedder(self):
        if self._query_embedder is None:
            self._query_embedder = _fast_embedder(self.settings.data_dir, export=False)
        return self._query_embedder

    @property
    def index_embedder(self):
        if self._index_embedder is None:
            self._index_embedder = _fast_embedder(self.settings.data_dir, export=True)
        return self._index_embedder

    def embed_for_index(self, texts: list[str]):
        """Index-time vectors: the bundled texts' from the install-time cache (no model run), the rest
        from the index embedder. Only with the engine's own model: a test's embedder is never mixed in."""
        if not self._own_embedders:
            return self.index_embedder.embed(texts)
        if self._bundled is None:
            from coach.retrieval import vector_cache

            self._bundled = vector_cache.load() or vector_cache.VectorCache({})
        return self._bundled.embed(texts, lambda missing: self.index_embedder.embed(missing))

    def notes_dir(self) -> Path:
        if self.settings.notes_dir is None:
            raise ConfigError(
                "No notes folder is set. Pass --notes DIR, set COACH_NOTES_DIR, or put "
                "notes_dir = \"...\" in the config file.",
                "No notes folder",
            )
        return self.settings.notes_dir

    def scan_notes(self) -> ScanResult:
        return scan_folder(self.notes_dir(), self.settings.max_note_bytes)

    def sync(self, progress: ProgressFn | None = None, rebuild: bool = False, wait: float = 0.0) -> list[IndexReport]:
        """Bring notes and principles up to date; one writer at a time (IndexBusyError otherwise).

        The lock comes first, so a second process learns it is busy at once, not after scanning."""
        if not self.notes_dir().is_dir():
            self.scan_notes()  # raises the NotesError that names the problem, before touching the data dir
        with IndexLock(self.settings.index_dir, wait=wait):
            notes = self.scan_notes()
            knowledge = _as_principles(scan_folder(paths.knowledge_dir(), self.settings.max_note_bytes))
            self._sweep_stray_temps()
            self._repair_fast_model()
            embedded = not self.settings.chroma_url
            verify = False
            self._syncing = True
            try:
                if embedded and self._client is None:
                    self._guard_upgrade()
                    rebuild = rebuild or self._store_lost()
                    verify = health.changed_since_last_sync(self.settings.index_dir)
                    if verify or rebuild:  # otherwise the store opens lazily, only if something changed
                        self._check_store()
                        self._open_or_quarantine()
                reports = [
                    self._indexer("notes").sync(notes, rebuild, progress, verify),
                    self._indexer("knowledge").sync(knowledge, rebuild, progress, verify),
                ]
            finally:
                self._syncing = False
            if embedded:
                health.save_stamp(self.settings.index_dir)
        reports[0].notices.extend(self.notices)
        self.notices.clear()
        if self._searcher is not None:
            self._searcher.reload()
        return reports

    def _indexer(self, source: str) -> SourceIndexer:
        counter = _lazy_counter()
        return SourceIndexer(lambda: self.client, self.settings.index_dir, source, _Deferred(self), counter)

    def _repair_fast_model(self) -> None:
        """A damaged or truncated ONNX export (the data folder's or the install-time one, whichever a search
        would load) leaves every search on the slow path: replace it now (only when this engine embeds with
        its own models). Checked by size and SHA-256, as doctor does."""
        from coach.retrieval import onnx_embedder as onnx

        target = onnx.existing_onnx(self.settings.data_dir)
        if not self._own_embedders or self._index_embedder is not None or not target.exists():
            return
        try:
            whole = onnx.usable(bundled_model_dir(), target)
        except (ModelError, OSError):
            return
        if not whole:
            _ = self.index_embedder  # ensure_onnx: the good shared export, or a new one; then loads it
            self.notices.append("The fast query model was damaged or out of date; it was replaced by a whole one.")

    def _sweep_stray_temps(self) -> None:
        """Remove `.coach-tmp-*` files a killed write left (they are hidden, so never indexed anyway).

        Only old ones: another coach process (the app saving a reflection) may be writing one now."""
        index_dir = self.settings.index_dir
        folders = [index_dir, *index_dir.glob("keyword-*"), *index_dir.glob("notes-level-*"),
                   self.settings.data_dir / "models", self.notes_dir()]
        for folder in folders:
            if folder.is_dir():
                clean_stray_temps(folder, older_than=STRAY_TEMP_AGE)

    def _guard_upgrade(self) -> None:
        """Chroma's schema only moves forward: copy the store before a new Chroma version opens it."""
        index_dir = self.settings.index_dir
        saved = load_manifest(index_dir, "notes")
        installed = _installed_chroma()
        if saved and saved.chroma_version and saved.chroma_version != installed:
            backup = health.backup_before_upgrade(index_dir, saved.chroma_version, installed)
            if backup:
                self.notices.append(
                    f"Chroma changed from {saved.chroma_version} to {installed}; the old store was copied to {backup}."
                )

    def _store_lost(self) -> bool:
        """The manifest lists notes but the store is gone (deleted by hand): rebuild, say so."""
        index_dir = self.settings.index_dir
        lost = (index_dir / "manifest-notes.json").exists() and not health.store_dir(index_dir).exists()
        if lost:
            self.notices.append("The index store was missing; it was rebuilt from your notes.")
        return lost

    def _open_or_quarantine(self) -> None:
        """Open the store; one that Chroma cannot open (a damaged database) is moved aside and rebuilt."""
        try:
            _ = self.client
        except IndexStateError as exc:
            if not health.store_dir(self.settings.index_dir).exists():
                raise
            moved = health.quarantine(self.settings.index_dir)
            self.notices.append(f"The index could not be opened ({exc.message.split(' (')[0]}). "
                                f"It was moved to {moved} and rebuilt from your notes.")
            _ = self.client

    def _check_store(self) -> None:
        """The store changed behind our back (or was never stamped): quarantine it if it is damaged."""
        index_dir = self.settings.index_dir
        reason = health.probe(index_dir, deep=health.needs_deep_probe(health.checksum_changes(index_dir)))
        if reason:
            moved = health.quarantine(index_dir)
            self.notices.append(
                f"The index was damaged ({reason}). It was moved to {moved} and rebuilt from your notes."
            )

    def search(self, query: str, k: int | None = None, filters: SearchFilters | None = None, mode: str = "hybrid",
               context: str = "") -> SearchResponse:
        return self.searcher.search(query, k or self.settings.search_k, filters, mode, context=context)


class _Deferred:
    """Loads the index embedder only when a batch actually needs embedding (unchanged syncs never do)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def embed(self, texts):
        return self.engine.embed_for_index(texts)


def _lazy_counter():
    """The model's own tokenizer when available (exact chunk limits), else the estimate."""
    try:
        return TokenCounter()
    except (ModelError, OSError, ImportError):
        from coach.retrieval.chunking import approx_tokens

        return approx_tokens


def _installed_chroma() -> str:
    from importlib.metadata import version

    return version("chromadb")


def _as_principles(scan: ScanResult) -> ScanResult:
    """Principle files are always kind 'principle', whatever their front matter says."""
    return ScanResult([replace(note, kind="principle") for note in scan.notes], scan.skipped)


def _fast_embedder(data_dir: Path, export: bool):
    """The ONNX twin of MiniLM (no torch on the query path); sentence-transformers if it cannot be had."""
    from coach.retrieval import onnx_embedder as onnx

    model_dir = bundled_model_dir()
    target = onnx.existing_onnx(data_dir)
    try:
        if export:
            target = onnx.ensure_onnx(model_dir, data_dir)
        if target.exists() and not onnx.is_stale(model_dir, target):  # a truncated export is not loaded
            return onnx.OnnxEmbedder(target, model_dir / "tokenizer.json")
    except Exception:  # export or runtime failure: the reference embedder still works, only slower
        if export:
            return _reexported(onnx, model_dir, data_dir)
    return SentenceTransformerEmbedder(model_dir)


def _reexported(onnx, model_dir: Path, data_dir: Path):
    """An export that will not load (damaged in place, same size) is exported again, once."""
    try:
        target = onnx.export_onnx(model_dir, onnx.onnx_cache_path(data_dir))
        return onnx.OnnxEmbedder(target, model_dir / "tokenizer.json")
    except Exception:
        return SentenceTransformerEmbedder(model_dir)
