"""reflect / agenda / commitments as a user runs them: real processes on a copy of the dev notes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from coach.notes.commitments import containment, content_words
from coach.notes.front_matter import split_front_matter
from tests.cli.processes import run_coach
from tests.conftest import DEV_SET, file_hashes


@pytest.fixture(scope="module")
def dev(indexed_dev_copy):
    """This module's copy of the dev notes, indexed once per session (see tests/cli/conftest.py)."""
    return indexed_dev_copy.notes, indexed_dev_copy.env, indexed_dev_copy.base


def _json(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _gold_open() -> list[str]:
    """Commitments the dev set marks as still open in their final status."""
    rows = [json.loads(line) for line in (DEV_SET / "commitments.jsonl").read_text().splitlines() if line.strip()]
    return [text for row in rows for text, status in row["status_later"].items() if status == "open"]


def _listed(gold: str, texts: list[str]) -> bool:
    words = content_words(gold)
    return any(len(words & content_words(t)) >= 2 and containment(words, content_words(t)) >= 0.5 for t in texts)


@pytest.fixture(scope="module")
def open_commitments(dev):
    return _json(run_coach("commitments", "--status", "open", "--json", env_extra=dev[1]))["commitments"]


def test_commitments_json_shape(dev, open_commitments):
    data = _json(run_coach("commitments", "--json", env_extra=dev[1]))
    assert data["commitments"]
    for item in data["commitments"]:
        assert set(item) >= {"text", "status", "owner", "path", "date", "mentor", "age_days"}
        assert item["status"] in ("open", "maybe_done", "done", "dropped") and (dev[0] / item["path"]).is_file()
        if item["status"] != "open" and item["status_source"] == "notes":
            assert item["evidence"] and item["settled_by"], "every automatic change carries its evidence"
    not_closed = ("open", "maybe_done")  # --status open lists what is not closed
    assert open_commitments and all(a["status"] in not_closed for a in open_commitments)
    # The session's first run (tests/conftest.py) embedded in batches, later runs read the vector cache: a
    # cosine on a threshold can differ in the last digits between such calls (one item at most on the dev set).
    assert abs(len(open_commitments) - sum(a["status"] in not_closed for a in data["commitments"])) <= 1


@pytest.fixture(scope="module")
def agenda(dev):
    return _json(run_coach("agenda", "--all", "--json", env_extra=dev[1]))


def test_agenda_json_shape_and_sections(dev, agenda):
    assert agenda["mentor"] == "Ade Okafor"
    assert len(agenda["items"]) <= 10 and agenda["more_count"] == len(agenda["more"])
    ranked = [item["section"] for item in agenda["items"]]
    assert ranked == sorted(ranked, key=["agreed", "questions", "long_running", "suggested"].index)
    everything = agenda["items"] + agenda["more"]
    assert 3 <= sum(item["section"] == "suggested" for item in everything) <= 5
    for item in everything:
        assert item["text"] and item["sources"]
        assert all(set(source) >= {"path", "date"} for source in item["sources"])


def _commitments(agenda) -> list[str]:
    return [i["commitment"] for i in agenda["items"] + agenda["more"] if i.get("commitment")]


def test_the_full_list_holds_every_commitment_the_tracker_has_open(agenda, open_commitments):
    listed = _commitments(agenda)
    mine = [a for a in open_commitments if a["mentor"] in (None, "Ade Okafor") and a["owner"] == "me"
            and a["status"] == "open"]  # "maybe done" waits for the user's word, off the agenda
    assert sorted(listed) == sorted(a["text"] for a in mine)


def test_the_full_list_holds_every_commitment_the_dev_set_marks_open(agenda):
    listed = _commitments(agenda)
    missing = [gold for gold in _gold_open() if not _listed(gold, listed)]
    assert not missing


def test_reflect_answers_writes_one_searchable_note(dev):
    notes, env, base = dev
    answers = base / "answers.txt"
    answers.write_text("We talked about the quokka offsite.\n---\nIt matters.\n---\n"
                       "I will book the quokka offsite venue by Friday.\n", encoding="utf-8")
    before = file_hashes(notes)
    data = _json(run_coach("reflect", "--answers", str(answers), "--json", env_extra=env))
    assert data["framework"] == "rolfe" and data["commitments"] == ["Book the quokka offsite venue by Friday"]
    after = file_hashes(notes)
    assert set(after) - set(before) == {data["path"]}
    assert all(after[name] == digest for name, digest in before.items())
    meta = split_front_matter((notes / data["path"]).read_text(encoding="utf-8"))
    assert meta.present and meta.fields["kind"] == "reflection" and meta.fields["mentor"] == "Ade Okafor"
    found = _json(run_coach("search", "quokka offsite venue", "--json", env_extra=env))
    assert found["results"][0]["path"] == data["path"]


def test_reflect_refuses_a_short_answers_file(dev):
    notes, env, base = dev
    answers = base / "short.txt"
    answers.write_text("Only one answer.\n", encoding="utf-8")
    before = file_hashes(notes)
    result = run_coach("reflect", "--framework", "gibbs", "--answers", str(answers), env_extra=env)
    assert result.returncode == 1 and "6 stages" in result.stderr and "Traceback" not in result.stderr
    assert file_hashes(notes) == before


def _checkins(env, framework: str = "rolfe", mentor: str | None = None) -> list:
    """The check-ins `coach reflect` will ask first, found in-process over the same data folder. Chroma keeps
    one client per path per process: dropped first, the store is read as it is now on disk (as the `coach`
    process reads it); a stale client misses the passages a `coach` process added since, and every passage
    was embedded again (~20 s)."""
    from pathlib import Path

    from chromadb.api.client import SharedSystemClient

    from coach.agent.service import CoachService
    from coach.config import load_settings

    settings = load_settings(notes_dir=Path(env["COACH_NOTES_DIR"]), data_dir=Path(env["COACH_DATA_DIR"]))
    SharedSystemClient.clear_system_cache()
    return CoachService(settings).start_reflection(framework, mentor).checkins


def test_reflect_interactive_reads_one_paragraph_per_stage(dev):
    notes, env, _ = dev
    typed = "\n" * len(_checkins(env, "grow", "ade")) + ("Wanted clarity on scope.\n\nTwo teams now.\nStill busy.\n\nHire or wait.\n\n"
             "I will write the kestrel scope note by Monday.\n\n")
    command = [sys.executable, "-m", "coach", "reflect", "--framework", "grow", "--mentor", "ade"]
    result = subprocess.run(command, input=typed, capture_output=True, text=True, check=False,
                            env={**os.environ, **env}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Goal" in result.stdout and "Way forward" in result.stdout
    assert "- [ ] Write the kestrel scope note by Monday" in result.stdout
    saved = next(p for p in notes.iterdir() if "kestrel" in p.read_text(encoding="utf-8"))
    text = saved.read_text(encoding="utf-8")
    assert "Two teams now.\nStill busy." in text and "framework: grow" in text


def test_reflect_asks_about_last_sessions_commitments_and_refuses_free_text(dev):
    notes, env, _ = dev
    asked = _checkins(env)
    assert asked, "the dev set's last session has open commitments"
    typed = "haven't set it yet\nd\n" + "\n" * (len(asked) - 1) + "Met.\n\nIt matters.\n\n\n"
    command = [sys.executable, "-m", "coach", "reflect"]
    result = subprocess.run(command, input=typed, capture_output=True, text=True, check=False,
                            env={**os.environ, **env}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"Did you “{asked[0].text}”" in result.stdout
    assert "is not one of the choices" in result.stdout  # the free text was refused, then "d" taken
    assert f"{asked[0].text}: marked done" in result.stdout and f"--reopen {asked[0].id}" in result.stdout
    done = _json(run_coach("commitments", "--status", "done", "--json", env_extra=env))["commitments"]
    assert any(a["id"] == asked[0].id for a in done)
    run_coach("commitments", "--reopen", asked[0].id, env_extra=env)  # leave the shared folder as it was


def test_reflect_checkin_option_with_an_answers_file(dev):
    notes, env, base = dev
    asked = _checkins(env)
    answers = base / "checkin-answers.txt"
    answers.write_text("Met.\n---\nIt matters.\n---\nNothing new.\n", encoding="utf-8")
    data = _json(run_coach("reflect", "--answers", str(answers), "--checkin", f"{asked[0].id}=dropped", "--json",
                           env_extra=env))
    assert [(m["id"], m["after"], m["evidence"]["note"]) for m in data["marks"]] == [
        (asked[0].id, "dropped", data["path"])]
    bad = run_coach("reflect", "--answers", str(answers), "--checkin", f"{asked[0].id}=sort of", env_extra=env)
    assert bad.returncode == 1 and "not one of the choices" in bad.stderr and "Traceback" not in bad.stderr
    run_coach("commitments", "--reopen", asked[0].id, env_extra=env)
