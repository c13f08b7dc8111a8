"""Shared fixtures for the notes reader tests: a temporary notes folder and a file writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from coach.notes.model import Note, Skipped
from coach.notes.reader import read_note


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty notes folder inside tmp_path (so tmp_path itself is 'outside')."""
    folder = tmp_path / "notes"
    folder.mkdir()
    return folder


@pytest.fixture
def write(root: Path) -> Callable[[str, str | bytes], Path]:
    """Write text (UTF-8, newlines untouched) or raw bytes to a path under root."""

    def _write(rel: str, content: str | bytes) -> Path:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return _write


@pytest.fixture
def read(
    root: Path, write: Callable[[str, str | bytes], Path]
) -> Callable[..., Note | Skipped]:
    """Write a file then read it back with read_note."""

    def _read(rel: str, content: str | bytes, **kwargs: int) -> Note | Skipped:
        return read_note(write(rel, content), root, **kwargs)

    return _read
