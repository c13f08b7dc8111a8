"""What the app knows about the index while it loads and syncs: one immutable value the widgets watch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SOURCE_NAMES = {"notes": "your notes", "knowledge": "the principles"}


@dataclass(frozen=True)
class IndexState:
    """Phase is starting | syncing | ready | failed | no-notes; search works once `search_ready`."""

    phase: str = "starting"
    source: str = ""
    done: int = 0
    total: int = 0
    notes: int = 0
    problems: int = 0
    last_sync: datetime | None = None
    message: str = ""
    search_ready: bool = False
    setup: bool = False
    """The first index of these notes (a one-time setup; later syncs only touch what changed)."""

    def summary(self, now: datetime | None = None) -> str:
        """One line for the top bar and the home screen."""
        if self.phase == "syncing":
            count = f" {self.done}/{self.total}" if self.total else ""
            what = SOURCE_NAMES.get(self.source, self.source)
            if self.setup:
                ready = " · search works now" if self.search_ready else ""
                doing = f"indexing {what}{count}" if self.source else "getting ready"
                return f"one-time setup: {doing}{ready}…"
            return f"indexing {what}{count}…" if self.source else "checking notes…"
        if self.phase == "ready":
            extra = f" · {self.problems} skipped" if self.problems else ""
            return f"index ✓ {self.notes} notes{extra} · synced {ago(self.last_sync, now)}"
        if self.phase == "failed":
            return f"index ⚠ {self.message}" if self.message else "index ⚠ not synced"
        if self.phase == "no-notes":
            return "no notes folder yet"
        return "starting…"


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """'just now', '5 min ago', '2 h ago' (relative ages; dates stay absolute elsewhere)."""
    if moment is None:
        return "never"
    minutes = int(((now or datetime.now()) - moment).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    return f"{minutes} min ago" if minutes < 60 else f"{minutes // 60} h ago"
