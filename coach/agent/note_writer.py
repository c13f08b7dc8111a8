"""Writing the notes coach creates (reflections, agendas, reviews): front matter, file names, a safe new file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from coach.errors import CoachError, IndexBusyError
from coach.fsutil import create_new
from coach.notes import provenance

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
