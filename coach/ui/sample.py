"""The bundled demo persona (Lena Marsh, a design lead, and her mentors Rosa and Theo) and the first-run checks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from coach.errors import NotesError
from coach.notes.reader import NOTE_SUFFIXES
from coach.paths import sample_notes_dir

SAMPLE_DIR = sample_notes_dir()


def has_notes(folder: Path | None) -> bool:
    """True when the folder holds at least one note file; stops at the first, so a big vault costs nothing.

    Runs before the first paint, hence no full (sorted) scan: the same rules as the reader, walked lazily."""
    if folder is None or not folder.is_dir():
        return False
    for _, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        if any(not name.startswith(".") and Path(name).suffix.lower() in NOTE_SUFFIXES for name in files):
            return True
    return False


def install_sample_notes(data_dir: Path) -> Path:
    """Copy the sample notes into `data_dir/sample-notes` (files already there are left alone)."""
    target = data_dir / "sample-notes"
    try:
        target.mkdir(parents=True, exist_ok=True)
        for source in sorted(SAMPLE_DIR.iterdir()):
            if source.is_file() and not (target / source.name).exists():
                shutil.copy2(source, target / source.name)
    except OSError as exc:
        raise NotesError(f"Cannot copy the sample notes into {target}: {exc}. Check free space and permissions.") from None
    return target
