"""What a search returns (hits, the reading of the question) and the filters it takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from coach.retrieval import store
from coach.retrieval.manifest import NoteEntry
from coach.retrieval.timeparse import TimeHint


@dataclass(frozen=True)
class SearchFilters:
    """Narrow a search; any of mentor/since/until/kind limits it to the user's notes."""

    mentor: str | None = None
    since: date | None = None
    until: date | None = None
    kind: str | None = None
    tags: tuple[str, ...] = ()
    source: str = "all"  # notes | knowledge | all
    role: str | None = None  # mentee | reverse | mentor (a note without `role` is the user's own: mentee)

    def sources(self) -> tuple[str, ...]:
        notes_only = self.mentor or self.since or self.until or self.kind or self.role
        if self.source == "knowledge" and not notes_only:
            return ("knowledge",)
        return ("notes",) if notes_only or self.source == "notes" else store.SOURCES

    def allows(self, entry: NoteEntry) -> bool:
        return (
            mentor_matches(self.mentor, entry.mentor)
            and (self.since is None or entry.date >= self.since.isoformat())
            and (self.until is None or entry.date <= self.until.isoformat())
            and (self.kind is None or entry.kind == self.kind.lower())
            and all(tag.lower() in {t.lower() for t in entry.tags} for tag in self.tags)
            and (self.role is None or (entry.role or "mentee") == self.role)
        )


def mentor_matches(wanted: str | None, mentor: str | None) -> bool:
    """Case-insensitive, partial either way: 'ade' finds 'Dr. Ade Okafor'; 'Grace Mbeki' finds 'Grace'."""
    if not wanted:
        return True
    if not mentor:
        return False
    a, b = wanted.casefold().strip(), mentor.casefold().strip()
    return a in b or b in a


@dataclass(frozen=True)
class Hit:
    """One ranked passage, with where it came from."""

    source: str
    path: str
    title: str
    date: str
    mentor: str | None
    kind: str
    role: str | None
    heading: str
    text: str
    snippet: str
    matches: tuple[str, ...]
    score: float
    similarity: float
    start_line: int
    end_line: int
    chunk_id: str
    also_in: tuple[str, ...] = ()
    person: str | None = None
    """The note's mentor as one person across spellings ("Helen O-S" -> "Helen Okonkwo-Shaw")."""
    tier: int = 0
    """0: what the question asked for first (the meeting it named, the people it named); 1: the rest."""

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "date": self.date or None,
            "mentor": self.mentor,
            "kind": self.kind,
            "heading": self.heading,
            "snippet": self.snippet,
            "score": round(self.score, 4),
            "source": self.source,
            "title": self.title,
            "role": self.role,
            "similarity": round(self.similarity, 4),
            "lines": [self.start_line, self.end_line],
            "matches": list(self.matches),
            "also_in": list(self.also_in),
            "person": self.person,
        }


@dataclass
class SearchResponse:
    """Ranked hits, or `nothing_relevant` when even the best match is too weak to show."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    nothing_relevant: bool = False
    hint: TimeHint = field(default_factory=TimeHint)
    people: tuple[str, ...] = ()
    """Known people the question names (canonical spellings), in order of mention."""
    resolved: tuple[str, ...] = ()
    """Paths of the meeting(s) a 'first / last session (with X)' question points at, one per person."""

    def by_person(self) -> dict[str, list[Hit]]:
        """Hits of each named person, in rank order (for side-by-side answers)."""
        return {who: [hit for hit in self.hits if hit.person == who] for who in self.people}

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "results": [hit.to_json() for hit in self.hits],
            "nothing_relevant": self.nothing_relevant,
            "reading": {
                "people": list(self.people),
                "since": self.hint.start.isoformat() if self.hint.start else None,
                "until": self.hint.end.isoformat() if self.hint.end else None,
                "order": self.hint.prefer,
                "session": list(self.resolved),
            },
        }
