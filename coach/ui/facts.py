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
    """The user's mentors, one name per person however the notes spell them, most recently met first."""
    mentees: list[str] = field(default_factory=list)
    """People the user mentors (notes with `role: mentor`), most recently met first."""


def home_facts(notes: list[Note], recent: int = 30) -> HomeFacts:
    """Facts from a list of Note objects (any order)."""
    ordered = sorted(notes, key=lambda n: (n.date, n.path), reverse=True)
    mentors, mentees = _people(ordered)
    return HomeFacts(
        total=len(ordered),
        last_session=next((n for n in ordered if n.kind == "session"), None),
        last_reflection=next((n for n in ordered if n.kind == "reflection"), None),
        recent=ordered[:recent],
        mentors=mentors,
        mentees=mentees,
    )


def _people(ordered: list) -> tuple[list[str], list[str]]:
    """(mentors, mentees), newest first: "Kwame" and "Kwame Asante" are one mentor; someone met once (a
    parent) is neither; without two notes with anyone, every name in the notes is offered as written."""
    from coach.agent.people import people_of

    people = people_of(ordered)
    met = [name for name in dict.fromkeys(people.person_of(n.mentor) for n in ordered if n.mentor) if name]
    mentored = {name for n in ordered if n.mentor and n.role == "mentor" and (name := people.person_of(n.mentor))}
    mentors = [name for name in met if name in people.mentors]
    mentees = [name for name in met if name in mentored and name not in mentors]
    if not mentors and not mentees:
        return met, []
    return mentors, mentees


def days_since(day: date, today: date) -> str:
    """'today', '1 day ago', '12 days ago'."""
    days = (today - day).days
    if days <= 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def age(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"
