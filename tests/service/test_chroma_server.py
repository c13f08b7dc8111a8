"""COACH_CHROMA_URL switches to a real Chroma server (`chroma run` on loopback) with the same behaviour."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from coach.retrieval.search import SearchFilters
from tests.conftest import write_note

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited early with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("chroma server did not start")


@pytest.fixture
def chroma_server(tmp_path):
    exe = shutil.which("chroma") or str(Path(os.sys.executable).parent / "chroma")
    port = _free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [exe, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    try:
        _wait_for(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_index_and_search_through_a_chroma_server(chroma_server, notes_dir, make_engine, fake_embedder):
    write_note(notes_dir, "2025-06-05 a.md", "Ade said delegate outcomes, not tasks.\n", mentor="Ade", date="2025-06-05")
    write_note(notes_dir, "2025-07-05 b.md", "We planned the quarterly budget.\n", mentor="Grace", date="2025-07-05")
    engine = make_engine(notes_dir, fake_embedder, chroma_url=chroma_server)
    report = engine.sync()[0]
    assert sorted(report.added) == ["2025-06-05 a.md", "2025-07-05 b.md"]
    hits = engine.search("delegate outcomes", filters=SearchFilters(source="notes")).hits
    assert hits[0].path == "2025-06-05 a.md"
    assert not (engine.settings.index_dir / "chroma").exists()  # nothing embedded locally
    (notes_dir / "2025-07-05 b.md").unlink()
    assert engine.sync()[0].removed == ["2025-07-05 b.md"]
