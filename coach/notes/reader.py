"""Reading a notes folder: every candidate file becomes exactly one Note or Skipped."""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from coach.errors import NotesError
from coach.notes.decode import BinaryFile, decode_note
from coach.notes.fields import describe
from coach.notes.front_matter import split_front_matter
from coach.notes.inference import infer_from_folder
from coach.notes.model import Note, ScanResult, Skipped
from coach.notes.provenance import settle

NOTE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
DEFAULT_MAX_BYTES = 5_000_000
# Opening a FIFO named like a note would otherwise block the scan forever.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
OUTSIDE_ROOT = "symlink points outside the notes folder"
NOT_UTF8_NAME = "file name is not valid UTF-8 (e.g. saved as Latin-1): rename the file to index it"


class _Skip(Exception):
    """A file that cannot be read, with the reason shown to the user."""


def relative_name(path: Path, root: Path) -> str:
    """Path relative to root with POSIX separators, NFC-normalised."""
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return unicodedata.normalize("NFC", rel.replace(os.sep, "/"))


def _is_utf8(name: str) -> bool:
    """False for a name with bytes the file system could not decode (Python keeps them as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable_name(name: str) -> str:
    """A file name safe to print and store: undecodable bytes shown as \\xNN (lossless for reading)."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _inside(path: Path, root: Path) -> bool:
    """True when the file, after following symlinks, lies inside root."""
    # os.path.realpath, not Path.resolve: on 3.11 resolve raises on symlink loops.
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _too_large(size: int, max_bytes: int) -> _Skip:
    """The skip for a file over the size cap."""
    return _Skip(f"too large: {size} bytes > {max_bytes} limit")


def _open_error(path: Path, error: OSError) -> _Skip:
    """A skip reason for a file that could not be opened."""
    if isinstance(error, FileNotFoundError):
        return _Skip(
            "broken symlink"
            if os.path.islink(path)
            else "deleted before it could be read"
        )
    return _Skip(f"unreadable: {error.strerror or error}")


def _read_bytes(path: Path, max_bytes: int) -> tuple[bytes, float]:
    """Raw bytes and mtime of a regular file no larger than max_bytes."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise _open_error(path, error) from error
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise _Skip("not a regular file")
            if info.st_size > max_bytes:
                raise _too_large(info.st_size, max_bytes)
            raw = handle.read(max_bytes + 1)  # the file may have grown since fstat
    except OSError as error:
        raise _Skip(f"unreadable: {error.strerror or error}") from error
    if len(raw) > max_bytes:
        raise _too_large(len(raw), max_bytes)
    return raw, info.st_mtime


def _build_note(
    rel: str, text: str, raw: bytes, mtime: float, warnings: list[str]
) -> Note | Skipped:
    """Split front matter, derive metadata and assemble the Note."""
    parts = split_front_matter(text)
    if not parts.body.strip():
        return Skipped(rel, "no text after front matter")
    meta = describe(parts.fields, parts.body, rel, mtime)
    meta["warnings"] = tuple(warnings + list(parts.warnings) + meta["warnings"])
    return Note(
        path=rel,
        body=parts.body,
        sha256=hashlib.sha256(raw).hexdigest(),
        body_offset=parts.body_offset,
        **meta,
    )


def read_note(
    path: Path, root: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> Note | Skipped:
    """Read one note file; file problems become a Skipped with a reason, never an exception."""
    rel = relative_name(path, root)
    if not _is_utf8(rel):
        return Skipped(printable_name(rel), NOT_UTF8_NAME)
    if not _inside(path, root):
        return Skipped(rel, OUTSIDE_ROOT)
    try:
        raw, mtime = _read_bytes(path, max_bytes)
        text, warnings = decode_note(raw)
    except (_Skip, BinaryFile) as skip:
        return Skipped(rel, str(skip))
    if not text.strip():
        return Skipped(rel, "empty file")
    return _build_note(rel, text, raw, mtime, warnings)


def _is_candidate(name: str) -> bool:
    """A visible file with a note extension (case-insensitive)."""
    return (
        not name.startswith(".") and os.path.splitext(name)[1].lower() in NOTE_SUFFIXES
    )


def _walk(root: Path, errors: list[OSError]) -> Iterator[Path]:
    """Candidate files under root, not descending into hidden or symlinked folders."""
    for folder, dirs, files in os.walk(root, onerror=errors.append, followlinks=False):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in files:
            if _is_candidate(name):
                yield Path(folder, name)


def _candidates(root: Path, errors: list[OSError]) -> list[Path]:
    """All candidate files, sorted by relative path for a deterministic scan order."""
    return sorted(_walk(root, errors), key=lambda path: relative_name(path, root))


def iter_note_files(root: Path) -> Iterator[Path]:
    """Note files under root, sorted; symlinks leading outside root are left out."""
    for path in _candidates(root, []):
        if _inside(path, root):
            yield path


def _check_root(root: Path) -> None:
    """Raise NotesError unless root is a readable directory."""
    if not root.exists():
        raise NotesError(
            f"Notes folder not found: {root}. Check the notes path in your settings."
        )
    if not root.is_dir():
        raise NotesError(
            f"Notes path is not a folder: {root}. Point it at the folder holding your notes."
        )
    try:
        with os.scandir(root):
            pass
    except OSError as error:
        raise NotesError(
            f"Cannot read the notes folder {root}: {error.strerror or error}."
        ) from error


def _folder_skips(root: Path, errors: list[OSError]) -> list[Skipped]:
    """Sub-folders os.walk could not list, so they are not silently missing from the count."""
    return [
        Skipped(
            printable_name(relative_name(Path(error.filename), root)),
            f"unreadable folder: {error.strerror or error}",
        )
        for error in errors
        if error.filename
    ]


def scan_folder(root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ScanResult:
    """Read every note under root; each candidate file lands in exactly one of notes or skipped."""
    root = Path(root)
    _check_root(root)
    errors: list[OSError] = []
    result = ScanResult()
    seen: set[str] = set()
    for path in _candidates(root, errors):
        outcome = read_note(path, root, max_bytes)
        if outcome.path in seen:
            outcome = Skipped(
                outcome.path, "duplicate name after Unicode normalisation"
            )
        seen.add(outcome.path)
        if isinstance(outcome, Note):
            result.notes.append(outcome)
        else:
            result.skipped.append(outcome)
    result.skipped.extend(_folder_skips(root, errors))
    # A saved conversation is settled before and after: it names no mentor the folder should learn,
    # and inference must not credit it to the mentor its question names.
    result.notes = [settle(n) for n in infer_from_folder([settle(n) for n in result.notes])]
    return result
