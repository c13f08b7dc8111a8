"""Races and the doctor's word. Two asks on one conversation keep each answer on its own question;
a reflection saved while another process indexes is written, printed and deferred (exit 0); after a
kill -9 mid-index, doctor says what differs and the command it names repairs it; damaged marks and
loose permissions are named with the command that fixes them. Each failed on the code before issue 14."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.reliability import crashkit


def _answer(text: str, status: str = "complete"):
    return SimpleNamespace(status=status, answer=text, found_in_notes=True, sources=[], citations=[])


def test_two_asks_on_one_conversation_keep_each_answer_with_its_question(tmp_path):
    from coach.agent.history import ConversationLog, load_conversation

    settings = SimpleNamespace(data_dir=tmp_path / "data")
    first = ConversationLog.start(settings, None, "Q1: what about delegation?")
    second = ConversationLog.start(settings, first.id, "Q2: and feedback?")  # another process, same id
    second.add_answer(_answer("A2 on feedback"))
    first.add_answer(_answer("A1 on delegation"))  # the slower answer lands last: Q1 Q2 A2 A1 on disk

    turns = load_conversation(settings, first.id).turns
    assert [(t.question[:2], t.answer[:2], t.status) for t in turns] == [
        ("Q1", "A1", "complete"), ("Q2", "A2", "complete")]


def test_an_old_history_file_without_turn_ids_still_reads(tmp_path):
    from coach.agent.history import _turns

    records = [{"type": "question", "text": "Q1"}, {"type": "answer", "text": "A1", "status": "complete"},
               {"type": "question", "text": "Q2"}]
    assert [(t.question, t.answer, t.status) for t in _turns(records)] == [
        ("Q1", "A1", "complete"), ("Q2", "", "pending")]


@pytest.fixture(scope="module")
def small_indexed(tmp_path_factory, baseline_data):
    """Six notes indexed once for the module: each test copies them (never re-indexes)."""
    base = tmp_path_factory.mktemp("small")
    notes, data = base / "notes", base / "data"
    crashkit.make_corpus(notes, 6, seed=41)
    crashkit.copy_data(baseline_data, data)
    assert crashkit.run_coach("index", env=crashkit.coach_env(data, notes)).returncode == 0
    return notes, data


@pytest.fixture
def small(tmp_path, small_indexed):
    notes, data = tmp_path / "notes", tmp_path / "data"
    shutil.copytree(small_indexed[0], notes)
    crashkit.copy_data(small_indexed[1], data)
    subprocess.run(["chmod", "-R", "go-rwx", str(data)], check=True)
    return notes, data, crashkit.coach_env(data, notes)


def test_a_reflection_saved_while_another_process_indexes_is_written_printed_and_deferred(small, tmp_path):
    from coach.retrieval.lock import IndexLock

    notes, data, env = small
    answers = tmp_path / "answers.txt"
    answers.write_text("We talked about the rota.\n---\nIt went fine.\n---\nI will hand over the rota.\n")
    with IndexLock(data / "index"):  # "another coach process is indexing"
        result = crashkit.run_coach("reflect", "--answers", str(answers), "--json", env=env)
        retry = crashkit.run_coach("reflect", "--answers", str(answers), "--json", env=env)
    assert result.returncode == 0, result.stderr
    path = json.loads(result.stdout)["path"]
    assert (notes / path).is_file()
    assert "deferred" in result.stderr and "coach index" in result.stderr
    assert retry.returncode == 0  # a retry is the user's choice; nothing failed the first time
    after = crashkit.run_coach("index", "--json", env=env)
    report = next(s for s in json.loads(after.stdout)["sources"] if s["source"] == "notes")
    assert path in report["added"]


def _doctor(env: dict) -> tuple[bool, dict]:
    result = crashkit.run_coach("doctor", "--json", env=env)
    data = json.loads(result.stdout)
    assert (result.returncode == 0) == data["ok"]
    return data["ok"], {c["name"]: c for c in data["checks"]}


def test_after_kill_9_mid_index_doctor_says_what_differs_and_its_fix_works(tmp_path, baseline_data):
    notes, data = tmp_path / "notes", tmp_path / "data"
    crashkit.make_corpus(notes, 60, seed=42, words=30)
    crashkit.copy_data(baseline_data, data)
    subprocess.run(["chmod", "-R", "go-rwx", str(data)], check=True)
    env = crashkit.coach_env(data, notes)
    holder = crashkit.popen_coach("index", env=env)
    assert crashkit.wait_for_lock(data, holder) is not None
    time.sleep(random.Random(5).uniform(0.5, 1.5))
    if not crashkit.kill9(holder):
        pytest.skip("the indexer finished before the kill (machine too fast for this corpus)")
    ok, checks = _doctor(env)
    truth = crashkit.check_consistent(notes, data, sample=5)
    assert not ok and truth.problems, "the kill left the index behind the folder, and doctor says so"
    failing = [c for c in checks.values() if not c["ok"]]
    assert all("coach index" in c["fix"] for c in failing), failing
    assert crashkit.run_coach("index", env=env).returncode == 0  # the command doctor named
    ok, checks = _doctor(env)
    assert ok, [c for c in checks.values() if not c["ok"]]
    assert crashkit.check_consistent(notes, data, sample=5).problems == []


def test_doctor_names_damaged_marks_and_loose_permissions_with_working_fixes(small):
    notes, data, env = small
    (data / "commitment-marks.json").write_text("{not json")
    data.chmod(0o755)
    ok, checks = _doctor(env)
    assert not ok
    marks, folder = checks["commitment marks"], checks["data folder"]
    assert not marks["ok"] and marks["fix"].startswith("mv ")
    assert not folder["ok"] and "chmod -R go-rwx" in folder["fix"]
    for check in (marks, folder):
        subprocess.run(check["fix"].split(" (")[0], shell=True, check=True)
    ok, checks = _doctor(env)
    assert ok, [c for c in checks.values() if not c["ok"]]
    assert crashkit.run_coach("commitments", env=env).returncode == 0


def test_files_coach_creates_in_the_data_dir_are_private(tmp_path, onnx_export, monkeypatch):
    notes, data = tmp_path / "notes", tmp_path / "data"
    crashkit.make_corpus(notes, 4, seed=43)
    crashkit.seed_models(data, onnx_export)
    data.chmod(0o700)
    (data / "models").chmod(0o700)
    env = crashkit.coach_env(data, notes)
    assert crashkit.run_coach("index", env=env).returncode == 0  # this test process's umask is 022
    crashkit.run_coach("history", "show", "20250101T000000-abcdef", env=env)
    from coach.cli import _crash_log

    monkeypatch.setenv("COACH_DATA_DIR", str(data))
    log = Path(_crash_log(RuntimeError("boom")))
    assert log.name == "last-error.log"
    loose = [f"{p} {oct(p.stat().st_mode)}" for p in [data, *data.rglob("*")]
             if not p.is_symlink() and p.stat().st_mode & 0o077]
    assert loose == []
