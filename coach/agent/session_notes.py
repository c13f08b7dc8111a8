"""Which sessions and which mentor a command is about: session notes in order, a mentor's full name, the last session."""

from __future__ import annotations

from datetime import date

from coach.errors import CoachError
from coach.notes.model import Note
from coach.retrieval.search import mentor_matches  # one matching rule for search filters and agendas


def sessions(notes: list[Note], today: date) -> list[Note]:
    """Session notes up to today, oldest first."""
    found = [n for n in notes if n.kind == "session" and n.date <= today]
    return sorted(found, key=lambda n: (n.date, n.path))


def resolve_mentor(notes: list[Note], wanted: str | None, today: date, strict: bool) -> str | None:
    """The full mentor name a (partial) name refers to; default: the mentor of the latest session.
    With strict, a name that matches no note is an error; otherwise it is used as typed."""
    if not wanted:
        latest = [n for n in sessions(notes, today) if n.mentor]
        return latest[-1].mentor if latest else None
    counts: dict[str, int] = {}
    for note in notes:
        if note.mentor and mentor_matches(wanted, note.mentor):
            counts[note.mentor] = counts.get(note.mentor, 0) + 1
    if counts:
        return max(sorted(counts), key=counts.__getitem__)  # the most-used spelling of that name
    if strict:
        known = sorted({n.mentor for n in notes if n.mentor})
        hint = f" Mentors in your notes: {', '.join(known)}." if known else " No note names a mentor yet."
        raise CoachError(f"No note has a mentor matching {wanted!r}.{hint}", "Unknown mentor")
    return wanted.strip()


def last_session(notes: list[Note], mentor: str | None, today: date) -> Note | None:
    """The most recent session note with this mentor (any session when mentor is None)."""
    found = [n for n in sessions(notes, today) if mentor is None or mentor_matches(mentor, n.mentor)]
    return found[-1] if found else None
