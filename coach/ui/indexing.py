"""The app's index work: sync notes then principles in a worker (notes searchable as soon as they are in),
warm the models, and follow progress, success and failure in `index_state`."""

from __future__ import annotations

import importlib
import threading
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.reactive import var
from textual.worker import get_current_worker

from coach.errors import CoachError, IndexBusyError
from coach.ui.messages import IndexFailed, IndexProgress, IndexSynced, NotesChanged, NotesIndexed
from coach.ui.safe import one_line
from coach.ui.state import IndexState

if TYPE_CHECKING:
    from coach.agent.api import CoachAPI
    from coach.config import Settings
    from coach.ui.freshness import IndexKeeper


class _SyncStopped(Exception):
    """Raised from the progress callback to end a sync the app no longer wants."""


class IndexingApp(App):
    """CoachApp's index work (CoachApp sets settings, service, engine_lock, model_lock and keeper)."""

    index_state: var[IndexState] = var(IndexState)
    _notes_announced = False
    _chat_warmed = False  # the local chat model is warmed once, when Ask first opens
    if TYPE_CHECKING:
        settings: Settings
        service: CoachAPI
        engine_lock: threading.RLock
        model_lock: threading.Lock
        keeper: IndexKeeper

        def report_error(self, error: BaseException) -> None: ...

    def action_sync(self) -> None:
        self.sync_index()

    @work(thread=True, exit_on_error=False, exclusive=True, group="index")
    def sync_index(self) -> None:
        """Sync notes, then principles (the engine's order), then warm the query model so the first search
        is instant. Search opens as soon as the notes are in (NotesIndexed), while the principles index."""
        self._notes_announced = False
        self.post_message(IndexProgress("", 0, 0, setup=self._indexed_notes() == 0))
        engine = self.service.engine
        try:
            with self.engine_lock:
                reports = engine.sync(progress=self._post_progress)
            problems = sum(len(report.skipped) for report in reports)
        except _SyncStopped:
            return
        except IndexBusyError as exc:
            # Another process is updating: the existing index still answers searches.
            with self.model_lock:
                self._warm_up()
            self.post_message(IndexFailed(exc, usable=True))
            return
        except Exception as exc:
            self.post_message(IndexFailed(exc, usable=self._index_usable()))
            return
        with self.model_lock:
            self._warm_up()
        self.post_message(IndexSynced(self._note_count(), problems))

    def warm_chat_once(self) -> None:
        """Warm the local chat model the first time Ask opens (while the user types the question)."""
        if not self._chat_warmed:
            self._chat_warmed = True
            self.warm_chat()

    @work(thread=True, exit_on_error=False, group="warm-chat")
    def warm_chat(self) -> None:
        """Load the local chat model and have it read the ask prompt's fixed part, so the first answer
        starts sooner. Only on the way to Ask: loading it meanwhile slows searches on a small machine.
        A failure shows at the first ask."""
        try:
            from coach.agent.ask import warm_up

            warm_up(self.service)
        except Exception:
            pass

    @work(thread=True, exit_on_error=False, group="warm")
    def warm_models(self) -> None:
        """Load the query model (and import Chroma) while the sync checks the store in its subprocess."""
        with self.model_lock:
            try:
                importlib.import_module("chromadb")
                _ = self.service.engine.query_embedder  # loads it
            except Exception:
                pass  # the sync or the first search reports it where the user sees it

    def _post_progress(self, progress) -> None:
        if get_current_worker().is_cancelled:
            # The app is closing: stop between batches rather than make the user wait for the whole index
            # (every batch is committed before it is acknowledged, so stopping here loses nothing).
            raise _SyncStopped
        if progress.source != "notes" and not self._notes_announced:
            # The notes' vectors, keywords and manifest are saved before the principles start.
            self._notes_announced = True
            self.post_message(NotesIndexed(self._indexed_notes()))
        self.post_message(IndexProgress(progress.source, progress.done, progress.total))

    def _indexed_notes(self) -> int:
        """Notes in the index, read from its manifest (cheap: loads no model and opens no store)."""
        try:
            from coach.retrieval.manifest import load_manifest

            manifest = load_manifest(self.settings.index_dir, "notes")
            return len(manifest.notes) if manifest is not None else 0
        except Exception:
            return 0

    def _warm_up(self) -> None:
        try:
            self.service.engine.search("warm up", k=1)
        except Exception:
            pass  # the first real search reports the problem where the user sees it

    def _note_count(self) -> int:
        try:
            return self.service.engine.searcher.note_count()
        except Exception:
            return 0

    def _index_usable(self) -> bool:
        return self._note_count() > 0

    def on_index_progress(self, message: IndexProgress) -> None:
        state = self.index_state
        setup = message.setup if message.setup is not None else state.setup
        self.index_state = IndexState(
            "syncing", message.source, message.done, message.total, state.notes, state.problems,
            state.last_sync, search_ready=state.search_ready, setup=setup,
        )

    def on_notes_indexed(self, message: NotesIndexed) -> None:
        self.index_state = replace(self.index_state, notes=message.notes, search_ready=True)
        self.refresh_screens()

    def on_index_synced(self, message: IndexSynced) -> None:
        self.index_state = IndexState(
            "ready", notes=message.notes, problems=message.problems, last_sync=datetime.now(), search_ready=True
        )
        self.keeper.sync_finished()
        self.refresh_screens()

    def on_index_failed(self, message: IndexFailed) -> None:
        error = message.error
        text = error.message if isinstance(error, CoachError) else f"{type(error).__name__}: {error}"
        self.index_state = IndexState(
            "failed", notes=self._note_count() if message.usable else 0, message=one_line(text, 60),
            search_ready=message.usable,
        )
        if not self.keeper.sync_finished(busy=isinstance(error, IndexBusyError)):
            self.report_error(error)
        self.refresh_screens()

    def on_notes_changed(self, message: NotesChanged) -> None:
        self.refresh_screens()

    def refresh_screens(self) -> None:
        """Tell every open screen that notes or the index changed (each reloads what it shows)."""
        for screen in self.screen_stack:
            reload = getattr(screen, "reload", None)
            if callable(reload):
                reload()

