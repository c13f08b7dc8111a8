"""Commitments carried across notes: open, done, dropped or "maybe done", each change with its evidence.

A later note settles a commitment only when one of its sentences is about that commitment (its words
and, with embeddings, its meaning) and says it happened or was abandoned. Closing something that is
still open is the worse error, so anything less than a strong match in the same thread and within
a few months is only "maybe done" (a question for the user), and a weak "dropped" changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from itertools import groupby

from coach.agent.report_match import (
    MEAN_MATCH,
    Embed,
    Similarity,
    core_text,
    head_text,
    labels,
    report_text,
    report_words,
)
from coach.notes.commitments import (
    Commitment,
    FollowUp,
    WordIndex,
    content_words,
    extract_commitments,
    mask_quotes,
    only_told,
    report_units,
)
from coach.notes.model import Note

__all__ = ["STATUSES", "Embed", "Progress", "TrackedCommitment", "core_text", "track_commitments"]

STATUSES = ("open", "maybe_done", "done", "dropped")
NOT_CLOSED = frozenset({"open", "maybe_done"})
"""Statuses under which a commitment is still the mentee's to do (maybe_done waits for their word)."""

# A strong match names the commitment closely (Similarity.names_closely); from another mentor's
# thread or from further away than the window it must also score at least this (a near paraphrase:
# "Rang Tyler's dad back about the fire door", told to the other mentor).
STRONG_ELSEWHERE = 0.6
EVIDENCE_WINDOW_DAYS = 180
# A repeat merges into an open item of the same thread last mentioned at most this long ago.
REPEAT_WINDOW_DAYS = 120
_NEGATIVE = re.compile(
    r"^(?:stop|quit|no more|no longer|don't|do not|never|avoid|cut out|cut back)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Progress:
    """A later sentence about a commitment that did not settle it: partial, paused, or a weak sign."""

    text: str
    path: str
    date: date
    line: int
    status: str
    """"pending" (partial, not yet, parked), or "maybe_dropped" (a weak sign it was abandoned)."""

    def to_json(self) -> dict:
        return {"text": self.text, "path": self.path, "date": self.date.isoformat(), "line": self.line,
                "status": self.status}


@dataclass(frozen=True)
class TrackedCommitment:
    """A commitment with its status as of `today`, and the later note that settled it. The
    commitment's own fields (text, owner, path, date, mentor, line, style) read through to it."""

    commitment: Commitment
    """The first mention: what was said, by whom, where and when."""
    status: str
    """"open", "maybe_done" (a weak sign it was done: the user confirms), "done" or "dropped"."""
    status_path: str | None
    status_date: date | None
    age_days: int
    """Days open so far (open), or days it took to settle (done / dropped)."""
    evidence: str | None = None
    """The sentence that settled it (or, for maybe_done, that suggests it)."""
    mentions: tuple[tuple[str, int], ...] = ()
    """(path, line) of every mention, the first one included: repeats merge into one item."""
    evidence_line: int | None = None
    """1-based body line of the evidence sentence in status_path."""
    progress: tuple[Progress, ...] = ()
    """Later sentences that reported on it without settling it, oldest first."""

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
    progress: list[Progress] = field(default_factory=list)
    thread: str | None = None
    """The mentor thread of the note it was first written in (None: the mentee's own notes)."""

    @property
    def negative(self) -> bool:
        """A "stop …" commitment, for which "haven't …" / "no longer …" mean it was kept."""
        return bool(_NEGATIVE.match(self.first.text))



_TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "prof", "professor", "sir", "dame"})


def _thread(mentor: str | None) -> str | None:
    """The mentor thread a note belongs to (first name, any case, titles skipped); None for the
    mentee's own notes."""
    words = [w for w in re.findall(r"[\w'-]+", (mentor or "").casefold()) if w not in _TITLES]
    return words[0] if words else None


def _note_thread(note: Note) -> str | None:
    """A note's thread; notes where the mentee mentors someone ("role: mentor") are their own notes."""
    return None if note.role == "mentor" else _thread(note.mentor)


def _same_thread(a: str | None, b: str | None) -> bool:
    """The mentee's own notes (no mentor) belong to every thread."""
    return a is None or b is None or a == b


def _item_words(item: _Item) -> frozenset[str]:
    """What an item is found by: the words of every mention's core and head clause."""
    return frozenset().union(*(content_words(core_text(m.text)) | content_words(head_text(m.text))
                               for m in item.mentions))


class _Tracker:
    """Items in the order they were first written, with a word index to find the ones a sentence
    may be about (so a note is compared with the few items sharing a word, not with all of them)."""

    def __init__(self, sim: Similarity, threads: dict[str, str | None]) -> None:
        self.sim = sim
        self.threads = threads
        self.items: list[_Item] = []
        self.index = WordIndex()

    def add(self, commitment: Commitment) -> None:
        """Merge a commitment into an open repeat of the same thread and season, else start an item."""
        words = content_words(commitment.text)
        for key in sorted(self.index.candidates(words)):
            item = self.items[key]
            recent = (commitment.date - item.mentions[-1].date).days <= REPEAT_WINDOW_DAYS
            thread = self.threads.get(commitment.path)
            if item.status in NOT_CLOSED and recent and thread == item.thread and any(
                self.sim.repeats(m.text, commitment.text) for m in item.mentions
            ):
                item.mentions.append(commitment)
                self.index.add(key, _item_words(item))
                if item.status == "maybe_done":  # written again as a plan: the earlier hint is stale
                    item.status, item.settled_by = "open", None
                return
        item = _Item(commitment, [commitment], thread=self.threads.get(commitment.path))
        self.index.add(len(self.items), _item_words(item))
        self.items.append(item)

    def candidates(self, unit: FollowUp, day: date) -> Iterator[_Item]:
        """Items still open, last mentioned before `day`, sharing a word with the report."""
        for key in sorted(self.index.candidates(report_words(unit))):
            item = self.items[key]
            if item.status in NOT_CLOSED and item.mentions[-1].date < day:
                yield item


@dataclass(frozen=True)
class _Match:
    """How a report bears on an item."""

    score: float
    strong: bool
    unit: FollowUp


def _match(item: _Item, unit: FollowUp, unit_thread: str | None, sim: Similarity, only_label: bool) -> _Match | None:
    """The report's match with the item (None when it is not about it). Strong only when the report
    names the commitment itself, scores well, comes from the same thread and within the window; or
    when, from the same thread, it confirms it in other words (Similarity.confirms: by meaning within
    the window, or by a "Topic:" label naming this commitment alone)."""
    best: _Match | None = None
    for mention in item.mentions:
        same = _same_thread(item.thread, unit_thread)
        within = (unit.date - mention.date).days <= EVIDENCE_WINDOW_DAYS
        how = sim.confirms(mention.text, unit, only_label) if same else None
        score = sim.about(mention.text, unit)
        if score <= 0 and how is not None and (within or how == "label"):
            score = MEAN_MATCH  # "I never did get to his Year 9 lesson": about it, in other words
        if score <= 0 or (best is not None and score <= best.score):
            continue
        close = sim.names_closely(mention.text, unit)
        # A label naming only this commitment pins the subject at any distance in the same thread.
        strong = (close and ((same and within) or score >= STRONG_ELSEWHERE)) or how == "label" or (
            how == "meaning" and within)
        best = _Match(score, strong, unit)
    return best


def _labelled(item: _Item, unit: FollowUp) -> bool:
    return any(labels(m.text, unit) for m in item.mentions)


def _decide(item: _Item, match: _Match) -> None:
    """Apply one report to an item: close it on strong evidence, ask on weak evidence, and record
    partial progress; never close on a report that only mentions it."""
    unit = match.unit
    status: str | None  # None: the report names it but says nothing that settles it
    if unit.negated and item.negative and unit.status in ("pending", "dropped"):
        status = "done" if match.strong else "maybe_done"  # "haven't touched the rota" keeps "stop …"
    elif unit.status == "pending":
        item.progress.append(_progress(unit, "pending"))
        if match.strong:  # "haven't booked it yet" outweighs an earlier weak sign it was done
            item.status, item.settled_by = "open", None
        return
    elif unit.status == "dropped":
        if not match.strong:
            item.progress.append(_progress(unit, "maybe_dropped"))
            return
        status = "dropped"
    elif unit.section == "title":
        status = "done" if match.strong else None  # a note named for it: only a close match counts
    elif unit.status == "done":
        status = "done" if match.strong and not _talk_only(item, unit) else "maybe_done"
    else:
        status = "maybe_done" if match.strong else None  # named, but no word of what happened
    if status is not None and not (status == "maybe_done" and item.status == "maybe_done"):
        item.status, item.settled_by = status, unit


# Commitments that are themselves something said: "Told Kwame …" does them.
_SAYING = frozenset({"tell", "ask", "say", "mention", "explain", "suggest", "email", "ring", "call", "text",
                     "message", "raise", "check", "talk", "speak", "reply", "let", "share", "propose", "pitch"})


def _talk_only(item: _Item, unit: FollowUp) -> bool:
    """The report only says the plan was talked about, and the plan was not to say something."""
    verb = (_NEGATIVE.sub("", item.first.text).split() or [""])[0].lower().strip(",.:")
    return verb not in _SAYING and only_told(mask_quotes(unit.text))


def _progress(unit: FollowUp, status: str) -> Progress:
    return Progress(unit.text, unit.path, unit.date, unit.line, status)


def _settle_day(tracker: _Tracker, units: list[FollowUp], threads: dict[str, str | None]) -> None:
    """Settle items from one day's reports. Each item takes its best report of the day; a report
    tied to several items by a "Topic:" label alone goes to the one it is most about, and a report
    that settles one item is no weak sign about another (a repeat for another occasion)."""
    best: dict[int, _Match] = {}
    items: dict[int, _Item] = {}
    for unit in units:
        candidates = list(tracker.candidates(unit, unit.date))
        only_label = sum(_labelled(item, unit) for item in candidates) == 1
        for item in candidates:
            found = _match(item, unit, threads.get(unit.path), tracker.sim, only_label)
            if found is not None and (id(item) not in best or found.score > best[id(item)].score):
                best[id(item)], items[id(item)] = found, item
    strongest: dict[int, float] = {}
    for found in best.values():
        strongest[id(found.unit)] = max(strongest.get(id(found.unit), 0.0), found.score)
    settles = {id(found.unit) for found in best.values() if found.strong}
    for key, found in best.items():
        item = items[key]
        by_label = any(tracker.sim.by_label_only(m.text, found.unit) for m in item.mentions)
        if found.score < strongest[id(found.unit)] and by_label:
            continue
        if not found.strong and id(found.unit) in settles:
            continue  # one sentence reports one thing: it settles another item, so it only mentions this one
        _decide(item, found)


def _tracked(item: _Item, today: date) -> TrackedCommitment:
    """The public record of an item."""
    first, settled = item.first, item.settled_by
    closed = settled is not None and item.status in ("done", "dropped")
    return TrackedCommitment(
        first,
        status=item.status,
        status_path=settled.path if settled else None,
        status_date=settled.date if settled else None,
        age_days=((settled.date if settled is not None and closed else today) - first.date).days,
        evidence=settled.text if settled else None,
        mentions=tuple((m.path, m.line) for m in item.mentions),
        evidence_line=settled.line if settled else None,
        progress=tuple(item.progress),
    )


def _title_unit(note: Note) -> FollowUp | None:
    """A note whose title names a commitment may be its doing ("A day shadowing Kwame")."""
    if not note.title or not content_words(note.title):
        return None
    return FollowUp(note.title, "", note.path, note.date, 1, section="title")


# A sentence this short that reports nothing by its own words ("The day", "Josh, two weeks in") is
# no evidence, even if the sentences around it are about a commitment.
_BARE_WORDS = 4


def _units(note: Note) -> list[FollowUp]:
    """What a note may report with: its title, and its sentences (bare short ones left out)."""
    title = _title_unit(note)
    units = [u for u in report_units(note) if u.status or len(content_words(u.text)) >= _BARE_WORDS]
    return ([title] if title else []) + units


def track_commitments(notes: list[Note], today: date, embed: Embed | None = None) -> list[TrackedCommitment]:
    """Every commitment in the notes with its status. Notes are read by date; each day's
    commitments merge into open repeats (or start items), then its reports settle items
    last mentioned on an earlier day."""
    ordered = sorted(notes, key=lambda n: (n.date, n.path))
    found = [(n, extract_commitments(n), _units(n)) for n in ordered]
    threads = {n.path: _note_thread(n) for n in ordered}
    sim = Similarity(ordered, [c.text for _, cs, _ in found for c in cs], embed)
    sim.prepare(_texts_to_compare(found))
    tracker = _Tracker(sim, threads)
    for _day, same_day in groupby(found, key=lambda entry: entry[0].date):
        group = list(same_day)
        for _, commitments, _ in group:
            for commitment in commitments:
                tracker.add(commitment)
        _settle_day(tracker, [u for _, _, units in group for u in units], threads)
    return [_tracked(item, today) for item in tracker.items]


def _texts_to_compare(found: list[tuple[Note, list[Commitment], list[FollowUp]]]) -> list[str]:
    """Report texts sharing a word with some earlier commitment: the only ones ever compared by
    meaning, so only they are embedded."""
    index, texts, dates = WordIndex(), list[str](), list[date]()
    for note, commitments, units in found:
        for unit in units:
            if any(dates[k] < note.date for k in index.candidates(report_words(unit))):
                texts += [report_text(unit), unit.text]
        for commitment in commitments:
            index.add(len(dates), content_words(commitment.text))
            dates.append(commitment.date)
    return texts
