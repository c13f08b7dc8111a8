"""Crash-safe file writes: temp file, fsync, rename, fsync the directory; never clobber a new note."""

from __future__ import annotations

import os
import stat
import tempfile
import time
from pathlib import Path

TEMP_PREFIX = ".coach-tmp-"


def atomic_write(path: Path, data: bytes | str, mode: int = 0o600) -> Path:
    """Replace `path` with `data` so a crash leaves either the old or the new bytes, never a mix."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return path


def create_new(path: Path, data: str, mode: int | None = None) -> Path:
    """Write a brand-new file; if the name is taken, add ' (2)', ' (3)', ... — never overwrite.

    Without `mode`, the file follows its folder: readable by whoever may list the folder (0755 -> 0644,
    0700 -> 0600), so a note coach adds is exactly as private as the user's own notes there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        mode = folder_file_mode(path.parent)
    for candidate in _candidates(path):
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.link(tmp, candidate)  # fails if the name exists: no window for a clobber
        except FileExistsError:
            continue
        finally:
            Path(tmp).unlink(missing_ok=True)
        fsync_dir(path.parent)
        return candidate
    raise FileExistsError(f"no free file name near {path}")


def folder_file_mode(folder: Path) -> int:
    """The permission bits a new file in `folder` should get: the folder's, without execute."""
    try:
        return stat.S_IMODE(folder.stat().st_mode) & 0o666 | 0o600
    except OSError:
        return 0o600


def _candidates(path: Path):
    yield path
    for number in range(2, 1000):
        yield path.with_name(f"{path.stem} ({number}){path.suffix}")


def fsync_dir(directory: Path) -> None:
    """Make a rename durable: fsync the directory entry (a no-op where unsupported)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def clean_stray_temps(directory: Path, older_than: float = 0.0) -> int:
    """Remove temp files a crash left behind in a folder coach writes to; returns how many.

    `older_than` (seconds since last modified) spares a temp another coach process is still writing."""
    removed = 0
    cutoff = time.time() - older_than
    for stray in directory.glob(f"{TEMP_PREFIX}*"):
        try:
            if older_than and stray.lstat().st_mtime > cutoff:
                continue
            if not stray.is_file() or stray.is_symlink():
                continue  # only ever our own regular temp files
            stray.unlink()
        except OSError:
            continue  # gone meanwhile, or not ours to remove: never fail a sync over a stray
        removed += 1
    return removed
