"""Extractive answers: the notes' own words, whole and cited, grouped by who said it and when.

With the bundled model this is the whole answer (a 135M model cannot be trusted to write prose
about someone's mentor); with a capable model it is the evidence shown beside the model's summary.
No model is loaded here: the passages come from the search hits and the note files themselves."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach.agent.passages import Passage, Unit, expand, note_units, word_relevance
from coach.notes import provenance
from coach.notes.commitments import content_words
from coach.notes.model import Note
from coach.notes.reader import read_note
from coach.retrieval.search import Hit

MAX_PASSAGES = 4
RELATIVE_SCORE = 0.9
"""A hit scoring below this share of the best one is not quoted. Quotes are shown newest first, so a weak
hit that happens to be recent would open the answer: at 0.6 over half of the quoted notes on both eval
sets were outside the labelled answers (dev 92 of 152, dev2 84 of 167); at 0.9, 37 of 87 and 28 of 96,
with the labelled notes quoted for as many questions (bench notes in the commit)."""
PRINCIPLES_SHOWN = 1
SNIPPET_BONUS = 0.2  # a unit inside the search's snippet is what the search matched on
EMBED_UNITS = 8  # a paraphrase hit's units embedded at most (each costs about one query embedding)
NOT_FOUND = "I couldn't find this in your notes."
GENERAL = "General guidance from the principles (not your notes):"
_EARLIEST = re.compile(r"\b(?:first|earliest|initial(?:ly)?|originally|at the (?:start|beginning))\b", re.I)


@dataclass(frozen=True)
class Quote:
    """One passage quoted in an answer: verbatim text (one sentence or list item a line) and where it is."""

    hit: Hit
    passage: Passage
    who: str  # "Ade Okafor", "your reflection", "reverse mentoring with Ade", "principle: GROW"

    @property
    def text(self) -> str:
        return self.passage.text

    @property
    def lines(self) -> tuple[int, int]:
        return self.passage.start, self.passage.end

    def to_json(self) -> dict:
        hit = self.hit
        return {"source": hit.source, "path": hit.path, "date": hit.date or None, "mentor": hit.mentor,
                "kind": hit.kind, "role": hit.role, "who": self.who, "lines": list(self.lines),
                "text": self.text, "items": [u.text for u in self.passage.units if u.item]}


@dataclass(frozen=True)
class Extract:
    """The extractive answer: a lead line, the note quotes (in display order) and the principles."""

    lead: str
    notes: list[Quote]
    principles: list[Quote]
    ranked: tuple = ()
    """The quoted hits best first (the quotes themselves are in display order: by date)."""

    @property
    def quotes(self) -> list[Quote]:
        return self.notes + self.principles

    @property
    def hits(self) -> list[Hit]:
        """The hits quoted, best first, then the principles."""
        shown = {q.hit.chunk_id for q in self.notes}
        return [h for h in self.ranked if h.chunk_id in shown] + [q.hit for q in self.principles]

    @property
    def markdown(self) -> str:
        return render(self)


def build_extract(question: str, notes: list[Hit], principles: list[Hit], roots: dict[str, Path],
                  embedder=None) -> Extract:
    """Pick the best 2-4 note hits (and one principle), expand each to whole units, order them."""
    chosen = pick(notes)
    reader = _Reader(roots)
    quotes = _quotes(question, chosen, reader, embedder)
    quotes.sort(key=lambda q: (q.hit.date, q.hit.path), reverse=not _EARLIEST.search(question))
    shown_principles = _quotes(question, principles[:PRINCIPLES_SHOWN], reader, embedder)
    return Extract(lead_line(quotes, earliest=bool(_EARLIEST.search(question))), quotes, shown_principles,
                   tuple(chosen))


def pick(hits: list[Hit]) -> list[Hit]:
    """The best hit, and up to three more within reach of it (a weak second hit is noise, not evidence)."""
    if not hits:
        return []
    top = max(hit.score for hit in hits)
    return [hit for i, hit in enumerate(hits[:MAX_PASSAGES]) if i == 0 or hit.score >= top * RELATIVE_SCORE]


def _quotes(question: str, hits: list[Hit], reader: _Reader, embedder) -> list[Quote]:
    found = [(hit, reader.units(hit)) for hit in hits]
    relevance = _relevance(question, [(hit, units) for hit, units in found], embedder)
    quotes = []
    for (hit, units), scores in zip(found, relevance):
        passage = expand(units, hit.start_line, hit.end_line, scores)
        if passage is not None:
            quotes.append(Quote(hit, passage, who(hit, reader.note(hit))))
    return quotes


def _relevance(question: str, found: list[tuple[Hit, list[Unit]]], embedder) -> list[dict[int, float]]:
    """Per hit, each nearby unit's relevance: the question's words it holds, plus a little for lying in
    the search's own snippet. Only a hit sharing no word with the question (a paraphrase) has its units
    embedded — a few, in one batch: embedding every sentence would cost more than the search itself."""
    out = []
    for hit, units in found:
        near = [i for i, u in enumerate(units) if u.end >= hit.start_line and u.start <= hit.end_line]
        words = word_relevance(units, question)
        snippet = content_words(hit.snippet or "")
        scores = {i: words.get(i, 0.0) + SNIPPET_BONUS * _share(content_words(units[i].text), snippet) for i in near}
        if embedder is not None and near and not any(words.get(i, 0.0) for i in near):
            scores = _by_meaning(question, units, near[:EMBED_UNITS], embedder) or scores
        out.append(scores)
    return out


def _by_meaning(question: str, units: list[Unit], near: list[int], embedder) -> dict[int, float]:
    vectors = np.asarray(embedder.embed([question, *(units[i].text for i in near)]), dtype=np.float32)
    return {i: float(c) for i, c in zip(near, vectors[1:] @ vectors[0])}


def _share(words: frozenset[str], within: frozenset[str]) -> float:
    return len(words & within) / len(words) if words else 0.0


class _Reader:
    """Reads each quoted note once, with coach's own wording blanked (it is never quoted)."""

    def __init__(self, roots: dict[str, Path]) -> None:
        self.roots = roots
        self._notes: dict[tuple[str, str], Note | None] = {}

    def note(self, hit: Hit) -> Note | None:
        key = (hit.source, hit.path)
        if key not in self._notes:
            root = self.roots.get(hit.source)
            found = read_note(root / hit.path, root) if root is not None else None
            self._notes[key] = found if isinstance(found, Note) else None
        return self._notes[key]

    def units(self, hit: Hit) -> list[Unit]:
        note = self.note(hit)
        if note is None:  # gone since it was indexed: the indexed passage itself is all there is
            return note_units(provenance.strip_callouts(hit.text), hit.start_line)
        return note_units(provenance.user_text(note), note.body_offset)


def who(hit: Hit, note: Note | None) -> str:
    """Whose words these are, as a label: the mentor of a session, or the mentee's own note."""
    if hit.source == "knowledge":
        return f"principle: {hit.title or hit.path}"
    mentor = hit.person or hit.mentor  # one name per person, whichever spelling the note uses
    if hit.role == "mentor":
        return f"you mentor {mentor}" if mentor else "a note where you mentor someone"
    if hit.role == "reverse":
        return f"reverse mentoring with {mentor}" if mentor else "reverse mentoring"
    coach = " (written with coach)" if note is not None and provenance.is_coach_written(note) else ""
    if hit.kind == "reflection":
        return f"your reflection{coach}" + (f" after meeting {mentor}" if mentor else "")
    if hit.kind in ("agenda", "review"):
        return f"your {hit.kind}{coach}"
    return mentor or "your notes"


def lead_line(quotes: list[Quote], earliest: bool = False) -> str:
    """One deterministic line: how many sessions (per mentor) and notes, and the latest (or first) date."""
    if not quotes:
        return NOT_FOUND
    sessions: dict[str, set[str]] = {}
    others: set[str] = set()
    for quote in quotes:
        hit = quote.hit
        person = hit.person or hit.mentor  # "Dr Helen O-S" and "Helen Okonkwo-Shaw" are one person
        if hit.kind == "session" and person and hit.role not in ("mentor", "reverse"):
            sessions.setdefault(person, set()).add(hit.date)
        else:
            others.add(hit.path)
    parts = [f"{_count(len(days), 'session')} with {name}" for name, days in sessions.items()]
    if others:
        parts.append(_count(len(others), "other note") if sessions else _count(len(others), "note"))
    dates = sorted(q.hit.date for q in quotes if q.hit.date)
    when = ""
    if dates:
        when = f", first on {dates[0]}" if earliest else f", most recently on {dates[-1]}"
    if len(quotes) == 1 and not sessions:
        return f"One of your notes touches on this{when}:"
    return f"Your notes touch on this in {_join(parts)}{when}:"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def render(extract: Extract) -> str:
    """The answer as Markdown: lead line, each quote under its who/when header, principles apart."""
    blocks = [extract.lead if extract.notes else NOT_FOUND]
    blocks += [_quote_block(q) for q in extract.notes]
    if extract.principles:
        blocks.append(GENERAL)
        blocks += [_quote_block(q) for q in extract.principles]
    return "\n\n".join(blocks)


def _quote_block(quote: Quote) -> str:
    hit = quote.hit
    start, end = quote.lines
    lines = f"line {start}" if start == end else f"lines {start}-{end}"
    if hit.source == "knowledge":
        head = f"**{quote.who}** ({hit.path}, {lines})"
    else:
        head = f"**{' · '.join(p for p in (hit.date, quote.who) if p)}** ({hit.path}, {lines})"
    body = [f"> - {u.text}" if u.item else f"> {u.text}" for u in quote.passage.units]
    return head + "\n" + "\n".join(_merge_sentences(body))


def _merge_sentences(lines: list[str]) -> list[str]:
    """Consecutive sentences of one paragraph read as one quoted paragraph."""
    out: list[str] = []
    for line in lines:
        if out and not line.startswith("> - ") and not out[-1].startswith("> - "):
            out[-1] += " " + line[2:]
        else:
            out.append(line)
    return out
