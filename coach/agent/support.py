"""The support check: every sentence a model writes must stand on a retrieved passage, or it goes.

A sentence is kept only when
- each quotation in it ("…", “…”) is verbatim in a retrieved note or principle,
- each date in it is the date of a retrieved note (no invented meetings),
- a mentor it names is the mentor of a passage that supports it (no words put in the wrong mouth),
- and its meaning overlaps a retrieved passage (the one it cites, when it cites one): MiniLM cosine
  to the passage's closest sentence, or the share of its content words the passage holds, above
  thresholds calibrated on both dev sets by bench/calibrate_support.py.
Sentences that fail are removed and reported (`dropped_sentences`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from coach.agent import citations
from coach.agent.passages import sentence_spans as sentences
from coach.notes.commitments import content_words
from coach.retrieval.search import Hit

if TYPE_CHECKING:
    from coach.retrieval.embeddings import Embedder

# Calibrated by bench/calibrate_support.py on dev and dev2 (see its docstring for how).
MIN_COSINE = 0.51
MIN_WORD_SHARE = 0.7
MIN_QUOTE_WORDS = 2  # a single quoted word is emphasis, not a quotation
_QUOTED = re.compile(r"“([^”\n]+)”|\"([^\"\n]+)\"")
_ISO = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_CITE = re.compile(r"\[[^\[\]\n]*\]")
_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
_NAME_STOP = frozenset({"the", "and", "mrs", "mr", "ms", "dr", "prof"})


@dataclass
class Verdict:
    """Why a sentence was dropped (None when it is supported)."""

    sentence: str
    reason: str | None


@dataclass
class SupportCheck:
    """Checks sentences against the retrieved hits (and the passages quoted from them)."""

    hits: list[Hit]
    embedder: Embedder | None = None
    extra_texts: list[str] = field(default_factory=list)  # e.g. the whole quoted passages
    _cache: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        pool = [hit.text for hit in self.hits] + list(self.extra_texts)
        self._verbatim = [normalise(text) for text in pool]
        self._dates = {hit.date for hit in self.hits if hit.source == "notes" and hit.date}
        self._units = {id(hit): _split(hit.text) for hit in self.hits}
        self._vectors: dict[int, np.ndarray] = {}

    def reason(self, sentence: str) -> str | None:
        """None when the sentence is supported; else a short reason it is not."""
        key = sentence.strip()
        if key not in self._cache:
            self._cache[key] = self._judge(key)
        return self._cache[key]

    def filter(self, text: str) -> tuple[str, list[Verdict]]:
        """The text with unsupported sentences removed, and the dropped ones."""
        kept: list[str] = []
        dropped: list[Verdict] = []
        for start, end in sentences(text):
            piece = text[start:end]
            why = self.reason(piece) if piece.strip() else None
            (dropped.append(Verdict(piece.strip(), why)) if why else kept.append(piece.strip()))
        return " ".join(kept), dropped

    def _judge(self, sentence: str) -> str | None:
        for quote in quoted_spans(sentence):
            if not self.verbatim(quote):
                return "quote not found verbatim in your notes or the principles"
        for day in _ISO.findall(sentence):
            if day not in self._dates:
                return f"no retrieved note is dated {day}"
        plain = _CITE.sub(" ", sentence)
        words = content_words(plain)
        if not words:
            return "says nothing a passage supports"
        pool = self._candidates(sentence, plain)
        if not pool:
            return "names someone whose notes do not say this"
        if any(_share(words, content_words(hit.text)) >= MIN_WORD_SHARE for hit in pool):
            return None
        if self._best_cosine(plain, pool) >= MIN_COSINE:
            return None
        return "not supported by the retrieved passages"

    def verbatim(self, quote: str) -> bool:
        want = normalise(quote)
        return bool(want) and any(want in text for text in self._verbatim)

    def _candidates(self, sentence: str, plain: str) -> list[Hit]:
        """The hits the sentence may stand on: those it cites (when it cites any), and of those,
        the notes of a mentor it names."""
        labels = [part.strip() for m in citations.BRACKET.finditer(sentence) for part in m.group(1).split(";")]
        # every passage a cite fits (two passages of one note share its cite), not only the first
        pool = [hit for hit in self.hits if any(citations._match(label, [hit]) for label in labels)]
        pool = pool or list(self.hits)
        named = self._named_mentors(plain)
        if named:
            pool = [hit for hit in pool if hit.source == "knowledge" or _mentor_words(hit.mentor) & named]
        return pool

    def _named_mentors(self, plain: str) -> set[str]:
        known = set().union(*(_mentor_words(hit.mentor) for hit in self.hits)) if self.hits else set()
        said = {w.casefold() for w in re.findall(r"[A-Z][\w'-]+", plain)}
        return known & said

    def _best_cosine(self, plain: str, pool: list[Hit]) -> float:
        if self.embedder is None:
            return 0.0
        self._embed_units(self.embedder, pool)
        vector = np.asarray(self.embedder.embed([plain])[0], dtype=np.float32)
        scores = [float(np.max(self._vectors[id(hit)] @ vector)) for hit in pool if len(self._vectors[id(hit)])]
        return max(scores, default=0.0)

    def _embed_units(self, embedder: Embedder, pool: list[Hit]) -> None:
        missing = [hit for hit in pool if id(hit) not in self._vectors]
        texts = [unit for hit in missing for unit in self._units[id(hit)]]
        vectors = np.asarray(embedder.embed(texts), dtype=np.float32) if texts else np.zeros((0, 1))
        at = 0
        for hit in missing:
            n = len(self._units[id(hit)])
            self._vectors[id(hit)] = vectors[at:at + n]
            at += n


def quoted_spans(text: str) -> list[str]:
    """Quotations of two words or more ("…" or “…”)."""
    found = [(m.group(1) or m.group(2)).strip() for m in _QUOTED.finditer(text)]
    return [q for q in found if len(q.split()) >= MIN_QUOTE_WORDS]


def normalise(text: str) -> str:
    """For verbatim comparison: curly quotes folded, case and runs of whitespace ignored,
    trailing punctuation inside the quote marks ignored."""
    return " ".join(text.translate(_FOLD).casefold().split()).strip(" .,;:!?")


def unverified_quotes(text: str, sources: list[str]) -> list[str]:
    """The quotations in `text` that are verbatim in none of `sources`."""
    pool = [normalise(s) for s in sources]
    return [q for q in quoted_spans(text) if not any(normalise(q) in s for s in pool)]


def remove_unverified(text: str, sources: list[str]) -> tuple[str, list[str]]:
    """`text` without the sentences whose quotations are not verbatim in `sources`."""
    bad = set(unverified_quotes(text, sources))
    if not bad:
        return text, []
    kept: list[str] = []
    dropped: list[str] = []
    for start, end in sentences(text):
        piece = text[start:end].strip()
        (dropped if set(quoted_spans(piece)) & bad else kept).append(piece)
    return " ".join(kept), dropped


def _split(text: str) -> list[str]:
    return [text[s:e].strip() for s, e in sentences(text) if text[s:e].strip()]


def _share(words: frozenset[str], passage: frozenset[str]) -> float:
    return len(words & passage) / len(words) if words else 0.0


def _mentor_words(mentor: str | None) -> set[str]:
    return {w for w in re.findall(r"[\w'-]+", (mentor or "").casefold()) if len(w) > 2 and w not in _NAME_STOP}
