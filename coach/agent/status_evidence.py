"""How a later report bears on a tracked commitment: whether it is about it (same subject, thread and
season) and what it does to it (done, dropped, maybe done, or progress only).

Closing something that is still open is the worse error, so anything less than a strong match in the
same thread and within a few months is only "maybe done" (a question for the user), and a weak
"dropped" changes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from coach.agent.report_match import MEAN_MATCH, MIN_SHARED, Similarity, label_words, labels
from coach.notes.commitments import Commitment, FollowUp, mask_quotes, only_told
from coach.notes.commitments.imperatives import ACTION_VERBS
from coach.notes.model import Note

NOT_CLOSED = frozenset({"open", "maybe_done"})
"""Statuses under which a commitment is still the mentee's to do (maybe_done waits for their word)."""

Candidates = Callable[[FollowUp, date], Iterable["Item"]]
"""(report, its day) -> the open items it may be about."""

# A strong match names the commitment closely (Similarity.names_closely); from another mentor's
# thread or from further away than the window it must also score at least this (a near paraphrase:
# "Rang Tyler's dad back about the fire door", told to the other mentor).
STRONG_ELSEWHERE = 0.6
EVIDENCE_WINDOW_DAYS = 180
# A report that says in its own words that something happened, from the same thread and within the
# window, closes the commitment without repeating its verb ("Luis owns the rota now" for "Hand Luis
# the rota") when it scores above topical-neighbour territory (report_match: ~0.4-0.55).
OUTCOME_SCORE = 0.55
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


@dataclass
class Item:
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


def note_thread(note: Note) -> str | None:
    """A note's thread; notes where the mentee mentors someone ("role: mentor") are their own notes."""
    return None if note.role == "mentor" else _thread(note.mentor)


def same_thread(a: str | None, b: str | None) -> bool:
    """The mentee's own notes (no mentor) belong to every thread."""
    return a is None or b is None or a == b



@dataclass(frozen=True)
class Match:
    """How a report bears on an item."""

    score: float
    strong: bool
    unit: FollowUp
    near: bool = False
    """Same thread, within the window, and judged by meaning as well as words (embeddings)."""


def match_report(item: Item, unit: FollowUp, unit_thread: str | None, sim: Similarity, only_label: bool) -> Match | None:
    """The report's match with the item (None when it is not about it). Strong only when the report
    names the commitment itself, scores well, comes from the same thread and within the window; or
    when it confirms it in other words (_confirms: by meaning within the window, or by a "Topic:"
    label naming this commitment alone)."""
    best: Match | None = None
    for mention in item.mentions:
        same = same_thread(item.thread, unit_thread)
        within = (unit.date - mention.date).days <= EVIDENCE_WINDOW_DAYS
        how = _confirms(sim, mention.text, unit, only_label, same, within)
        score = sim.about(mention.text, unit)
        if score <= 0 and how is not None and (within or how == "label"):
            score = MEAN_MATCH  # "I never did get to his Year 9 lesson": about it, in other words
        if score <= 0 or (best is not None and score <= best.score):
            continue
        close = sim.names_closely(mention.text, unit)
        # A label naming only this commitment pins the subject at any distance in the same thread.
        strong = (close and ((same and within) or score >= STRONG_ELSEWHERE)) or how == "label" or (
            how == "meaning" and within)
        best = Match(score, strong, unit, same and within and sim.embed is not None)
    return best


def _confirms(sim: Similarity, commitment: str, unit: FollowUp, only_label: bool, same: bool,
              within: bool) -> str | None:
    """Similarity.confirms within the item's thread. From another mentor's thread, only a "Topic:"
    label of two words or more, all of them the commitment's and no other open item's, within the
    window ("Club handover: …" told to the other mentor): one shared word or a meaning is not enough."""
    how = sim.confirms(commitment, unit, only_label)
    if same:
        return how
    return how if how == "label" and within and len(label_words(unit)) >= MIN_SHARED else None


def _labelled(item: Item, unit: FollowUp) -> bool:
    return any(labels(m.text, unit) for m in item.mentions)


def decide(item: Item, match: Match) -> None:
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
        outcome = match.near and unit.own_cue and match.score >= OUTCOME_SCORE
        status = "done" if (match.strong or outcome) and not _talk_only(item, unit) else "maybe_done"
    else:
        status = _unworded(unit) if match.strong else None
    if status is not None and not (status == "maybe_done" and item.status == "maybe_done"):
        item.status, item.settled_by = status, unit


def _unworded(unit: FollowUp) -> str:
    """A strong match whose own words say nothing of what happened: a later note that names the
    commitment as a fact of its own ("Club: 31 sign-ups on the form") reports it done; one that
    opens with an action verb ("Use the sheets instead of …") is a new plan, so only a question."""
    first = (unit.text.split() or [""])[0].lower().strip(",.:")
    return "maybe_done" if first in ACTION_VERBS else "done"


# Commitments that are themselves something said: "Told Kwame …" does them.
_SAYING = frozenset({"tell", "ask", "say", "mention", "explain", "suggest", "email", "ring", "call", "text",
                     "message", "raise", "check", "talk", "speak", "reply", "let", "share", "propose", "pitch"})


def _talk_only(item: Item, unit: FollowUp) -> bool:
    """The report only says the plan was talked about, and the plan was not to say something."""
    verb = (_NEGATIVE.sub("", item.first.text).split() or [""])[0].lower().strip(",.:")
    return verb not in _SAYING and only_told(mask_quotes(unit.text))


def _progress(unit: FollowUp, status: str) -> Progress:
    return Progress(unit.text, unit.path, unit.date, unit.line, status)


def settle_day(sim: Similarity, candidates: Candidates, units: list[FollowUp], threads: dict[str, str | None]) -> None:
    """Settle items from one day's reports. Each item takes its best report of the day; a report
    tied to several items by a "Topic:" label alone goes to the one it is most about, and a report
    that settles one item is no weak sign about another (a repeat for another occasion)."""
    best: dict[int, Match] = {}
    items: dict[int, Item] = {}
    for unit in units:
        found_items = list(candidates(unit, unit.date))
        only_label = sum(_labelled(item, unit) for item in found_items) == 1
        for item in found_items:
            found = match_report(item, unit, threads.get(unit.path), sim, only_label)
            if found is not None and (id(item) not in best or found.score > best[id(item)].score):
                best[id(item)], items[id(item)] = found, item
    strongest: dict[int, float] = {}
    for found in best.values():
        strongest[id(found.unit)] = max(strongest.get(id(found.unit), 0.0), found.score)
    settles = {id(found.unit) for found in best.values() if found.strong}
    for key, found in best.items():
        item = items[key]
        by_label = any(sim.by_label_only(m.text, found.unit) for m in item.mentions)
        if found.score < strongest[id(found.unit)] and by_label:
            continue
        if not found.strong and id(found.unit) in settles:
            continue  # one sentence reports one thing: it settles another item, so it only mentions this one
        decide(item, found)
