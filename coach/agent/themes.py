"""`coach themes`: topics that recur across sessions, by salient keywords grouped with embeddings."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np

from coach.agent.writer import is_generated
from coach.notes.commitments import content_words, stem
from coach.notes.model import Note
from coach.retrieval.chunking import chunk_note

Embed = Callable[[list[str]], np.ndarray]

# A term is salient in a note when it is among the note's TOP_TERMS by tf-idf and either repeated
# or placed where the author signals a topic (title, heading, tag): one passing mention is not a topic.
TOP_TERMS = 12
# Words in more than this share of notes are the background of every session (names, "team"), not topics.
MAX_DF = 0.4
# Two terms belong to one theme when they show up in the same notes and in passages that mean
# the same thing: the mean of note-set Jaccard and context cosine must reach this.
GROUP_SIMILARITY = 0.55
MAX_THEMES = 12
MAX_LABEL_TERMS = 3
# Conversation verbs and vague nouns every set of meeting notes is full of; they never name a topic.
_GENERIC = frozenset(
    """said say says asked ask told tell think thought felt feel feeling want wanted know knew mean
    meant talk talked talking call week weeks month months year years day days today time times
    session sessions meeting meetings note notes good great better best bad hard easy big small
    little lot right wrong new old start started end ended keep kept try tried point part work
    working worked people person someone everyone nobody anyone idea ideas question questions
    answer thing minute minutes hour hours morning evening night last next later since ago back yes
    okay ok sure pretty quite enough like liked write wrote written run running look looked see saw
    seen come came hear heard find found wait waited happen happened change changed open opened move
    moved give gave send sent help helped fix fixed real really every second never always often
    usually almost already actually basically probably maybe perhaps rather kind sort bit whole
    half full same different other another many much several few less least more most able
    around away done going getting got put set use used need needed let seem seemed turn turned
    bring brought show showed leave left stay stayed hold held live lived stand stood happy sad
    true false clear clearly fine nice long short high low early late least first second third
    anything everything nothing something january february march april may june july august
    september october november december monday tuesday wednesday thursday friday saturday sunday""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’-][A-Za-z0-9]+)*")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$|^\s*\*\*([^*]+)\*\*\s*:?\s*$", re.M)


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
        return {
            "label": self.label,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "notes": list(self.notes),
            "terms": list(self.terms),
        }


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
    if len(word) < 3 or word in _GENERIC or not content_words(word):
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
            if joined and " " not in key and " " not in previous[0]:
                pair = f"{previous[0]} {key}"
                surfaces[pair][f"{previous[1]} {match.group()}"] += 1
                found.append(pair)
            previous = (key, match.group(), match.end())
    return found


def _marked_text(note: Note) -> str:
    """Where an author names topics: title, headings and tags."""
    headings = [m.group(1) or m.group(2) for m in _HEADING.finditer(note.body)]
    return "\n".join([note.title, *headings, *(t.replace("-", " ") for t in note.tags)])


def _docs(notes: list[Note], surfaces: dict[str, Counter]) -> list[_Doc]:
    docs = []
    for note in notes:
        doc = _Doc(note, Counter(_terms(note.body, surfaces)))
        doc.marked = set(_terms(_marked_text(note), surfaces))
        doc.counts.update(doc.marked)
        docs.append(doc)
    return docs


def _mark_salient(docs: list[_Doc]) -> dict[str, float]:
    """Fill each doc's salient terms; returns each term's idf."""
    df = Counter(term for doc in docs for term in doc.counts)
    idf = {term: math.log(len(docs) / count) + 1 for term, count in df.items()}
    ceiling = max(2, MAX_DF * len(docs))
    for doc in docs:
        ranked = sorted(doc.counts, key=lambda t: (-(1 + math.log(doc.counts[t])) * idf[t], t))
        eligible = [t for t in ranked if df[t] <= ceiling and df[t] >= 2]
        top = {t for t in eligible[:TOP_TERMS] if doc.counts[t] >= 2}
        doc.salient = top | {t for t in doc.marked if 2 <= df[t] <= ceiling}
    return idf


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


def _context_vectors(seeds: dict[str, set[int]], docs: list[_Doc], embed: Embed) -> dict[str, np.ndarray]:
    """Each term's meaning in these notes: the mean vector of the passages it appears in."""
    passages = [(i, c.text) for i, doc in enumerate(docs) for c in chunk_note(doc.note)]
    vectors = np.asarray(embed([text for _, text in passages]), dtype=np.float32) if passages else None
    out = {}
    for term, members in seeds.items():
        rows = [row for row, (i, text) in enumerate(passages) if i in members and _mentions(text, term)]
        if rows and vectors is not None:
            mean = vectors[rows].mean(axis=0)
            out[term] = mean / (np.linalg.norm(mean) or 1.0)
    return out


def _mentions(text: str, term: str) -> bool:
    return term in _terms(text, defaultdict(Counter))


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
    word = max(sorted(surfaces[term]), key=surfaces[term].get)
    return word if _is_name(surfaces[term]) else word.lower()


def _label(group: list[str], surfaces: dict[str, Counter]) -> tuple[str, ...]:
    """Up to three leading terms, skipping any whose words an earlier one already shows."""
    shown: list[str] = []
    for term in group:
        if not any(set(term.split()) <= set(s.split()) or set(s.split()) <= set(term.split()) for s in shown):
            shown.append(term)
        if len(shown) == MAX_LABEL_TERMS:
            break
    return tuple(_surface(t, surfaces) for t in shown)


def _theme(group: list[str], seeds: dict[str, set[int]], docs: list[_Doc], surfaces) -> Theme:
    members = sorted({i for term in group for i in seeds[term]}, key=lambda i: (docs[i].note.date, docs[i].note.path))
    notes = [docs[i].note for i in members]
    label = _label(group, surfaces)
    return Theme(" / ".join(label), notes[0].date, notes[-1].date, tuple(n.path for n in notes),
                 tuple(n.date for n in notes), label)


def theme_notes(notes: list[Note], today: date | None = None) -> list[Note]:
    """What themes are found in: the user's sessions and reflections, not agendas (plans) or coach's own notes."""
    return [n for n in notes if n.kind not in ("agenda", "principle") and not is_generated(n)
            and (today is None or n.date <= today)]


def themes_from_notes(notes: list[Note], embed: Embed, limit: int = MAX_THEMES) -> list[Theme]:
    """Recurring themes, most widespread first (then most recent)."""
    surfaces: dict[str, Counter] = defaultdict(Counter)
    docs = _docs(sorted(notes, key=lambda n: (n.date, n.path)), surfaces)
    idf = _mark_salient(docs)
    seeds = _seeds(docs, surfaces)
    weight = {t: sum(idf[t] * (1 + math.log(docs[i].counts[t])) for i in seeds[t]) for t in seeds}
    order = sorted(seeds, key=lambda t: (-weight[t], t))
    groups = _group(order, seeds, _context_vectors(seeds, docs, embed) if seeds else {})
    scored = [(_theme(g, seeds, docs, surfaces), sum(weight[t] for t in g)) for g in groups]
    scored = [(theme, score) for theme, score in scored if len(set(theme.dates)) >= 2]
    scored.sort(key=lambda pair: (-len(set(pair[0].dates)), -pair[1], pair[0].label))
    themes = [theme for theme, _ in scored]
    return themes[:limit]


def find_themes(service) -> list[Theme]:
    """The service entry point: themes over every note in the folder as of service.today."""
    notes = theme_notes(service.engine.scan_notes().notes, service.today)
    return themes_from_notes(notes, service.engine.query_embedder.embed)
