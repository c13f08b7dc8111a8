"""Crash-safe file writes: temp file, fsync, rename, fsync the directory; never clobber a new note."""

from __future__ import annotations

import os
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


def create_new(path: Path, data: str, mode: int = 0o644) -> Path:
    """Write a brand-new file; if the name is taken, add ' (2)', ' (3)', ... — never overwrite."""
    path.parent.mkdir(parents=True, exist_ok=True)
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
