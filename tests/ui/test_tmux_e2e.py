"""End to end in a real terminal: tmux runs `python -m coach` at 80×24; a search, then a reflection."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import coach
from coach.ui.sample import SAMPLE_DIR

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def _wait_for_text(session: str, text: str, timeout: float) -> str:
    end = time.monotonic() + timeout
    pane = ""
    while time.monotonic() < end:
        pane = _tmux("capture-pane", "-p", "-t", session)
        if text in pane:
            return pane
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{pane}")


@pytest.fixture
def onnx_cache(tmp_path_factory):
    """The exported embedding model, made once per session (a fresh data dir would export it again)."""
    from coach.retrieval.embeddings import bundled_model_dir
    from coach.retrieval.onnx_embedder import ensure_onnx

    folder = tmp_path_factory.getbasetemp() / "ui-onnx"
    return ensure_onnx(bundled_model_dir(), folder).parent


@pytest.fixture
def terminal(tmp_path, onnx_cache):
    notes, data = tmp_path / "notes", tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, notes)
    shutil.copytree(onnx_cache, data / "models")
    env = {"COACH_NOTES_DIR": str(notes), "COACH_DATA_DIR": str(data),
           "COACH_CONFIG_FILE": str(tmp_path / "config.toml"), "HF_HUB_OFFLINE": "1",
           "ANONYMIZED_TELEMETRY": "False", "TERM": "xterm-256color",
           # this checkout's coach, not whichever one the interpreter has installed (tmux does not pass
           # this process's environment on)
           "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(coach.__file__).parents[1]),
                                                      os.environ.get("PYTHONPATH")]))}
    command = " ".join(["env", *(f"{k}={v!s}" for k, v in env.items()), sys.executable, "-m", "coach"])
    session = f"coach-e2e-{uuid.uuid4().hex[:8]}"
    _tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", "-c", str(tmp_path), command)
    try:
        yield session, notes
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)


def _type(session: str, text: str) -> None:
    _tmux("send-keys", "-t", session, "-l", text)


def _key(session: str, *keys: str) -> None:
    _tmux("send-keys", "-t", session, *keys)


def test_search_then_reflect_in_a_real_terminal(terminal):
    session, notes = terminal
    before = set(os.listdir(notes))
    _wait_for_text(session, "index ✓ 10 notes", timeout=90)
    _key(session, "/")
    _wait_for_text(session, "Type to search", timeout=10)
    _type(session, "brag document evidence")
    _wait_for_text(session, "Rosa: saying no, and the senior lead", timeout=20)
    _key(session, "Escape")
    _wait_for_text(session, "Open commitments", timeout=10)
    _key(session, "r")
    pane = _wait_for_text(session, "since last time: 1 of", timeout=30)  # the last session's commitments first
    for _ in range(10):
        if "since last time:" not in pane:
            break
        _key(session, "End")  # "skip — don't say": the choice is a list, never typed
        _key(session, "Enter")
        time.sleep(0.5)
        pane = _tmux("capture-pane", "-p", "-t", session)
    _wait_for_text(session, "step 1 of 3", timeout=10)
    for answer in ("Rosa and I talked about handing the design system to Joy.",
                   "I hold on to it because it feels like mine.",
                   "I will write Joy's goal for the design system by Friday."):
        _type(session, answer)
        _key(session, "Enter")
        time.sleep(0.3)
    _wait_for_text(session, "enter save", timeout=10)
    _key(session, "Enter")
    pane = _wait_for_text(session, "Saved “Reflection after meeting Rosa Delgado", timeout=30)
    assert "✓ Saved" in pane
    written = set(os.listdir(notes)) - before
    assert len(written) == 1
    text = (notes / written.pop()).read_text(encoding="utf-8")
    assert "kind: reflection" in text and "I will write Joy's goal for the design system by Friday." in text
