"""`coach commitments --done / --drop / --reopen ID` as a user runs them (and `coach actions`, the old name,
still works): real processes, notes untouched."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from tests.cli.processes import run_coach
from tests.conftest import write_note


def _json(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_mark_done_drop_and_reopen_from_the_cli(notes_dir):
    write_note(notes_dir, "2026-01-05 session.md",
               "# Delegation\n\n## Actions\n- [ ] Hand off release planning to Priya\n"
               "- [ ] Book a skip-level with Tom\n", date="2026-01-05", mentor="Ade Okafor", kind="session")
    before = hashlib.sha256((notes_dir / "2026-01-05 session.md").read_bytes()).hexdigest()
    env = {"COACH_NOTES_DIR": str(notes_dir)}
    assert run_coach("index", env_extra=env).returncode == 0
    items = _json(run_coach("commitments", "--json", env_extra=env))["commitments"]
    ids = {item["text"]: item["id"] for item in items}
    handoff, skip = ids["Hand off release planning to Priya"], ids["Book a skip-level with Tom"]

    marked = _json(run_coach("commitments", "--done", handoff[:6], "--json", env_extra=env))["marked"]
    assert (marked["id"], marked["status"], marked["status_source"]) == (handoff, "done", "coach")
    text = run_coach("commitments", "--drop", skip, env_extra=env)
    assert text.returncode == 0 and "marked dropped in coach on" in text.stdout

    listed = {a["id"]: a["status"] for a in _json(run_coach("commitments", "--json", env_extra=env))["commitments"]}
    assert listed == {handoff: "done", skip: "dropped"}
    assert _json(run_coach("commitments", "--reopen", skip, "--json", env_extra=env))["marked"]["status"] == "open"
    marks = json.loads((Path(os.environ["COACH_DATA_DIR"]) / "commitment-marks.json").read_text())
    assert list(marks["marks"]) == [handoff]

    wrong = run_coach("commitments", "--done", "zzzz", env_extra=env)
    assert wrong.returncode != 0 and "No commitment has the id 'zzzz'" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    both = run_coach("commitments", "--done", handoff, "--drop", skip, env_extra=env)
    assert both.returncode != 0 and "one of --done, --drop or --reopen" in both.stderr
    assert hashlib.sha256((notes_dir / "2026-01-05 session.md").read_bytes()).hexdigest() == before


def test_the_old_name_coach_actions_still_lists_and_marks_with_its_json_key(notes_dir):
    write_note(notes_dir, "2026-01-05 session.md", "# Delegation\n\n## Actions\n- [ ] Hand off release planning to Priya\n",
               date="2026-01-05", mentor="Ade Okafor", kind="session")
    env = {"COACH_NOTES_DIR": str(notes_dir)}
    assert run_coach("index", env_extra=env).returncode == 0
    new = _json(run_coach("commitments", "--json", env_extra=env))
    old = _json(run_coach("actions", "--json", env_extra=env))
    assert set(new) == {"commitments"} and set(old) == {"actions"}  # scripts written for `coach actions` keep working
    assert old["actions"] == new["commitments"] and len(new["commitments"]) == 1
    ref = new["commitments"][0]["id"]
    assert _json(run_coach("actions", "--done", ref, "--json", env_extra=env))["marked"]["status"] == "done"
    assert _json(run_coach("commitments", "--reopen", ref, "--json", env_extra=env))["marked"]["status"] == "open"
    shown = run_coach("--help", env_extra=env)
    assert " commitments " in shown.stdout and " actions " not in shown.stdout  # the alias is hidden
