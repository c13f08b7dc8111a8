"""Undo for the last data change: a toast says what changed and that `u` undoes it, for a few seconds."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

UNDO_SECONDS = 8.0
"""How long a change can be undone with `u` (the toast shows as long)."""


@dataclass
class _Pending:
    undo: Callable[[], object]
    deadline: float
    screen: object


class UndoKeeper:
    """Holds the one change that `u` can undo; a newer change replaces it, leaving its screen ends it."""

    def __init__(self, app) -> None:
        self.app = app
        self._pending: _Pending | None = None

    def offer(self, message: str, undo: Callable[[], object], *, title: str = "Changed",
              seconds: float = UNDO_SECONDS) -> None:
        """Show what changed, with the undo key, and keep `undo` for `seconds`."""
        self._pending = _Pending(undo, time.monotonic() + seconds, self.app.screen)
        self.app.notify(f"{message}\nu undoes this", title=title, timeout=seconds, markup=False)

    def undo(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None or time.monotonic() > pending.deadline or pending.screen is not self.app.screen:
            self.app.notify("Nothing to undo.", timeout=3, markup=False)
            return
        self.app.call_later(pending.undo)

    @property
    def pending(self) -> bool:
        return self._pending is not None and time.monotonic() <= self._pending.deadline
