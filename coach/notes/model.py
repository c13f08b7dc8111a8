"""The Note model and the per-file outcome of a folder scan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Kind = Literal["session", "reflection", "agenda", "review", "other"]
DateSource = Literal["front_matter", "filename", "body", "mtime"]
KINDS: tuple[str, ...] = ("session", "reflection", "agenda", "review", "principle", "other")


@dataclass(frozen=True)
class Note:
    """One readable note: its body (front matter removed) and what we know about it."""

    path: str
    """Path relative to the notes folder, POSIX separators, NFC-normalised."""
    title: str
    """Front-matter title, else the first heading, else the file name without extension."""
    body: str
    """Text after the front matter, newlines normalised to \\n, BOM removed."""
    date: date
    date_source: DateSource
    mentor: str | None = None
    kind: str = "other"
    tags: tuple[str, ...] = ()
    role: str | None = None
    """Front-matter `role` (mentee | reverse | mentor) when given."""
    sha256: str = ""
    """Hash of the file's raw bytes: the index's change detector."""
    body_offset: int = 0
    """1-based line number in the file where `body` starts (after front matter)."""
    warnings: tuple[str, ...] = ()
    """Problems that did not stop the note being read (bad YAML, decode fallback, bad date)."""
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    """Other front-matter keys, as parsed."""


@dataclass(frozen=True)
class Skipped:
    """A file that was not indexed, and why (binary, too large, unreadable, ...)."""

    path: str
    reason: str


@dataclass
class ScanResult:
    """Every file the scanner saw ends in exactly one of `notes` or `skipped`."""

    notes: list[Note] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def warnings(self) -> list[tuple[str, str]]:
        """(path, warning) for every note read with a problem."""
        return [(note.path, warning) for note in self.notes for warning in note.warnings]
