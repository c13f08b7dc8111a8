"""Crash-safe file writes: temp file, fsync, rename, fsync the directory; never clobber a new note."""

from __future__ import annotations

import os
import tempfile
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


def clean_stray_temps(directory: Path) -> int:
    """Remove temp files a crash left behind in a folder coach writes to; returns how many."""
    removed = 0
    for stray in directory.glob(f"{TEMP_PREFIX}*"):
        stray.unlink(missing_ok=True)
        removed += 1
    return removed
