"""The relationship both ways: sessions where the mentee taught their mentor (reverse mentoring), and
notes where the user mentors someone else — kept apart from their own mentee notes, counted as growth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coach.notes.model import Note
from coach.notes.provenance import is_coach_written
from coach.notes.roles import effective_role


@dataclass(frozen=True)
class RoleNote:
    """A note where the roles are not the usual ones, labelled with its role."""

    path: str
    date: date
    title: str
    person: str | None
    """Who the session was with (the mentor taught, or the person the user mentors)."""
    role: str

    def to_json(self) -> dict:
        return {"path": self.path, "date": self.date.isoformat(), "title": self.title, "with": self.person,
                "role": self.role}


def notes_with_role(notes: list[Note], role: str, since: date | None = None) -> list[RoleNote]:
    """The user's notes with this role, oldest first (coach's own notes left out)."""
    found = [n for n in notes if effective_role(n.role) == role and not is_coach_written(n)
             and (since is None or n.date >= since)]
    return [RoleNote(n.path, n.date, n.title, n.mentor, role) for n in sorted(found, key=lambda n: (n.date, n.path))]


def roles_by_path(notes: list[Note]) -> dict[str, str]:
    """Every note's role (default mentee), to label anything that cites a note."""
    return {n.path: effective_role(n.role) for n in notes}
