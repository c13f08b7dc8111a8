"""Hybrid search: dense (Chroma) + keyword (BM25), fused, filtered, time-aware, one passage per note."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from coach.errors import CoachError, IndexStateError
from coach.notes.provenance import HIDDEN_KINDS  # saved conversations: searched only when asked for by kind
from coach.retrieval import store
from coach.retrieval.fusion import squash
from coach.retrieval.hits import dedupe, materialise, merge
from coach.retrieval.indexer import keyword_dir, note_level_dir
from coach.retrieval.keyword import KeywordIndex
from coach.retrieval.manifest import Manifest, load_manifest
from coach.retrieval.note_level import NoteLevelIndex
from coach.retrieval.people import People, people_from
from coach.retrieval.query import SESSION_KIND, Candidate, QueryReading, order_notes, read_query
from coach.retrieval.results import Hit, SearchFilters, SearchResponse, mentor_matches
from coach.retrieval.signals import POOL, LoadedSource, score_notes, signals
from coach.retrieval.timeparse import parse_time_hint

__all__ = ["Hit", "MODES", "POOL", "SearchFilters", "SearchResponse", "Searcher", "mentor_matches"]

MODES = ("hybrid", "dense", "keyword")
KNOWLEDGE_WEIGHT = 0.8  # equal relevance: the user's own notes come first
MIN_COVERAGE = 0.25  # below: three quarters of what makes the query specific is in no note
STRONG_SIMILARITY = 0.6  # MiniLM cosine of a close paraphrase; overrides a vocabulary miss


class Searcher:
    """Answers searches over the index; cheap to keep open, `reload()` after a sync."""

    def __init__(self, index_dir: Path, client, query_embedder, min_similarity: float = 0.2) -> None:
        self.index_dir = index_dir
        self.client = client
        self.embedder = query_embedder
        self.min_similarity = min_similarity
        self._sources: dict[str, LoadedSource | None] = {}

    def reload(self) -> None:
        self._sources.clear()

    def note_count(self, source: str = "notes") -> int:
        loaded = self._source(source)
        return len(loaded.manifest.notes) if loaded else 0

    def manifest(self, source: str = "notes") -> Manifest | None:
        loaded = self._source(source)
        return loaded.manifest if loaded else None

    def people(self) -> People:
        """The people the notes are with, one entry per person however the notes spell them."""
        loaded = self._source("notes")
        return loaded.people if loaded else People()

    def read(self, query: str, today: date | None = None, context: str = "") -> QueryReading:
        """How `query` will be read: the people it names, the time it points at, its topic
        (`context`: the question a follow-up follows, see read_query)."""
        return read_query(query, today or date.today(), self.people(), context)

    def search(
        self,
        query: str,
        k: int = 5,
        filters: SearchFilters | None = None,
        mode: str = "hybrid",
        today: date | None = None,
        context: str = "",
    ) -> SearchResponse:
        """Ranked hits for `query`; `context` is the previous question when `query` is a follow-up."""
        filters = filters or SearchFilters()
        reading = self.read(query, today, context)
        if filters.mentor:  # an explicit filter already says whose notes: no second guess from the words
            reading = replace(reading, people=())
        response = SearchResponse(query, hint=reading.hint, people=reading.people)
        if not query.strip():
            response.nothing_relevant = True
            return response
        vector = self.embedder.embed([reading.topic])[0] if mode != "keyword" else None
        notes_hits: list[Hit] = []
        other_hits: list[Hit] = []
        for name in filters.sources():
            loaded = self._source(name)
            if loaded is not None:
                found = self._guarded(loaded, reading, vector, k, filters, mode)
                (notes_hits if name == "notes" else other_hits).extend(found)
        response.resolved = tuple(h.path for h in notes_hits if h.tier < 0)
        response.hits = dedupe(merge(notes_hits, other_hits))[:k]
        verdict = _time_verdict(reading, response)
        if verdict is False or verdict is None and response.hits and self._too_weak(
            response.hits, reading.topic, filters.sources(), mode
        ):
            response.hits = []
        response.nothing_relevant = not response.hits
        return response

    def _guarded(self, loaded, reading, vector, k, filters, mode) -> list[Hit]:
        """A store that fails mid-query is a user-fixable state, not a crash."""
        try:
            return self._search_source(loaded, reading, vector, k, filters, mode)
        except CoachError:
            raise
        except Exception as exc:  # Chroma raises many types for a damaged or half-written store
            raise IndexStateError(
                f"The {loaded.name} index could not be read ({exc.__class__.__name__}). "
                "Run `coach index` to check it and rebuild it from your notes.",
                "Index damaged",
            ) from exc

    def _too_weak(self, hits: list[Hit], topic: str, sources: tuple[str, ...], mode: str) -> bool:
        """Nothing relevant: no passage is even loosely similar, or the query's distinctive words
        occur in no note and no passage is a close paraphrase either."""
        best = max(hit.similarity for hit in hits) if mode != "keyword" else None
        if best is not None and best < self.min_similarity:
            return True
        return (best is None or best < STRONG_SIMILARITY) and self._coverage(topic, sources) < MIN_COVERAGE

    def _source(self, name: str) -> LoadedSource | None:
        if name not in self._sources:
            self._sources[name] = self._load(name)
        return self._sources[name]

    def _load(self, name: str) -> LoadedSource | None:
        manifest = load_manifest(self.index_dir, name)
        if manifest is None or not manifest.notes:
            return None
        chunk_paths = {cid: path for path, entry in manifest.notes.items() for cid in entry.chunk_ids}
        keywords = KeywordIndex.load(keyword_dir(self.index_dir, name))
        note_level = NoteLevelIndex.load(note_level_dir(self.index_dir, name))
        entries = [(mentor, entry.role) for entry in manifest.notes.values() if (mentor := entry.mentor)]
        people = people_from([mentor for mentor, _ in entries], [role for _, role in entries])
        return LoadedSource(name, store.collection(self.client, name), manifest, keywords, chunk_paths, note_level, people)

    def _search_source(self, src, reading, vector, k, filters, mode) -> list[Hit]:
        allowed = _allowed_paths(src.manifest, filters)
        if allowed is not None and not allowed:
            return []
        scored: dict[str, tuple[str, float]] = {}  # path -> (passage id, score)
        for group in _partition(src, allowed, reading):
            scored.update(_score(src, reading, vector, group, mode))
        weight = KNOWLEDGE_WEIGHT if src.name == "knowledge" else 1.0
        scored = {path: (cid, squash(z) * weight) for path, (cid, z) in scored.items()}
        if src.name != "notes":  # principles: after the notes a question asked for by name or by meeting
            tier = 1 if reading.people or reading.session or reading.role else 0
            top = sorted(scored, key=lambda path: scored[path][1], reverse=True)[: max(k * 2, k + 5)]
            return materialise(src, [(scored[p][0], scored[p][1], tier) for p in top], reading.topic, vector)
        return materialise(src, _ordered(src, scored, allowed, reading)[: max(k * 2, k + 5)], reading.topic, vector)

    def explain(self, query: str, source: str = "notes", today: date | None = None) -> dict[str, list[tuple[str, float]]]:
        """Each hybrid signal's (note, raw score) ranking, best first, before fusion: for diagnosis
        (bench/recall_failures.py), not for display."""
        loaded = self._source(source)
        if loaded is None or not query.strip():
            return {}
        hint = parse_time_hint(query, today or date.today())
        topic = hint.topic or query
        vector = self.embedder.embed([topic])[0]
        return {signal.name: list(signal.scores) for signal in signals(loaded, topic, vector, None, "hybrid")}

    def _coverage(self, query: str, sources: tuple[str, ...]) -> float:
        """How much of the query's specific vocabulary occurs in any searched source (see KeywordIndex.coverage)."""
        loaded = [self._source(name) for name in sources]
        values = [src.note_level.keywords.coverage(query) for src in loaded if src and src.note_level]
        return max(values, default=1.0)




def _allowed_paths(manifest: Manifest, filters: SearchFilters) -> set[str] | None:
    """The note paths a filter admits, or None when nothing is filtered."""
    if not (filters.mentor or filters.since or filters.until or filters.kind or filters.tags or filters.role):
        if not any(entry.kind in HIDDEN_KINDS for entry in manifest.notes.values()):
            return None
    return {path for path, entry in manifest.notes.items() if filters.allows(entry)}


def _partition(src: LoadedSource, allowed: set[str] | None, reading: QueryReading) -> list[set[str] | None]:
    """Groups of notes retrieved apart: the named people's notes (with notes of no one), then the rest.

    Retrieving the named people's notes on their own finds them however many other notes outrank them."""
    if not reading.people or src.name != "notes":
        return [allowed]
    paths = allowed if allowed is not None else set(src.manifest.notes)
    people = src.people
    others = {p for p in paths if _other_mentor(people.person_of(src.manifest.notes[p].mentor), reading, people)}
    return [group for group in (paths - others, others) if group]


def _other_mentor(person: str | None, reading: QueryReading, people: People) -> bool:
    return person is not None and person not in reading.people and person in people.mentors


def _score(src: LoadedSource, reading: QueryReading, vector, allowed, mode: str) -> dict[str, tuple[str, float]]:
    return score_notes(src, reading.topic, vector, allowed, mode, reading.hint, reading.time_only)


def _ordered(src: LoadedSource, scored: dict, allowed: set[str] | None, reading: QueryReading) -> list[tuple[str, float, int]]:
    """(passage id, score, tier) for the notes in the order the question asks for."""
    scored = dict(scored)
    if reading.session:  # the meeting asked for may be one no signal ranked: every session competes on date
        floor = min((score for _, score in scored.values()), default=0.0)
        for path in (allowed if allowed is not None else src.manifest.notes):
            entry = src.manifest.notes[path]
            if path not in scored and entry.kind == SESSION_KIND and entry.chunk_ids:
                scored[path] = (entry.chunk_ids[0], floor * 0.5)
    candidates = [_candidate(src, path, score) for path, (_, score) in scored.items()]
    return [(scored[path][0], scored[path][1], tier) for path, tier in order_notes(candidates, reading)]


def _candidate(src: LoadedSource, path: str, score: float) -> Candidate:
    entry = src.manifest.notes[path]
    person = src.people.person_of(entry.mentor)
    role = entry.role or src.people.roles.get(person or "")
    return Candidate(path, score, date.fromisoformat(entry.date), entry.kind, role, person,
                     person in src.people.mentors)


def _time_verdict(reading: QueryReading, response: SearchResponse) -> bool | None:
    """A question about a time is answered by that time's notes, however little its words match:
    True keeps them; False when the period it names holds no note; None leaves it to relevance."""
    if response.resolved:
        return True
    if not reading.time_only:
        return None
    hint = reading.hint
    if hint.start or hint.end:
        return any(hint.contains(date.fromisoformat(hit.date)) for hit in response.hits if hit.date)
    return True
