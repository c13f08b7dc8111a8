"""Hybrid search: dense (Chroma) + keyword (BM25), fused, filtered, time-aware, one passage per note."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from coach.retrieval import store
from coach.retrieval.fusion import max_rrf, reciprocal_rank_fusion
from coach.retrieval.indexer import keyword_dir, note_level_dir
from coach.retrieval.keyword import KeywordIndex, tokenize
from coach.retrieval.manifest import Manifest, NoteEntry, load_manifest
from coach.retrieval.note_level import NoteLevelIndex
from coach.retrieval.snippets import matched_words, snippet
from coach.retrieval.timeparse import TimeHint, parse_time_hint

MODES = ("hybrid", "dense", "keyword")
POOL = 100  # chunks per retriever before collapsing to notes and fusing
KNOWLEDGE_WEIGHT = 0.8  # equal relevance: the user's own notes come first
WINDOW_BOOST = 0.6
ORDER_BOOST = 0.8
ORDER_POOL = 6


@dataclass(frozen=True)
class SearchFilters:
    """Narrow a search; any of mentor/since/until/kind limits it to the user's notes."""

    mentor: str | None = None
    since: date | None = None
    until: date | None = None
    kind: str | None = None
    tags: tuple[str, ...] = ()
    source: str = "all"  # notes | knowledge | all

    def sources(self) -> tuple[str, ...]:
        notes_only = self.mentor or self.since or self.until or self.kind
        if self.source == "knowledge" and not notes_only:
            return ("knowledge",)
        return ("notes",) if notes_only or self.source == "notes" else store.SOURCES

    def allows(self, entry: NoteEntry) -> bool:
        return (
            _mentor_matches(self.mentor, entry.mentor)
            and (self.since is None or entry.date >= self.since.isoformat())
            and (self.until is None or entry.date <= self.until.isoformat())
            and (self.kind is None or entry.kind == self.kind.lower())
            and all(tag.lower() in {t.lower() for t in entry.tags} for tag in self.tags)
        )


def _mentor_matches(wanted: str | None, mentor: str | None) -> bool:
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

    def __init__(self, index_dir: Path, client, query_embedder, min_similarity: float = 0.3) -> None:
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
                hits.extend(self._search_source(loaded, topic, vector, k, filters, mode, hint))
        hits.sort(key=lambda hit: hit.score, reverse=True)
        response.hits = _dedupe(hits)[:k]
        if mode != "keyword" and response.hits and max(h.similarity for h in response.hits) < self.min_similarity:
            response.hits, response.nothing_relevant = [], True
        response.nothing_relevant = response.nothing_relevant or not response.hits
        return response

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
        rankings = []
        if mode in ("hybrid", "dense"):
            rankings.append(_dense_ranking(src, vector, allowed))
        if mode in ("hybrid", "keyword") and src.keywords is not None:
            rankings.append(_keyword_ranking(src, query, allowed))
        note_rankings = [_note_ranking(ranking, src.chunk_paths) for ranking in rankings]
        whole = _whole_note_rankings(src, query, vector, allowed, mode)
        fused = reciprocal_rank_fusion([[path for path, _ in r] for r in note_rankings] + whole)
        scale = max_rrf(max(len(rankings) + len(whole), 1))
        per_note = _passage_per_note(fused, note_rankings, src.manifest)
        weight = KNOWLEDGE_WEIGHT if src.name == "knowledge" else 1.0
        scored = {cid: score / scale * weight for cid, score in per_note.items()}
        scored = _apply_time_hint(scored, src, hint)
        top = sorted(scored, key=scored.get, reverse=True)[: max(k * 2, k + 5)]
        return _materialise(src, top, scored, query, vector)


def _allowed_paths(manifest: Manifest, filters: SearchFilters) -> set[str] | None:
    """The note paths a filter admits, or None when nothing is filtered."""
    if not (filters.mentor or filters.since or filters.until or filters.kind or filters.tags):
        return None
    return {path for path, entry in manifest.notes.items() if filters.allows(entry)}


def _whole_note_rankings(src: _Source, query: str, vector, allowed: set[str] | None, mode: str) -> list[list[str]]:
    if src.note_level is None:
        return []
    out = []
    if mode in ("hybrid", "dense"):
        out.append(src.note_level.dense_ranking(vector, allowed, POOL))
    if mode in ("hybrid", "keyword"):
        out.append(src.note_level.keyword_ranking(query, allowed, POOL))
    return out


def _dense_ranking(src: _Source, vector: np.ndarray, allowed: set[str] | None) -> list[str]:
    where = {"path": {"$in": sorted(allowed)}} if allowed is not None else None
    count = len(src.chunk_paths)
    result = src.collection.query(
        query_embeddings=[vector.tolist()], n_results=min(POOL, count), where=where, include=["distances"]
    )
    return list(result["ids"][0])


def _keyword_ranking(src: _Source, query: str, allowed: set[str] | None) -> list[str]:
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
    return [src.keywords.ids[i] for i in top if src.keywords.ids[i] in src.chunk_paths]


def _note_ranking(chunk_ranking: list[str], chunk_paths: dict[str, str]) -> list[tuple[str, str]]:
    """Collapse a chunk ranking to notes (each at its best chunk's rank), keeping that chunk."""
    seen: dict[str, str] = {}
    for cid in chunk_ranking:
        path = chunk_paths.get(cid)
        if path is not None and path not in seen:
            seen[path] = cid
    return list(seen.items())


def _passage_per_note(
    fused: dict[str, float], note_rankings: list[list[tuple[str, str]]], manifest: Manifest
) -> dict[str, float]:
    """Each note's fused score, keyed by the passage that ranked it highest (first retriever wins ties).

    A note found only as a whole is shown by its first passage."""
    best: dict[str, tuple[int, str]] = {}
    for ranking in note_rankings:
        for rank, (path, cid) in enumerate(ranking):
            if path not in best or rank < best[path][0]:
                best[path] = (rank, cid)
    out = {}
    for path, score in fused.items():
        if path in best:
            out[best[path][1]] = score
        elif path in manifest.notes and manifest.notes[path].chunk_ids:
            out[manifest.notes[path].chunk_ids[0]] = score
    return out


def _apply_time_hint(scored: dict[str, float], src: _Source, hint: TimeHint) -> dict[str, float]:
    """Favour notes inside a named window; for 'first'/'most recent', order the top few by date.

    When the query names only a time ("our first session of 2026"), the date decides outright."""
    if hint.empty or src.name != "notes" or not scored:
        return scored
    dates = {cid: date.fromisoformat(src.manifest.notes[src.chunk_paths[cid]].date) for cid in scored}
    out = dict(scored)
    if hint.start or hint.end:
        for cid in out:
            if hint.contains(dates[cid]):
                out[cid] *= 1 + WINDOW_BOOST
    if hint.prefer:
        pool_size = len(out) if _time_only(hint.topic, src.manifest) else ORDER_POOL
        pool = sorted(out, key=out.get, reverse=True)[:pool_size]
        if hint.start or hint.end:
            pool = [cid for cid in pool if hint.contains(dates[cid])] or pool
        ordered = sorted(pool, key=lambda cid: dates[cid], reverse=hint.prefer == "earliest")
        for position, cid in enumerate(ordered):
            out[cid] *= 1 + ORDER_BOOST * position / max(len(ordered) - 1, 1)
    return out


# Words that name a meeting rather than a topic: a query of only these (and names) is about *when*.
_MEETING_WORDS = frozenset(tokenize(
    "session sessions meeting meetings call calls chat catch-up cover covered discuss discussed talk talked "
    "happen happened say said advice advise advised note notes agenda week month year mentor"
))


def _time_only(topic: str, manifest: Manifest) -> bool:
    names = {word for entry in manifest.notes.values() for word in tokenize(entry.mentor or "")}
    return not (set(tokenize(topic)) - _MEETING_WORDS - names)


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
    from dataclasses import replace

    return replace(hit, also_in=hit.also_in + (path,))
