"""What the CLI and the app may call: the coaching service and its retrieval engine, as typed Protocols.

`coach.agent.service.CoachService` implements `CoachAPI`; the UI tests' FakeService stands in for it.
`make lint` runs mypy over this module, the service, the UI and the fake, so a method the UI calls that
the fake (or the real service) lacks, or calls with other arguments, fails the build — the UI never needs
to ask `callable(getattr(service, ...))`. Importing this module costs nothing: the types it names are
imported for the type checker only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from coach.agent.agenda import Agenda
    from coach.agent.events import AskResult
    from coach.agent.growth.progress import Progress
    from coach.agent.growth.review import Review
    from coach.agent.history import Conversation
    from coach.agent.marks import MarkedCommitment
    from coach.agent.note_writer import SavedNote
    from coach.agent.reflect import ReflectionFlow
    from coach.agent.themes import Theme
    from coach.config import Settings
    from coach.notes.model import ScanResult
    from coach.retrieval.indexer import IndexReport, ProgressFn
    from coach.retrieval.results import SearchFilters, SearchResponse


class NoteCounter(Protocol):
    """The searcher, as far as the app needs it: how many notes the index holds."""

    def note_count(self, source: str = "notes") -> int: ...


class EngineAPI(Protocol):
    """The retrieval engine as the CLI and the app use it (coach.retrieval.engine.Engine)."""

    @property
    def searcher(self) -> NoteCounter: ...

    @property
    def query_embedder(self) -> object: ...

    def notes_dir(self) -> Path: ...

    def scan_notes(self) -> ScanResult: ...

    def sync(self, progress: ProgressFn | None = None, rebuild: bool = False,
             wait: float = 0.0) -> list[IndexReport]: ...

    def search(self, query: str, k: int | None = None, filters: SearchFilters | None = None,
               mode: str = "hybrid") -> SearchResponse: ...


class CoachAPI(Protocol):
    """Every coaching job, without any UI (coach.agent.service.CoachService)."""

    settings: Settings

    @property
    def engine(self) -> EngineAPI: ...

    @property
    def today(self) -> date: ...

    def notes(self) -> list: ...

    def ask(self, question: str, history: Sequence = (), conversation_id: str | None = None,
            kind: str | None = None) -> AsyncIterator[object]:
        """SourcesEvent, QuotesEvent, TokenEvent..., then DoneEvent or FailedEvent (coach.agent.events)."""
        ...

    def ask_blocking(self, question: str, history: Sequence = (), kind: str | None = None) -> AskResult: ...

    def conversations(self) -> list[Conversation]: ...

    def conversation(self, conversation_id: str) -> Conversation: ...

    def save_conversation(self, conversation_id: str) -> str: ...

    def commitments(self, status: str | None = None) -> list[MarkedCommitment]: ...

    def mark_commitment(self, ref: str, status: str, among: Sequence | None = None) -> MarkedCommitment: ...

    def themes(self) -> list[Theme]: ...

    def start_reflection(self, framework: str = "rolfe", mentor: str | None = None) -> ReflectionFlow: ...

    def save_reflection(
        self, flow: ReflectionFlow, answers: Sequence[str], *, checkins: dict | None = None, index: bool = True
    ) -> SavedNote: ...

    def undo_marks(self, changes: Sequence) -> None: ...

    def agenda(self, mentor: str | None = None) -> Agenda: ...

    def save_agenda(self, agenda: Agenda, *, index: bool = True) -> SavedNote: ...

    def progress(self, since: date | None = None) -> Progress: ...

    def review(self, since: date | None = None) -> Review: ...

    def save_review(self, review: Review) -> SavedNote: ...
