"""`coach themes`: topics that recur across sessions, by salient keywords grouped with embeddings."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

import numpy as np

from coach.errors import ModelError
from coach.notes.model import Note
from coach.notes.provenance import is_coach_written, user_text
from coach.retrieval import store
from coach.retrieval.chunking import approx_tokens, chunk_note, embed_text
from coach.retrieval.embeddings import TokenCounter
from coach.retrieval.manifest import load_manifest
from coach.text import STOP_WORDS, idf, read_blocks, stem, tfidf

Embed = Callable[[list[str]], np.ndarray]

# A term is salient in a note when it is among the note's TOP_TERMS by tf-idf and either repeated
# or placed where the author signals a topic (title, heading, tag): one passing mention is not a topic.
TOP_TERMS = 12
# Words in more than this share of notes are the background of every session (names, "team"), not topics.
MAX_DF = 0.4
# ... but in a small folder every topic is in a large share of notes: up to this many notes is never background.
MIN_CEILING = 5
# Two terms belong to one theme when they show up in the same notes and in passages that mean
# the same thing: the mean of note-set Jaccard and context cosine must reach this.
GROUP_SIMILARITY = 0.55
MAX_THEMES = 12
MAX_LABEL_TERMS = 3
LABEL_SHARE = 0.5
# Conversation verbs and vague nouns every set of meeting notes is full of; they never name a topic.
_GENERIC_WORDS = """
    said say says asked ask told tell think thought felt feel feeling want wanted know knew mean meant talk
    talked talking call week weeks month months year years day days today time times session sessions
    meeting meetings note notes good great better best bad hard easy big small little lot right wrong new
    old start started end ended keep kept try tried point part work working worked people person someone
    everyone nobody anyone idea ideas question questions answer thing minute minutes hour hours morning
    evening night last next later since ago back yes okay ok sure pretty quite enough like liked write wrote
    written run running look looked see saw seen come came hear heard find found wait waited happen happened
    change changed open opened move moved give gave send sent help helped fix fixed real really every second
    never always often usually almost already actually basically probably maybe perhaps rather kind sort bit
    whole half full same different other another many much several few less least more most able around away
    done going getting got put set use used need needed let seem seemed turn turned bring brought show
    showed leave left stay stayed hold held live lived stand stood happy sad true false clear clearly fine
    nice long short high low early late least first second third anything everything nothing something
    january february march april may june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday take took taken taking make made making went gone goes letting
    plan plans planned
"""
_GENERIC = frozenset(_GENERIC_WORDS.split())
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’-][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class Theme:
    """A topic that came up in several notes, with when it came up first and last."""

    label: str
    first: date
    last: date
    notes: tuple[str, ...]
    """Paths, oldest first."""
    dates: tuple[date, ...] = ()
    terms: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"label": self.label, "first": self.first.isoformat(), "last": self.last.isoformat(),
                "notes": list(self.notes), "terms": list(self.terms)}


@dataclass
class _Doc:
    """One note's term counts, and the terms placed in its title, headings or tags."""

    note: Note
    counts: Counter = field(default_factory=Counter)
    marked: set[str] = field(default_factory=set)
    salient: set[str] = field(default_factory=set)


@lru_cache(maxsize=8192)
def _key(word: str) -> str | None:
    """A word's term key (stemmed; a hyphenated word keeps every part), or None for a stop word."""
    word = re.sub(r"['’]s$", "", word.lower())
    if "'" in word or "’" in word:
        return None  # contractions: don't, that's
    parts = [p for p in word.split("-") if p]
    if len(parts) > 1:
        return " ".join(stem(p) for p in parts)
    if len(word) < 3 or word in _GENERIC or word in STOP_WORDS:
        return None
    return stem(word)


def _terms(text: str, surfaces: dict[str, Counter]) -> list[str]:
    """Term keys of a text in order (unigrams, and bigrams of adjacent words), recording spellings."""
    found: list[str] = []
    for line in text.split("\n"):
        previous: tuple[str, str, int] | None = None
        for match in _WORD.finditer(line):
            key = _key(match.group())
            joined = previous is not None and not line[previous[2] : match.start()].strip()
            if key is None:
                previous = None
                continue
            surfaces[key][match.group()] += 1
            found.append(key)
            if previous is not None and joined and " " not in key and " " not in previous[0]:
                pair = f"{previous[0]} {key}"
                surfaces[pair][f"{previous[1]} {match.group()}"] += 1
                found.append(pair)
            previous = (key, match.group(), match.end())
    return found


def _marked_text(note: Note) -> str:
    """Where an author names topics: title, headings and tags."""
    tags = [t.replace("-", " ") for t in note.tags]
    if is_coach_written(note):
        return "\n".join(tags)  # coach's own title and stage headings say nothing about the topic
    headings = [block.text for block in read_blocks(note.body, note.body_offset, front_matter=False)
                if block.kind == "heading" or (block.kind == "label" and block.raw.lstrip().startswith(("**", "__")))]
    return "\n".join([note.title, *headings, *tags])


def _docs(notes: list[Note], surfaces: dict[str, Counter]) -> list[_Doc]:
    docs = []
    for note in notes:
        doc = _Doc(note, Counter(_terms(user_text(note), surfaces)))
        doc.marked = set(_terms(_marked_text(note), surfaces))
        doc.counts.update(doc.marked)
        docs.append(doc)
    return docs


def _mark_salient(docs: list[_Doc]) -> dict[str, float]:
    """Fill each doc's salient terms; returns each term's idf."""
    df = Counter(term for doc in docs for term in doc.counts)
    weights = idf(df, len(docs))
    ceiling = max(MIN_CEILING, MAX_DF * len(docs))
    for doc in docs:
        scores = tfidf(doc.counts, weights)
        ranked = sorted(doc.counts, key=lambda t: (-scores[t], t))
        eligible = [t for t in ranked if df[t] <= ceiling and df[t] >= 2]
        top = {t for t in eligible[:TOP_TERMS] if doc.counts[t] >= 2}
        doc.salient = top | {t for t in doc.marked if 2 <= df[t] <= ceiling}
    return weights


def _is_name(surface: Counter) -> bool:
    """A word always written with a capital (a person, a product) is who or where, not what."""
    total = sum(surface.values())
    return sum(n for s, n in surface.items() if s[:1].isupper()) >= 0.9 * total


def _seeds(docs: list[_Doc], surfaces: dict[str, Counter]) -> dict[str, set[int]]:
    """Terms salient in notes on at least two different days: term -> doc indices."""
    found: dict[str, set[int]] = defaultdict(set)
    for index, doc in enumerate(docs):
        for term in doc.salient:
            found[term].add(index)
    return {
        term: members for term, members in found.items()
        if len({docs[i].note.date for i in members}) >= 2 and not _is_name(surfaces[term])
    }


@dataclass(frozen=True)
class Passage:
    """A passage of a note with its embedding."""

    path: str
    text: str
    vector: np.ndarray


def embed_passages(notes: list[Note], embed: Embed) -> list[Passage]:
    """Passages embedded now, the way the indexer embeds them (title, heading and tags as context;
    sized by the model's tokenizer), so fresh passages match indexed ones."""
    count: Callable[[str], int]
    try:
        count = TokenCounter()
    except (ModelError, OSError, ImportError):
        count = approx_tokens
    chunks = [(note, chunk) for note in notes for chunk in chunk_note(note, count)]
    if not chunks:
        return []
    vectors = np.asarray(embed([embed_text(n.title, c, n.tags) for n, c in chunks]), dtype=np.float32)
    return [Passage(c.path, c.text, v) for (_, c), v in zip(chunks, vectors)]


def indexed_passages(engine, notes: list[Note]) -> list[Passage]:
    """Vectors the index already holds for unchanged notes (embedding a corpus again is the slow part);
    notes the index lacks, or holds in an older version, are embedded now."""
    manifest = load_manifest(engine.settings.index_dir, "notes")
    entries = manifest.notes if manifest else {}
    current = {n.path for n in notes if n.path in entries and entries[n.path].sha256 == n.sha256}
    stored: list[Passage] = []
    if current:
        try:
            stored = _stored(engine, [cid for p in sorted(current) for cid in entries[p].chunk_ids])
        except Exception:  # noqa: BLE001 - a damaged or unreachable store: embedding everything still works
            current, stored = set(), []
    return stored + embed_passages([n for n in notes if n.path not in current], engine.query_embedder.embed)


def _stored(engine, ids: list[str]) -> list[Passage]:
    data = store.collection(engine.client, "notes").get(ids=ids, include=["documents", "metadatas", "embeddings"])
    rows = sorted(zip(data["ids"], data["documents"], data["metadatas"], data["embeddings"]), key=lambda r: r[0])
    return [Passage(meta["path"], doc or "", np.asarray(vec, dtype=np.float32)) for _, doc, meta, vec in rows]


def _context_vectors(seeds: dict[str, set[int]], docs: list[_Doc], passages: list[Passage]) -> dict[str, np.ndarray]:
    """Each term's meaning in these notes: the mean vector of the passages it appears in."""
    index = {doc.note.path: i for i, doc in enumerate(docs)}
    scratch: dict[str, Counter] = defaultdict(Counter)
    rows = [(index.get(p.path), set(_terms(p.text, scratch)), p.vector) for p in passages]
    out = {}
    for term, members in seeds.items():
        found = [vector for doc, terms, vector in rows if doc in members and term in terms]
        if found:
            mean = np.mean(found, axis=0)
            out[term] = mean / (np.linalg.norm(mean) or 1.0)
    return out


def _similarity(a: str, b: str, seeds: dict[str, set[int]], vectors: dict[str, np.ndarray]) -> float:
    """Mean of note-set overlap and context cosine (overlap alone when a vector is missing)."""
    jaccard = len(seeds[a] & seeds[b]) / len(seeds[a] | seeds[b])
    if a not in vectors or b not in vectors:
        return jaccard
    return (jaccard + float(vectors[a] @ vectors[b])) / 2


def _group(order: list[str], seeds: dict[str, set[int]], vectors: dict[str, np.ndarray]) -> list[list[str]]:
    """Greedy average-link grouping, strongest terms first, so each group is led by its best term."""
    groups: list[list[str]] = []
    for term in order:
        scored = [(sum(_similarity(term, m, seeds, vectors) for m in g) / len(g), i) for i, g in enumerate(groups)]
        best = max(scored, default=(0.0, -1))
        if best[0] >= GROUP_SIMILARITY:
            groups[best[1]].append(term)
        else:
            groups.append([term])
    return groups


def _surface(term: str, surfaces: dict[str, Counter]) -> str:
    """The commonest spelling of a term, lower-cased unless it is a name."""
    word = max(sorted(surfaces[term]), key=surfaces[term].__getitem__)
    return word if _is_name(surfaces[term]) else word.lower()


def _label(group: list[str], surfaces: dict[str, Counter], tagged: set[str], weight: dict[str, float]) -> tuple[str, ...]:
    """Up to three leading terms, the user's own tags and phrases first, skipping weak untagged terms
    (under LABEL_SHARE of the strongest) and any whose words a shown term already has."""
    floor = LABEL_SHARE * max(weight[t] for t in group)
    shown: list[str] = []
    for term in sorted(group, key=lambda t: (t not in tagged, " " not in t, -weight[t], t)):
        words = set(term.split())
        strong = term in tagged or weight[term] >= floor
        if strong and not any(words <= set(s.split()) or set(s.split()) <= words for s in shown):
            shown.append(term)
        if len(shown) == MAX_LABEL_TERMS:
            break
    return tuple(_surface(t, surfaces) for t in shown)


def _theme(group: list[str], seeds: dict[str, set[int]], docs: list[_Doc], surfaces, tagged, weight) -> Theme:
    members = sorted({i for term in group for i in seeds[term]}, key=lambda i: (docs[i].note.date, docs[i].note.path))
    notes = [docs[i].note for i in members]
    label = _label(group, surfaces, tagged, weight)
    return Theme(" / ".join(label), notes[0].date, notes[-1].date, tuple(n.path for n in notes),
                 tuple(n.date for n in notes), label)


def theme_notes(notes: list[Note], today: date | None = None) -> list[Note]:
    """What themes are found in: sessions and reflections (coach's included), not agendas, which only plan,
    nor the reviews coach writes, which only look back on the others (a review you wrote yourself counts)."""
    return [n for n in notes if n.kind not in ("agenda", "principle") and not (n.kind == "review" and is_coach_written(n))
            and (today is None or n.date <= today)]


def themes_from_notes(notes: list[Note], passages: list[Passage], limit: int = MAX_THEMES) -> list[Theme]:
    """Recurring themes in the notes, most widespread first (then the strongest)."""
    surfaces: dict[str, Counter] = defaultdict(Counter)
    docs = _docs(sorted(notes, key=lambda n: (n.date, n.path)), surfaces)
    weights = _mark_salient(docs)
    seeds = _seeds(docs, surfaces)
    weight = {t: sum(tfidf({t: docs[i].counts[t]}, weights)[t] for i in seeds[t]) for t in seeds}
    order = sorted(seeds, key=lambda t: (-weight[t], t))
    groups = _group(order, seeds, _context_vectors(seeds, docs, passages))
    tagged = {key for doc in docs for key in _terms("\n".join(t.replace("-", " ") for t in doc.note.tags), surfaces)}
    scored = [(_theme(g, seeds, docs, surfaces, tagged, weight), sum(weight[t] for t in g)) for g in groups]
    scored = [(theme, score) for theme, score in scored if len(set(theme.dates)) >= 2]
    scored.sort(key=lambda pair: (-len(set(pair[0].dates)), -pair[1], pair[0].label))
    return [theme for theme, _ in scored][:limit]


def themes_within(themes: list[Theme], paths: set[str]) -> list[Theme]:
    """The themes as they show in these notes only (a period, one relationship); a theme none of them has
    is left out."""
    kept = []
    for theme in themes:
        pairs = [(p, d) for p, d in zip(theme.notes, theme.dates) if p in paths]
        if pairs:
            kept.append(replace(theme, notes=tuple(p for p, _ in pairs), dates=tuple(d for _, d in pairs),
                                first=pairs[0][1], last=pairs[-1][1]))
    return kept


def find_themes(service, notes: list[Note] | None = None) -> list[Theme]:
    """The service entry point: themes over the folder's notes (scanned now unless given) up to service.today."""
    notes = theme_notes(service.notes() if notes is None else notes, service.today)
    return themes_from_notes(notes, indexed_passages(service.engine, notes))
