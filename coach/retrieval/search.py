"""Hybrid search: dense (Chroma) + keyword (BM25), fused, filtered, time-aware, one passage per note."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np

from coach.errors import CoachError, IndexStateError
from coach.notes.provenance import HIDDEN_KINDS  # saved conversations: searched only when asked for by kind
from coach.retrieval import store
from coach.retrieval.fusion import Signal, collapse, passage_per_note, squash, zscore_fusion
from coach.retrieval.indexer import keyword_dir, note_level_dir
from coach.retrieval.keyword import KeywordIndex, tokenize
from coach.retrieval.manifest import Manifest, NoteEntry, load_manifest
from coach.retrieval.note_level import NoteLevelIndex
from coach.retrieval.snippets import matched_words, snippet
from coach.retrieval.timeparse import TimeHint, is_time_only, parse_time_hint, rerank_by_time

MODES = ("hybrid", "dense", "keyword")
POOL = 100  # chunks per retriever before collapsing to notes and fusing
KNOWLEDGE_WEIGHT = 0.8  # equal relevance: the user's own notes come first
MIN_COVERAGE = 0.25  # below: three quarters of what makes the query specific is in no note
STRONG_SIMILARITY = 0.6  # MiniLM cosine of a close paraphrase; overrides a vocabulary miss


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
            and (entry.kind == self.kind.lower() if self.kind else entry.kind not in HIDDEN_KINDS)
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
        }


@dataclass
class SearchResponse:
    """Ranked hits, or `nothing_relevant` when even the best match is too weak to show."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    nothing_relevant: bool = False
    hint: TimeHint = field(default_factory=TimeHint)

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "results": [hit.to_json() for hit in self.hits],
            "nothing_relevant": self.nothing_relevant,
        }


@dataclass
class _Source:
    """A loaded source: its collection, manifest, keyword index and chunk→path map."""

    name: str
    collection: object
    manifest: Manifest
    keywords: KeywordIndex | None
    chunk_paths: dict[str, str]
    note_level: NoteLevelIndex | None


class Searcher:
    """Answers searches over the index; cheap to keep open, `reload()` after a sync."""

    def __init__(self, index_dir: Path, client, query_embedder, min_similarity: float = 0.2) -> None:
        self.index_dir = index_dir
        self.client = client
        self.embedder = query_embedder
        self.min_similarity = min_similarity
        self._sources: dict[str, _Source | None] = {}

    def reload(self) -> None:
        self._sources.clear()

    def note_count(self, source: str = "notes") -> int:
        loaded = self._source(source)
        return len(loaded.manifest.notes) if loaded else 0

    def manifest(self, source: str = "notes") -> Manifest | None:
        loaded = self._source(source)
        return loaded.manifest if loaded else None

    def search(
        self,
        query: str,
        k: int = 5,
        filters: SearchFilters | None = None,
        mode: str = "hybrid",
        today: date | None = None,
    ) -> SearchResponse:
        filters = filters or SearchFilters()
        hint = parse_time_hint(query, today or date.today())
        response = SearchResponse(query, hint=hint)
        if not query.strip():
            response.nothing_relevant = True
            return response
        topic = hint.topic or query
        vector = self.embedder.embed([topic])[0] if mode != "keyword" else None
        hits: list[Hit] = []
        for name in filters.sources():
            loaded = self._source(name)
            if loaded is not None:
                hits.extend(self._guarded(loaded, topic, vector, k, filters, mode, hint))
        hits.sort(key=lambda hit: hit.score, reverse=True)
        response.hits = _dedupe(hits)[:k]
        if response.hits and self._too_weak(response.hits, topic, filters.sources(), mode):
            response.hits = []
        response.nothing_relevant = not response.hits
        return response

    def _guarded(self, loaded, topic, vector, k, filters, mode, hint) -> list[Hit]:
        """A store that fails mid-query is a user-fixable state, not a crash."""
        try:
            return self._search_source(loaded, topic, vector, k, filters, mode, hint)
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

    def _source(self, name: str) -> _Source | None:
        if name not in self._sources:
            self._sources[name] = self._load(name)
        return self._sources[name]

    def _load(self, name: str) -> _Source | None:
        manifest = load_manifest(self.index_dir, name)
        if manifest is None or not manifest.notes:
            return None
        chunk_paths = {cid: path for path, entry in manifest.notes.items() for cid in entry.chunk_ids}
        keywords = KeywordIndex.load(keyword_dir(self.index_dir, name))
        note_level = NoteLevelIndex.load(note_level_dir(self.index_dir, name))
        return _Source(name, store.collection(self.client, name), manifest, keywords, chunk_paths, note_level)

    def _search_source(self, src, query, vector, k, filters, mode, hint) -> list[Hit]:
        allowed = _allowed_paths(src.manifest, filters)
        if allowed is not None and not allowed:
            return []
        signals = _signals(src, query, vector, allowed, mode)
        fused = zscore_fusion([dict(s.scores) for s in signals], [s.fill for s in signals])
        per_note = passage_per_note(fused, [s.passages for s in signals if s.passages], src.manifest)
        per_note = _apply_time_hint(per_note, src, hint)
        weight = KNOWLEDGE_WEIGHT if src.name == "knowledge" else 1.0
        scored = {cid: squash(z) * weight for cid, z in per_note.items()}
        top = sorted(scored, key=scored.get, reverse=True)[: max(k * 2, k + 5)]
        return _materialise(src, top, scored, query, vector)

    def explain(self, query: str, source: str = "notes", today: date | None = None) -> dict[str, list[tuple[str, float]]]:
        """Each hybrid signal's (note, raw score) ranking, best first, before fusion: for diagnosis
        (bench/recall_failures.py), not for display."""
        loaded = self._source(source)
        if loaded is None or not query.strip():
            return {}
        hint = parse_time_hint(query, today or date.today())
        topic = hint.topic or query
        vector = self.embedder.embed([topic])[0]
        signals = _signals(loaded, topic, vector, None, "hybrid")
        return {signal.name: list(signal.scores) for signal in signals}

    def _coverage(self, query: str, sources: tuple[str, ...]) -> float:
        """How much of the query's specific vocabulary occurs in any searched source (see KeywordIndex.coverage)."""
        loaded = [self._source(name) for name in sources]
        values = [src.note_level.keywords.coverage(query) for src in loaded if src and src.note_level]
        return max(values, default=1.0)


def _signals(src: _Source, query: str, vector, allowed: set[str] | None, mode: str) -> list[Signal]:
    """Passage and whole-note scores from each retriever the mode uses."""
    out = []
    if mode in ("hybrid", "dense"):
        out.append(collapse(_dense_passages(src, vector, allowed), src.chunk_paths, None, "dense-passage"))
        if src.note_level is not None:
            out.append(Signal(src.note_level.dense_ranking(vector, allowed, POOL), None, None, "dense-note"))
    if mode in ("hybrid", "keyword"):
        if src.keywords is not None:
            out.append(collapse(_keyword_passages(src, query, allowed), src.chunk_paths, 0.0, "keyword-passage"))
        if src.note_level is not None:
            out.append(Signal(src.note_level.keyword_ranking(query, allowed, POOL), None, 0.0, "keyword-note"))
    return out


def _allowed_paths(manifest: Manifest, filters: SearchFilters) -> set[str] | None:
    """The note paths a filter admits, or None when nothing is filtered."""
    if not (filters.mentor or filters.since or filters.until or filters.kind or filters.tags or filters.role):
        if not any(entry.kind in HIDDEN_KINDS for entry in manifest.notes.values()):
            return None
    return {path for path, entry in manifest.notes.items() if filters.allows(entry)}


def _dense_passages(src: _Source, vector: np.ndarray, allowed: set[str] | None) -> list[tuple[str, float]]:
    """Top passages by cosine similarity (Chroma's cosine distance is 1 - similarity)."""
    where = {"path": {"$in": sorted(allowed)}} if allowed is not None else None
    result = src.collection.query(
        query_embeddings=[vector.tolist()], n_results=min(POOL, len(src.chunk_paths)), where=where,
        include=["distances"],
    )
    return [(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0])]


def _keyword_passages(src: _Source, query: str, allowed: set[str] | None) -> list[tuple[str, float]]:
    scores = src.keywords.scores(query)
    if allowed is not None:
        mask = np.zeros_like(scores, dtype=bool)
        ids = [cid for cid in src.keywords.ids if src.chunk_paths.get(cid) in allowed]
        mask[src.keywords.positions(ids)] = True
        scores = np.where(mask, scores, 0.0)
    n = min(POOL, int((scores > 0).sum()))
    if n == 0:
        return []
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(src.keywords.ids[i], float(scores[i])) for i in top if src.keywords.ids[i] in src.chunk_paths]


def _apply_time_hint(scored: dict[str, float], src: _Source, hint: TimeHint) -> dict[str, float]:
    if hint.empty or src.name != "notes" or not scored:
        return scored
    dates = {cid: date.fromisoformat(src.manifest.notes[src.chunk_paths[cid]].date) for cid in scored}
    names = {word for entry in src.manifest.notes.values() for word in tokenize(entry.mentor or "")}
    return rerank_by_time(scored, dates, hint, is_time_only(hint.topic, names))


def _materialise(src: _Source, ids: list[str], scored: dict[str, float], query: str, vector) -> list[Hit]:
    if not ids:
        return []
    data = src.collection.get(ids=ids, include=["documents", "metadatas", "embeddings"])
    rows = {cid: (doc, meta, emb) for cid, doc, meta, emb in zip(
        data["ids"], data["documents"], data["metadatas"], data["embeddings"])}
    hits = []
    for cid in ids:
        if cid in rows:
            doc, meta, emb = rows[cid]
            similarity = float(np.dot(np.asarray(emb, dtype=np.float32), vector)) if vector is not None else 0.0
            hits.append(_hit(src.name, cid, doc or "", meta, scored[cid], similarity, query))
    return hits


def _hit(source: str, cid: str, text: str, meta: dict, score: float, similarity: float, query: str) -> Hit:
    words = matched_words(query, text)
    return Hit(
        source=source,
        path=meta.get("path", ""),
        title=meta.get("title", ""),
        date=meta.get("date", "") if source == "notes" else "",
        mentor=meta.get("mentor") or None,
        kind=meta.get("kind", "other"),
        role=meta.get("role") or None,
        heading=meta.get("heading", ""),
        text=text,
        snippet=snippet(text, words),
        matches=tuple(words),
        score=score,
        similarity=similarity,
        start_line=int(meta.get("start_line", 0)),
        end_line=int(meta.get("end_line", 0)),
        chunk_id=cid,
    )


def _dedupe(hits: list[Hit]) -> list[Hit]:
    """Identical passages in different files show once, naming every file they are in."""
    first: dict[str, int] = {}
    out: list[Hit] = []
    for hit in hits:
        key = " ".join(hit.text.split()).casefold()
        if key in first:
            kept = out[first[key]]
            out[first[key]] = _with_also(kept, hit.path)
            continue
        first[key] = len(out)
        out.append(hit)
    return out


def _with_also(hit: Hit, path: str) -> Hit:
    return replace(hit, also_in=hit.also_in + (path,))
