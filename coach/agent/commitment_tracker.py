"""Commitments carried across notes: open, done, dropped or "maybe done", each change with its evidence.

Notes are read by date: each day's commitments merge into open repeats or start items, then the day's
report sentences settle earlier items (how a report bears on an item: coach.agent.status_evidence)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date
from itertools import groupby

from coach.agent.report_match import (
    Embed,
    Similarity,
    core_text,
    head_text,
    report_text,
    report_words,
    terse_context,
)
from coach.agent.status_evidence import NOT_CLOSED, Item, Progress, note_thread, settle_day
from coach.notes.commitments import (
    Commitment,
    FollowUp,
    WordIndex,
    content_words,
    extract_commitments,
    report_units,
)
from coach.notes.model import Note

__all__ = ["NOT_CLOSED", "STATUSES", "Embed", "Progress", "TrackedCommitment", "core_text", "track_commitments"]

STATUSES = ("open", "maybe_done", "done", "dropped")

# A repeat merges into an open item of the same thread last mentioned at most this long ago.
REPEAT_WINDOW_DAYS = 120


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
    evidence_before: str | None = None
    """For a terse evidence sentence, the one before it whose words tied it to the commitment."""

    @property
    def cited(self) -> str | None:
        """The evidence as shown to the user: a terse sentence with the one before it."""
        if not self.evidence or not self.evidence_before:
            return self.evidence
        return f"{self.evidence_before.rstrip('.')}. {self.evidence}"

    def __getattr__(self, name: str):
        if name in _COMMITMENT_FIELDS:
            return getattr(self.commitment, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


_COMMITMENT_FIELDS = frozenset(f.name for f in fields(Commitment))





def _item_words(item: Item) -> frozenset[str]:
    """What an item is found by: the words of every mention's core and head clause."""
    return frozenset().union(*(content_words(core_text(m.text)) | content_words(head_text(m.text))
                               for m in item.mentions))


class _Tracker:
    """Items in the order they were first written, with a word index to find the ones a sentence
    may be about (so a note is compared with the few items sharing a word, not with all of them)."""

    def __init__(self, sim: Similarity, threads: dict[str, str | None]) -> None:
        self.sim = sim
        self.threads = threads
        self.items: list[Item] = []
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
        item = Item(commitment, [commitment], thread=self.threads.get(commitment.path))
        self.index.add(len(self.items), _item_words(item))
        self.items.append(item)

    def candidates(self, unit: FollowUp, day: date) -> Iterator[Item]:
        """Items still open, last mentioned before `day`, sharing a word with the report."""
        for key in sorted(self.index.candidates(report_words(unit))):
            item = self.items[key]
            if item.status in NOT_CLOSED and item.mentions[-1].date < day:
                yield item


def _tracked(item: Item, today: date) -> TrackedCommitment:
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
        evidence_before=terse_context(settled) if settled else None,
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
    threads = {n.path: note_thread(n) for n in ordered}
    sim = Similarity(ordered, [c.text for _, cs, _ in found for c in cs], embed)
    sim.prepare(_texts_to_compare(found))
    tracker = _Tracker(sim, threads)
    for _day, same_day in groupby(found, key=lambda entry: entry[0].date):
        group = list(same_day)
        for _, commitments, _ in group:
            for commitment in commitments:
                tracker.add(commitment)
        settle_day(tracker.sim, tracker.candidates, [u for _, _, units in group for u in units], threads)
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
