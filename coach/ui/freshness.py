"""Keeps the index in step with notes edited outside coach while the app runs.

A watchfiles loop in a thread worker asks for a sync when a note changes (or, when watching is off or
impossible, a timer asks every `sync_interval` seconds). Requests coalesce: while a sync runs, later
ones become one more sync after it. When another process holds the index, it retries later, quietly."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.worker import WorkerState, get_current_worker

from coach.fsutil import TEMP_PREFIX
from coach.notes.reader import NOTE_SUFFIXES

STEP_MS = 300
"""A batch of changes is handed over once the folder has been quiet this long (an editor's save is a burst)."""
MAX_BATCH_MS = 2000
"""... or after this long, if changes keep coming."""
POLL_MS = 500
"""How often the watch loop checks whether it should stop (app closing, folder changed)."""
BUSY_RETRY = 15.0
"""Seconds before trying again when another coach process is updating the index."""


def is_note_change(path: str, root: Path) -> bool:
    """True for a change that may alter the notes: a note file, or a folder (moved or deleted whole).

    Hidden files and folders (.obsidian, .trash, editor swap files) and coach's own temp files are ignored,
    as the reader ignores them."""
    try:
        parts = Path(path).relative_to(root).parts
    except ValueError:
        return False
    if not parts or any(part.startswith((".", TEMP_PREFIX)) for part in parts):
        return False
    suffix = Path(parts[-1]).suffix.lower()
    return suffix in NOTE_SUFFIXES or not suffix


def watch_folder(folder: Path, on_change, stop: threading.Event) -> None:
    """Call `on_change(count)` for each quiet-after-a-burst batch of note changes, until `stop` is set
    or the current worker is cancelled. Runs in a thread."""
    import watchfiles

    root = folder.resolve()
    worker = get_current_worker()
    batches = watchfiles.watch(
        root, watch_filter=lambda _change, path: is_note_change(path, root), debounce=MAX_BATCH_MS,
        step=STEP_MS, rust_timeout=POLL_MS, yield_on_timeout=True, stop_event=stop, raise_interrupt=False,
    )
    for changes in batches:
        if stop.is_set() or worker.is_cancelled:
            return
        if changes:
            on_change(len(changes))


class IndexKeeper:
    """Owned by the app: starts the watcher (or the timer) and turns change events into syncs."""

    def __init__(self, app) -> None:
        self.app = app
        self.pending = False
        self.background = False
        """True while the running sync was asked for by the watcher or the timer (its busy error stays quiet)."""
        self.stop = threading.Event()
        self.timer = None
        self.mode = "off"
        """'watching', 'periodic' or 'off' — shown in tests and the model/settings screen."""

    def start(self) -> None:
        """(Re)start keeping fresh, for the current notes folder."""
        self.halt()
        settings = self.app.settings
        if settings.notes_dir is None:
            return  # nothing to keep fresh until a folder is chosen (first run starts this again)
        if getattr(settings, "watch_notes", True):
            self.stop = threading.Event()
            folder, stop = Path(settings.notes_dir), self.stop
            self.app.run_worker(lambda: self._watch(folder, stop), thread=True, exit_on_error=False,
                                group="watch", exclusive=True, name="notes watcher")
            self.mode = "watching"
        else:
            self.start_periodic()

    def start_periodic(self) -> None:
        interval = float(getattr(self.app.settings, "sync_interval", 300.0))
        if interval > 0:
            self.timer = self.app.set_interval(interval, self.request_background_sync, name="periodic sync")
            self.mode = "periodic"

    def halt(self) -> None:
        self.stop.set()
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        self.mode = "off"

    def _watch(self, folder: Path, stop: threading.Event) -> None:
        try:
            watch_folder(folder, lambda _count: self.app.call_from_thread(self.request_background_sync), stop)
        except Exception as exc:  # noqa: BLE001 — no inotify watches left, folder gone...: fall back to a timer
            if not stop.is_set():
                self.app.call_from_thread(self._watch_failed, exc)

    def _watch_failed(self, error: Exception) -> None:
        interval = int(getattr(self.app.settings, "sync_interval", 300.0))
        self.app.notify(f"Cannot watch the notes folder ({error}); re-checking it every {interval} s instead.",
                        title="Notes folder", severity="warning", markup=False)
        self.start_periodic()

    # -- requests -------------------------------------------------------------------------------

    def request_background_sync(self) -> None:
        """A sync now, or right after the one that is running (UI thread; never blocks)."""
        if self.syncing():
            self.pending = True
            return
        self.pending, self.background = False, True
        self.app.sync_index()

    def syncing(self) -> bool:
        return any(w.group == "index" and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                   for w in self.app.workers)

    def sync_finished(self, busy: bool = False) -> bool:
        """After a sync ended: run the pending one, or retry a busy one later.

        Returns True when the outcome should not be reported (a background sync found the index busy)."""
        quiet = busy and self.background
        self.background = False
        if busy:
            self.app.set_timer(BUSY_RETRY, self.request_background_sync, name="retry busy sync")
        elif self.pending:
            self.app.call_later(self.request_background_sync)
        return quiet
