"""Run a function as an unprivileged user, so permission tests mean the same thing when CI runs as root.

As root, chmod 000 stops nothing; a forked child that drops to `nobody` meets the real EACCES. The child
inherits the imported modules (fork), so it needs no access to the code, only to the files it reads."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

NOBODY = 65534


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def traversable_dir() -> Path:
    """A fresh folder every user can traverse (pytest's tmp dirs are 0700, which would stop `nobody` early)."""
    folder = Path(tempfile.mkdtemp(prefix="coach-perm-"))
    folder.chmod(0o755)
    return folder


def run_unprivileged(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)`, as `nobody` when this process is root (else directly); returns its result."""
    if not is_root():
        return function(*args)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges for good, run, send the result back, exit without cleanup
        os.close(read_end)
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            outcome = ("ok", function(*args))
        except BaseException as exc:  # noqa: BLE001 - sent back and raised in the parent
            outcome = ("error", repr(exc))
        with os.fdopen(write_end, "wb") as pipe:
            pickle.dump(outcome, pipe)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        status, value = pickle.load(pipe)
    os.waitpid(pid, 0)
    if status == "error":
        raise AssertionError(f"unprivileged call failed: {value}")
    return value
