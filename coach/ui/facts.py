"""What the home screen says, computed from the scanned notes: last session, last reflection, mentors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from coach.notes.model import Note


@dataclass(frozen=True)
class HomeFacts:
    """The next thing to do at a glance."""

    total: int = 0
    last_session: Note | None = None
    last_reflection: Note | None = None
    recent: list[Note] = field(default_factory=list)
    mentors: list[str] = field(default_factory=list)
    """Mentors, most recently met first."""


def home_facts(notes: list[Note], recent: int = 30) -> HomeFacts:
    """Facts from a list of Note objects (any order)."""
    ordered = sorted(notes, key=lambda n: (n.date, n.path), reverse=True)
    return HomeFacts(
        total=len(ordered),
        last_session=next((n for n in ordered if n.kind == "session"), None),
        last_reflection=next((n for n in ordered if n.kind == "reflection"), None),
        recent=ordered[:recent],
        mentors=list(dict.fromkeys(n.mentor for n in ordered if n.mentor)),
    )


def days_since(day: date, today: date) -> str:
    """'today', '1 day ago', '12 days ago'."""
    days = (today - day).days
    if days <= 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def age(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"
