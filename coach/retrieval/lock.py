"""One writer per index: an flock held while indexing; the kernel frees it if the holder dies."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from coach.errors import IndexBusyError
from coach.paths import ensure_private_dir, move_aside, permission_problem


class IndexLock:
    """Exclusive, non-blocking (or bounded-wait) lock on `<index_dir>/writer.lock`."""

    def __init__(self, index_dir: Path, wait: float = 0.0) -> None:
        ensure_private_dir(index_dir.parent)
        self.path = ensure_private_dir(index_dir, root=index_dir.parent) / "writer.lock"
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> IndexLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        fd = self._open()
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_holder(fd)
                    os.close(fd)
                    raise IndexBusyError(
                        f"The index is busy: coach process {holder} is updating it. "
                        "Wait for it to finish (or use --wait) and try again.",
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)  # a waiter reading between these two lines sees "" and retries (_read_holder)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def _open(self) -> int:
        """The lock file's descriptor; anything else in its place (a folder, a link) is moved aside."""
        if self.path.is_symlink() or (self.path.exists() and not self.path.is_file()):
            move_aside(self.path)
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except PermissionError:
            raise permission_problem(self.path.parent) from None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _read_holder(fd: int, patience: float = 0.5) -> str:
    """The holder's PID; it writes it just after taking the lock, so give it a moment if empty."""
    deadline = time.monotonic() + patience
    while True:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            pid = os.read(fd, 32).decode().strip()
        except OSError:
            pid = ""
        if pid.isdigit() or time.monotonic() >= deadline:
            break
        time.sleep(0.02)
    return f"PID {pid}" if pid.isdigit() else "(unknown PID)"
