"""IndexLock: one writer per index, a clear busy error, and the kernel freeing a killed holder's lock."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from coach.errors import IndexBusyError
from coach.retrieval.lock import IndexLock

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from coach.retrieval.lock import IndexLock
    lock = IndexLock(Path(sys.argv[1]))
    lock.acquire()
    print("locked", flush=True)
    time.sleep(60)
    """
)


def test_second_acquire_in_the_same_process_is_busy_and_names_this_pid(tmp_path):
    index_dir = tmp_path / "index"
    with IndexLock(index_dir), pytest.raises(IndexBusyError) as caught:
        IndexLock(index_dir).acquire()
    assert f"PID {os.getpid()}" in caught.value.message
    assert caught.value.title == "Index busy"


def test_the_lock_is_released_on_exit_even_after_an_error(tmp_path):
    index_dir = tmp_path / "index"
    with IndexLock(index_dir):
        pass
    with pytest.raises(RuntimeError), IndexLock(index_dir):
        raise RuntimeError("indexing failed")
    with IndexLock(index_dir) as again:  # would raise IndexBusyError if either was still held
        assert again.path.exists()


def test_release_is_idempotent_and_allows_reacquire(tmp_path):
    lock = IndexLock(tmp_path / "index")
    lock.acquire()
    lock.release()
    lock.release()
    lock.acquire()
    with pytest.raises(IndexBusyError):
        IndexLock(tmp_path / "index").acquire()
    lock.release()


def test_the_index_dir_is_private(tmp_path):
    lock = IndexLock(tmp_path / "data" / "index")
    assert stat.S_IMODE(lock.path.parent.stat().st_mode) == 0o700


def test_a_bounded_wait_gives_up_after_roughly_the_wait(tmp_path):
    index_dir = tmp_path / "index"
    with IndexLock(index_dir):
        started = time.monotonic()
        with pytest.raises(IndexBusyError):
            IndexLock(index_dir, wait=0.3).acquire()
        waited = time.monotonic() - started
    assert 0.25 <= waited < 2.0


def _start_holder(index_dir) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(index_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = child.stdout.readline()
    if line.strip() != "locked":
        child.kill()
        child.wait()
        pytest.fail(f"child did not take the lock: {line!r} {child.stderr.read()}")
    return child


def test_a_killed_holder_frees_the_lock(tmp_path):
    index_dir = tmp_path / "index"
    for _ in range(10):
        child = _start_holder(index_dir)
        try:
            with pytest.raises(IndexBusyError) as caught:
                IndexLock(index_dir).acquire()
            assert f"PID {child.pid}" in caught.value.message
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
            child.stdout.close()
            child.stderr.close()
        assert child.returncode == -signal.SIGKILL
        with IndexLock(index_dir):  # the kernel dropped the dead holder's flock
            pass
