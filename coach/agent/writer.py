"""Shared helpers for the notes coach writes (reflections, agendas) and the notes it reads around them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import yaml

from coach.errors import CoachError, IndexBusyError
from coach.fsutil import create_new
from coach.notes import provenance
from coach.notes.model import Note
from coach.retrieval.search import mentor_matches  # one matching rule for search filters and agendas

GENERATOR = provenance.CREATED_BY
"""Value of the `created_by` front-matter key on every note coach writes."""
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class SavedNote:
    """A note coach has just written: its path relative to the notes folder, and what it holds."""

    path: str
    kind: str
    commitments: list[str] = field(default_factory=list)
    framework: str | None = None
    marks: list = field(default_factory=list)
    """What saving recorded about earlier commitments (coach.agent.mark_evidence.MarkChange), with evidence."""

    def to_json(self) -> dict:
        data = {"path": self.path, "kind": self.kind, "commitments": list(self.commitments)}
        data |= {"marks": [m.to_json() for m in self.marks]} if self.marks else {}
        return data | ({"framework": self.framework} if self.framework else {})


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


def front_matter(fields: dict) -> str:
    """A YAML front-matter block; None values are left out. safe_dump quotes whatever needs it."""
    kept = {key: value for key, value in fields.items() if value is not None}
    text = yaml.safe_dump(kept, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return f"---\n{text}---\n"


def file_name(day: date, kind: str, subject: str) -> str:
    """`YYYY-MM-DD <kind> - <subject>.md`, with characters no file system accepts removed."""
    clean = _UNSAFE_NAME.sub(" ", subject).strip(" .") or kind
    return f"{day.isoformat()} {kind} - {' '.join(clean.split())}.md"


def write_new_note(service, name: str, text: str, *, index: bool = True) -> str:
    """Create the note (never overwriting: a taken name gets a suffix), index it, return its relative path.

    `index=False` leaves indexing to the caller (the app confirms the save first, then re-indexes)."""
    folder = service.engine.notes_dir()
    try:
        written = create_new(Path(folder) / name, text)
    except OSError as exc:
        raise CoachError(f"Could not write {name} into {folder}: {exc.strerror or exc}.", "Write failed") from exc
    if index:  # indexed at once so the very next search finds it
        try:
            service.engine.sync()
        except IndexBusyError as exc:  # saved all the same: the next sync (or `coach index`) indexes it
            service.engine.deferred = exc.message
    return written.relative_to(folder).as_posix()


def is_generated(note: Note) -> bool:
    """True for notes coach wrote itself (they must not feed back into what coach suggests)."""
    return provenance.is_coach_written(note)


def own_text(note: Note) -> str:
    """The user's words: coach's wording blanked (see coach.notes.provenance.user_text)."""
    return provenance.user_text(note)


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


_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame"})


def first_name(name: str | None) -> str:
    """'Dr. Ade Okafor' -> 'Ade'; 'your mentor' when there is no name."""
    words = [w for w in (name or "").split() if w.rstrip(".").lower() not in _TITLES]
    return words[0] if words else (name or "your mentor")


def short(text: str, limit: int = 160) -> str:
    """One line, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def quoted(text: str) -> str:
    """Text in curly quotes, for quoting a note inside a sentence of ours (on one line)."""
    return f"“{' '.join(text.split())}”"
