"""Commitments carried across notes: open, done or dropped, by matching later follow-ups to them."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from itertools import groupby

import numpy as np

from coach.agent.report_match import (
    MIN_SHARED,
    core_text,
    head_text,
    labels,
    names_itself,
    report_text,
    report_words,
)
from coach.notes.commitments import (
    Commitment,
    FollowUp,
    containment,
    content_words,
    extract_commitments,
    extract_followups,
)
from coach.notes.model import Note

Embed = Callable[[list[str]], np.ndarray]
"""Texts -> L2-normalised vectors, one row per text (e.g. MiniLM with normalize_embeddings=True)."""

# Thresholds, set from what the measures mean rather than fitted to any notes:
# a report "is about" a commitment when at least half of the commitment's content words
# reappear in it (and at least MIN_SHARED, so one shared name is never enough) ...
LEXICAL_MATCH = 0.5
# ... or when sentence embeddings put them in paraphrase territory (for MiniLM-class models,
# unrelated sentences sit below ~0.3, topical neighbours ~0.4-0.55, paraphrases above ~0.6).
COSINE_MATCH = 0.6
# With embeddings, the two signals are averaged: half the key words plus a topical-neighbour
# cosine (0.5 + 0.4) average to this.
MEAN_MATCH = 0.45
# A repeat of an open commitment must be much closer than a report about it.
REPEAT_COSINE = 0.8
REPEAT_CONTAINMENT = 0.8
REPEAT_JACCARD = 0.5
_NEGATIVE = re.compile(
    r"^(?:stop|quit|no more|no longer|don't|do not|never|avoid|cut out|cut back)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class TrackedCommitment:
    """A commitment with its status as of `today`, and the later note that settled it. The
    commitment's own fields (text, owner, path, date, mentor, line, style) read through to it."""

    commitment: Commitment
    """The first mention: what was said, by whom, where and when."""
    status: str
    """"open", "done" or "dropped"."""
    status_path: str | None
    status_date: date | None
    age_days: int
    """Days open so far (open), or days it took to settle (done / dropped)."""
    evidence: str | None = None
    """The follow-up sentence that settled it."""
    mentions: tuple[tuple[str, int], ...] = ()
    """(path, line) of every mention, the first one included: repeats merge into one item."""

    def __getattr__(self, name: str):
        if name in _COMMITMENT_FIELDS:
            return getattr(self.commitment, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


_COMMITMENT_FIELDS = frozenset(f.name for f in fields(Commitment))


@dataclass
class _Item:
    """A commitment being tracked through the notes, oldest mention first."""

    first: Commitment
    mentions: list[Commitment] = field(default_factory=list)
    status: str = "open"
    settled_by: FollowUp | None = None

    @property
    def negative(self) -> bool:
        """A "stop …" commitment, for which "haven't …" / "no longer …" mean it was kept."""
        return bool(_NEGATIVE.match(self.first.text))


class _Similarity:
    """IDF-weighted word overlap, plus cosine similarity when an embedding function was given."""

    def __init__(self, notes: list[Note], texts: Iterable[str], embed: Embed | None) -> None:
        self.df: Counter[str] = Counter(w for note in notes for w in content_words(note.body))
        self.notes_read = len(notes)
        self.rows: dict[str, int] = {}
        self.vectors: np.ndarray | None = None
        if embed is not None:
            unique = list(dict.fromkeys(texts))
            self.rows = {text: i for i, text in enumerate(unique)}
            self.vectors = np.asarray(embed(unique), dtype=np.float32) if unique else None

    def idf(self, word: str) -> float:
        """Smoothed inverse document frequency over the notes (a word no note contains is rarest)."""
        return math.log((1 + self.notes_read) / (1 + self.df.get(word, 0))) + 1

    def cosine(self, a: str, b: str) -> float | None:
        """Cosine of two texts seen at construction, or None without embeddings."""
        if self.vectors is None or a not in self.rows or b not in self.rows:
            return None
        return float(self.vectors[self.rows[a]] @ self.vectors[self.rows[b]])

    def weighted_containment(self, words: frozenset[str], other: frozenset[str]) -> float:
        """Share of `words`' IDF mass found in `other`: rare shared words count for more."""
        total = sum(self.idf(w) for w in words)
        return sum(self.idf(w) for w in words & other) / total if total else 0.0

    def lexical(self, commitment: str, followup: FollowUp) -> float:
        """Weighted share of the commitment's words (whole core or its head clause) in the report."""
        other, best = report_words(followup), 0.0
        for text in {core_text(commitment), head_text(commitment)}:
            words = content_words(text)
            if len(words & other) >= min(MIN_SHARED, len(words)):
                best = max(best, self.weighted_containment(words, other))
        return best

    def about(self, commitment: str, followup: FollowUp) -> float:
        """How strongly the report is about the commitment (0 when it is not)."""
        labelled = labels(commitment, followup)
        lexical = max(self.lexical(commitment, followup), LEXICAL_MATCH if labelled else 0.0)
        cosine = self.cosine(commitment, report_text(followup))
        if cosine is not None and cosine >= COSINE_MATCH:
            return max(cosine, (lexical + cosine) / 2)  # paraphrase territory: the meaning decides
        if not (labelled or names_itself(commitment, followup)):
            return 0.0  # a heading gives the topic, not the evidence ("## Hiring" is not "hired")
        if cosine is None:
            return lexical if lexical >= LEXICAL_MATCH else 0.0
        # With both signals, words alone no longer decide: an unrelated sentence that happens to
        # share words ("evidence", "raise") is vetoed by a low cosine.
        mean = (lexical + cosine) / 2
        return max(cosine, mean) if mean >= MEAN_MATCH else 0.0

    def by_label_only(self, commitment: str, followup: FollowUp) -> bool:
        """True when only a "Topic:" label ties the report to the commitment: the label may name a
        topic that several commitments share."""
        if not labels(commitment, followup) or names_itself(commitment, followup):
            return False
        cosine = self.cosine(commitment, report_text(followup))
        return cosine is None or cosine < COSINE_MATCH

    def repeats(self, a: str, b: str) -> bool:
        """True when two commitments say the same thing."""
        wa, wb = content_words(a), content_words(b)
        small, large = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
        shared = len(wa & wb)
        if shared >= MIN_SHARED and containment(small, large) >= REPEAT_CONTAINMENT:
            return True
        if shared >= 3 and shared / len(wa | wb) >= REPEAT_JACCARD:
            return True
        return (self.cosine(a, b) or 0.0) >= REPEAT_COSINE


def _status_from(item: _Item, followup: FollowUp) -> str | None:
    """The item's new status given a matching follow-up, or None when it stays open."""
    if followup.negated and item.negative:
        return "done"  # "haven't touched the rota" keeps "stop reviewing the rota"
    return None if followup.status == "pending" else followup.status


def _best_followup(item: _Item, followups: list[FollowUp], sim: _Similarity) -> tuple[float, FollowUp] | None:
    """The follow-up of one day's notes that is most about this item, with its score (None: none is)."""
    scored = [(sim.about(text.text, f), f) for f in followups for text in item.mentions]
    scored = [(score, f) for score, f in scored if score > 0]
    if not scored:
        return None
    return max(scored, key=lambda pair: (pair[0], -len(pair[1].text)))


def _settle_day(open_items: list[_Item], followups: list[FollowUp], sim: _Similarity) -> None:
    """Settle open items from one day's follow-ups. A report tied to an item by its "Topic:" label
    alone settles it only when no other item is more strongly about that report ("Crit: I stayed
    quiet…" is about keeping quiet in crit, not about sharing the crit template)."""
    best = {id(item): found for item in open_items if (found := _best_followup(item, followups, sim))}
    strongest: dict[int, float] = {}
    for score, followup in best.values():
        strongest[id(followup)] = max(strongest.get(id(followup), 0.0), score)
    for item in open_items:
        if id(item) not in best:
            continue
        score, followup = best[id(item)]
        if score < strongest[id(followup)] and any(sim.by_label_only(m.text, followup) for m in item.mentions):
            continue
        status = _status_from(item, followup)
        if status is not None:
            item.status, item.settled_by = status, followup


def _add(items: list[_Item], commitment: Commitment, sim: _Similarity) -> None:
    """Merge a commitment into an open item that it repeats, else start a new item."""
    for item in items:
        if item.status == "open" and any(sim.repeats(m.text, commitment.text) for m in item.mentions):
            item.mentions.append(commitment)
            return
    items.append(_Item(commitment, [commitment]))


def _tracked(item: _Item, today: date) -> TrackedCommitment:
    """The public record of an item."""
    first, settled = item.first, item.settled_by
    end = settled.date if settled else today
    return TrackedCommitment(
        first,
        status=item.status,
        status_path=settled.path if settled else None,
        status_date=settled.date if settled else None,
        age_days=(end - first.date).days,
        evidence=settled.text if settled else None,
        mentions=tuple((m.path, m.line) for m in item.mentions),
    )


def _similarity(
    found: list[tuple[Note, list[Commitment], list[FollowUp]]], embed: Embed | None
) -> _Similarity:
    """One embedding call for every commitment and report text."""
    texts = [c.text for _, cs, _ in found for c in cs] + [report_text(f) for _, _, fs in found for f in fs]
    return _Similarity([note for note, _, _ in found], texts, embed)


def track_commitments(notes: list[Note], today: date, embed: Embed | None = None) -> list[TrackedCommitment]:
    """Every commitment in the notes with its status. Notes are read by date; each day's
    commitments merge into open repeats (or start items), then its follow-ups settle items
    last mentioned on an earlier day."""
    ordered = sorted(notes, key=lambda n: (n.date, n.path))
    found = [(n, extract_commitments(n), extract_followups(n, include_pending=True)) for n in ordered]
    sim = _similarity(found, embed)
    items: list[_Item] = []
    for day, group in groupby(found, key=lambda entry: entry[0].date):
        group = list(group)
        for _, commitments, _ in group:
            for commitment in commitments:
                _add(items, commitment, sim)
        followups = [f for _, _, fs in group for f in fs]
        # A note that repeats a commitment is not also its report: settle only from later days.
        _settle_day([i for i in items if i.status == "open" and i.mentions[-1].date < day], followups, sim)
    return [_tracked(item, today) for item in items]
