"""Where an item coach shows came from: a note or a principle file, with the note's relationship role."""

from __future__ import annotations

from dataclasses import dataclass, replace

from coach.notes.model import Note


@dataclass(frozen=True)
class Source:
    """Where an item came from: a note (path relative to the notes folder) or a principle file."""

    path: str
    date: str | None
    origin: str = "notes"  # "notes" | "knowledge"
    role: str | None = None
    """The note's relationship role when it is not the default: "reverse" or "mentor"."""

    def to_json(self) -> dict:
        data = {"path": self.path, "date": self.date, "source": self.origin}
        return data | ({"role": self.role} if self.role else {})


def with_roles(sources: tuple[Source, ...], roles: dict[str, str | None]) -> tuple[Source, ...]:
    """The sources labelled with their notes' roles (reverse mentoring, mentoring others)."""
    return tuple(replace(s, role=roles.get(s.path)) if s.origin == "notes" and roles.get(s.path) else s
                 for s in sources)


def note_source(note: Note) -> Source:
    return Source(note.path, note.date.isoformat())
