"""Messages workers post back to the UI thread."""

from __future__ import annotations

from textual.message import Message


class IndexProgress(Message):
    """How far a sync is; a newer one replaces a pending older one for the same source."""

    def __init__(self, source: str, done: int, total: int, setup: bool | None = None) -> None:
        super().__init__()
        self.source, self.done, self.total = source, done, total
        self.setup = setup
        """True when the index was empty at the start: the one-time setup (None: unchanged)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, IndexProgress) and message.source == self.source


class IndexSynced(Message):
    """A sync finished; `notes` indexed, `problems` files skipped; search can run."""

    def __init__(self, notes: int, problems: int) -> None:
        super().__init__()
        self.notes, self.problems = notes, problems


class IndexFailed(Message):
    """A sync failed; `usable` says whether an older index can still answer searches."""

    def __init__(self, error: BaseException, usable: bool) -> None:
        super().__init__()
        self.error, self.usable = error, usable


class NotesChanged(Message):
    """The app wrote a note (reflection, agenda): screens showing notes should reload."""


class NotesIndexed(Message):
    """The user's notes are indexed (the principles come next): search works from now on."""

    def __init__(self, notes: int) -> None:
        super().__init__()
        self.notes = notes


class StreamEvent(Message):
    """One event of a streamed answer, for turn `turn`."""

    def __init__(self, turn: int, event: object) -> None:
        super().__init__()
        self.turn, self.event = turn, event


class StreamEnded(Message):
    """A streamed answer for turn `turn` ended; `stopped` when the user stopped it."""

    def __init__(self, turn: int, stopped: bool) -> None:
        super().__init__()
        self.turn, self.stopped = turn, stopped
