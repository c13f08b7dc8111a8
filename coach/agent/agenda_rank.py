"""The agenda's ranking rules: which open commitments belong to which mentor, and what comes first.

An agenda is not a backlog. For one mentor it lists, in this order: what was agreed at the last session
with them, the mentee's drafted questions for the next one, and at most three long-running items — ten
items at most. Everything else stays one key away (the full list). Settled items never appear; items the
tracker only thinks may be done are offered for confirmation instead."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from coach.agent.people import People, same_person
from coach.text import content_words

MAX_ITEMS = 10
MAX_LONG_RUNNING = 3
MIN_MENTIONS = 2
MIN_SUBJECT_WORDS = 2
"""Content words a report and a commitment must share (names and titles aside) to be about the same thing."""
STALE_DAYS = 183
"""Older than about six months: ask whether it is still relevant, not what got in the way."""
OPEN, SETTLED = "open", ("done", "dropped")


def needs_confirmation(item) -> bool:
    """A status the tracker is unsure of ("maybe done"): not on the agenda, offered to confirm."""
    status = str(getattr(item, "status", "")).replace("_", " ")
    return status not in (OPEN, *SETTLED) or bool(getattr(item, "needs_confirmation", False))


def is_open(item) -> bool:
    return getattr(item, "status", None) == OPEN and not needs_confirmation(item)


@dataclass(frozen=True)
class Thread:
    """One mentor's side of the notes: whose items belong on their agenda."""

    mentor: str | None
    people: People
    note_people: dict[str, str | None]
    """path -> the person each note is with (None: the mentee's own note)."""
    note_dates: dict[str, date]

    def named_others(self, text: str) -> list[str]:
        """Other mentors a text names ("Ask Kwame …" in a note with Helen)."""
        return [p for p in self.people.named_in(text) if p in self.people.mentors
                and not same_person(p, self.mentor)]

    def owns(self, item) -> bool:
        """The item is this mentor's: from a note with them (or shared by both), or from the mentee's own
        note naming them (or with only one mentor in the folder); never one that names another mentor."""
        if getattr(item, "owner", "me") != "me":
            return False  # the mentor's or someone else's commitment is not the mentee's to report on
        if self.mentor is None:
            return True
        named = self.people.named_in(item.text)
        if self.named_others(item.text) and not any(same_person(p, self.mentor) for p in named):
            return False
        person = self.note_people.get(item.path)
        if person is not None:
            return same_person(person, self.mentor) or any(same_person(p, self.mentor) for p in named)
        return any(same_person(p, self.mentor) for p in named) or len(self.people.mentors) <= 1


def last_session_day(item, session_paths: set[str]) -> bool:
    """The item was made (or repeated) at the last session: in its write-ups or the mentee's notes since."""
    return any(path in session_paths for path, _ in getattr(item, "mentions", ()) or ((item.path, item.line),))


def latest_mention(item, dates: dict[str, date]) -> date:
    """When the item was last written about: a repeat in a later note, or a report of progress on it."""
    found = [dates.get(path, item.date) for path, _ in getattr(item, "mentions", ()) or ()]
    found += [p.date for p in getattr(item, "progress", ()) or ()]
    return max(found, default=item.date)


def _capitalised(text: str) -> frozenset[str]:
    return content_words(" ".join(w for w in text.split() if w[:1].isupper()))


def subject_words(a: str, b: str) -> frozenset[str]:
    """The content words two sentences share, leaving out words capitalised in both: names and titles ("Josh's
    final report" and "Josh interim report" share only "report"; "Kwame: committee …" shares nothing with
    "Have the Kwame conversation")."""
    return (content_words(a) & content_words(b)) - (_capitalised(a) & _capitalised(b))


def same_subject(a: str, b: str) -> bool:
    return len(subject_words(a, b)) >= MIN_SUBJECT_WORDS


def _reports(item) -> list:
    """Reports of the item still under way that are about it (not merely naming the same person)."""
    return [p for p in getattr(item, "progress", ()) or () if getattr(p, "status", "") == "pending"
            and same_subject(item.text, getattr(p, "text", ""))]


def keeps_coming_up(item, dates: dict[str, date], since: date | None = None) -> bool:
    """Still in play: written down again on a later day (two write-ups of one meeting are one mention), or
    reported as under way ("only a rough draft so far") in a sentence about it — the latest of these at the
    last session or after (`since`), and never with a sign that it was abandoned. An item whose last news is
    older than the last session is as likely settled and unreported as open: it stays on the full list."""
    progress = getattr(item, "progress", ()) or ()
    if any(getattr(p, "status", "") == "maybe_dropped" for p in progress):
        return False
    days = {dates.get(path, item.date) for path, _ in getattr(item, "mentions", ()) or ()}
    news = [p.date for p in _reports(item)] + (sorted(days)[-1:] if len(days) >= MIN_MENTIONS else [])
    return bool(news) and (since is None or max(news) >= since)


def phrase(item, today: date) -> str:
    """How the item reads on the agenda: recent ones ask how it went, old ones whether it still matters."""
    days = (today - item.date).days
    if days >= STALE_DAYS:
        return f"{item.text} — from {item.date.isoformat()}: still relevant?"
    return f"{item.text} — open {days} days"


_PHRASED = re.compile(r" — (?:open \d+ days|from \d{4}-\d{2}-\d{2}: still relevant\?)")


def own_words(text: str, commitment: str | None) -> str:
    """The commitment's own words when `text` is exactly what `phrase` made of it: the age is a reading
    of today, shown beside the item on screen and never written into a saved agenda. Text the user
    edited (anything but the commitment and that tail) is kept as it is."""
    if commitment and text.startswith(commitment) and _PHRASED.fullmatch(text[len(commitment):]):
        return commitment
    return text


@dataclass
class Ranked:
    """The ranked agenda (at most MAX_ITEMS), the rest of the full list, and items to confirm."""

    agreed: list
    questions: list
    long_running: list
    rest: list
    confirm: list


def rank_commitments(tracked: list, thread: Thread, session_paths: set[str], since: date | None = None) -> Ranked:
    """Split this mentor's commitments: agreed at the last session, long-running, the rest, to confirm.
    `since`: the last session's date (long-running items came up then or after)."""
    mine = [t for t in tracked if thread.owns(t)]
    confirm = sorted((t for t in mine if needs_confirmation(t)), key=lambda t: (t.date, t.line), reverse=True)
    live = [t for t in mine if is_open(t)]
    agreed = sorted((t for t in live if last_session_day(t, session_paths)), key=lambda t: (t.path, t.line))
    earlier = sorted((t for t in live if t not in agreed),
                     key=lambda t: (latest_mention(t, thread.note_dates), t.date, -t.line), reverse=True)
    # Long-running means it keeps coming up. An item written once, long ago, and never again is as likely
    # done and unreported as open: it stays on the full list.
    carried: list = []
    for t in earlier:
        # One subject once: an older item restated at the last session ("Restart the evidence log") is
        # listed by that agreement.
        if len(carried) < MAX_LONG_RUNNING and keeps_coming_up(t, thread.note_dates, since) \
                and not any(same_subject(t.text, other.text) for other in agreed + carried):
            carried.append(t)
    return Ranked(agreed, [], carried, [t for t in earlier if t not in carried], confirm)


def fit(groups: list[list], limit: int = MAX_ITEMS) -> tuple[list[list], list]:
    """Take from each group in rank order until `limit` items; return the taken groups and the overflow."""
    taken, overflow, room = [], [], limit
    for group in groups:
        taken.append(group[:room])
        overflow += group[room:]
        room -= len(taken[-1])
    return taken, overflow
