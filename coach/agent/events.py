"""What a streamed answer yields: sources first, then tokens, then done (or failed, with the partial)."""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.errors import CoachError
from coach.retrieval.search import Hit


@dataclass(frozen=True)
class Citation:
    """A citation found in the model's text, checked against what was retrieved."""

    label: str  # as written, e.g. "2025-09-12, Ade Okafor" or a principle title
    path: str | None  # the retrieved note/principle it refers to, None when it matches nothing
    verified: bool


@dataclass(frozen=True)
class AskResult:
    """A finished (or interrupted) answer with its sources and checked citations."""

    question: str
    answer: str
    sources: list[Hit] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    found_in_notes: bool = True
    status: str = "complete"  # complete | interrupted
    conversation_id: str | None = None
    summary: str = ""
    """The model's checked prose ('' without a capable model, or when nothing it wrote was supported)."""
    lead: str = ""
    """The deterministic lead line over the quotes ('' when nothing was found in the notes)."""
    quotes: list[dict] = field(default_factory=list)
    """The quoted passages, verbatim, each with path, date, mentor, who, lines (see Quote.to_json)."""
    dropped_sentences: list[str] = field(default_factory=list)
    """Model sentences the support check removed."""
    mode: str = "extractive"  # extractive | prose | agent
    steps: list[str] = field(default_factory=list)
    """In agent mode, what the model looked up, one plain line per tool call ("searched notes: 'raise' with Ade")."""


@dataclass(frozen=True)
class SourcesEvent:
    hits: list[Hit]
    found_in_notes: bool
    conversation_id: str | None = None
    """The conversation this answer is saved in (known before any text: a stopped answer keeps it)."""


@dataclass(frozen=True)
class QuotesEvent:
    """The extractive answer (Markdown: lead line, quotes, principles), before any model text."""

    text: str
    quotes: list
    prose: bool = False  # True when a model summary follows as TokenEvents


@dataclass(frozen=True)
class TokenEvent:
    text: str


@dataclass(frozen=True)
class DoneEvent:
    result: AskResult
    rewritten: bool = False  # True when result.answer differs from the streamed tokens: show it instead


@dataclass(frozen=True)
class FailedEvent:
    error: CoachError
    partial: AskResult


@dataclass(frozen=True)
class StepEvent:
    """Agent mode: one thing the model looked up, as a quiet line ("searched notes: 'raise' with Ade")."""

    text: str


@dataclass(frozen=True)
class RetryingEvent:
    """The provider failed before any text (rate limit, server error); coach tries again after `wait` s."""

    error: CoachError
    attempt: int  # 1 for the first retry
    attempts: int  # how many retries at most
    wait: float


AskEvent = SourcesEvent | QuotesEvent | StepEvent | TokenEvent | RetryingEvent | DoneEvent | FailedEvent
