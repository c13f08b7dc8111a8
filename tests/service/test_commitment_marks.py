"""Marking commitments done / dropped / open through CoachService: a status file, never the notes."""

from __future__ import annotations

import json
import stat
from datetime import date
from pathlib import Path

import pytest

from coach.agent.marks import MARKS_FILE, commitment_id
from coach.agent.service import CoachService
from coach.agent.tracking import commitment_json
from coach.errors import CoachError
from tests.conftest import file_hashes, synced_service, write_note

TODAY = date(2026, 2, 2)


@pytest.fixture
def folder(notes_dir: Path) -> Path:
    write_note(notes_dir, "2026-01-05 session.md",
               "# Delegation\n\n## Actions\n- [ ] Hand off release planning to Priya\n"
               "- [ ] Write the onboarding guide for new starters\n",
               date="2026-01-05", mentor="Ade Okafor", kind="session")
    write_note(notes_dir, "2026-01-19 session.md",
               "# Check-in\n\n## Follow-ups\n- Wrote the onboarding guide for new starters, it is done.\n",
               date="2026-01-19", mentor="Ade Okafor", kind="session")
    return notes_dir


@pytest.fixture
def service(folder, fake_embedder) -> CoachService:
    return synced_service(folder, fake_embedder, TODAY)


def _by_text(service, words: str):
    return next(item for item in service.commitments() if words in item.text)


def _marks_file(service) -> dict:
    return json.loads((Path(service.settings.data_dir) / MARKS_FILE).read_text())



def test_ids_are_stable_and_ignore_case_spacing_and_punctuation():
    assert commitment_id("a.md", "Hand off  release planning!") == commitment_id("a.md", "hand off release planning")
    assert commitment_id("a.md", "Hand off release planning") != commitment_id("b.md", "Hand off release planning")
    assert len(commitment_id("a.md", "x")) == 10


def test_marking_done_writes_the_status_file_and_overrides_the_notes(service, folder):
    before = file_hashes(folder)
    handoff = _by_text(service, "release planning")
    assert handoff.status == "open" and handoff.status_source == "notes"
    marked = service.mark_commitment(handoff.id, "done")
    assert marked.status == "done" and marked.status_note == "marked done in coach on 2026-02-02"
    assert marked.age_days == 28  # open from 2026-01-05 until the mark
    stored = _marks_file(service)["marks"][handoff.id]
    assert stored == {"status": "done", "marked_on": "2026-02-02", "path": "2026-01-05 session.md",
                      "text": "Hand off release planning to Priya"}
    mode = (Path(service.settings.data_dir) / MARKS_FILE).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    again = _by_text(service, "release planning")  # read back through a fresh tracking pass
    assert (again.status, again.status_source, again.inferred_status) == ("done", "coach", "open")
    assert [a.text for a in service.commitments("open")] == []
    assert file_hashes(folder) == before  # the notes were not touched


def test_marks_survive_a_rebuild_of_the_index(service):
    service.mark_commitment(_by_text(service, "release planning").id[:5], "dropped")
    service.engine.sync(rebuild=True)
    assert _by_text(service, "release planning").status == "dropped"


def test_reopening_an_item_the_notes_settled_keeps_an_open_mark(service):
    guide = _by_text(service, "onboarding guide")
    assert guide.status == "done" and guide.status_path == "2026-01-19 session.md"
    reopened = service.mark_commitment(guide.id, "open")
    assert reopened.status == "open" and reopened.status_note == "reopened in coach on 2026-02-02"
    assert reopened.status_path is None
    assert _marks_file(service)["marks"][guide.id]["status"] == "open"


def test_reopening_a_marked_item_that_the_notes_leave_open_removes_the_mark(service):
    handoff = _by_text(service, "release planning")
    service.mark_commitment(handoff.id, "done")
    back = service.mark_commitment(handoff.id, "open")
    assert back.status == "open" and back.status_note is None
    assert _marks_file(service)["marks"] == {}


def test_json_has_the_id_and_where_the_status_came_from(service):
    handoff = _by_text(service, "release planning")
    service.mark_commitment(handoff.id, "done")
    data = commitment_json(_by_text(service, "release planning"))
    assert data["id"] == handoff.id and data["status"] == "done"
    assert data["status_source"] == "coach" and data["marked_on"] == "2026-02-02"
    assert commitment_json(_by_text(service, "onboarding"))["status_source"] == "notes"


def test_bad_ids_and_statuses_are_clear_errors(service):
    with pytest.raises(CoachError, match="No commitment has the id 'nope'"):
        service.mark_commitment("nope", "done")
    with pytest.raises(CoachError, match="can be marked done, dropped, open"):
        service.mark_commitment(_by_text(service, "release").id, "finished")


def test_a_damaged_marks_file_is_reported_not_ignored(service):
    (Path(service.settings.data_dir) / MARKS_FILE).write_text("{not json")
    with pytest.raises(CoachError, match="cannot be read.*Move it aside"):
        service.commitments()


def test_marking_among_known_items_gives_the_same_result(service):
    items = service.commitments()
    handoff = next(i for i in items if "release planning" in i.text)
    marked = service.mark_commitment(handoff.id, "dropped", among=items)
    assert marked.status == "dropped" and marked.inferred_status == "open"
    again = service.commitments()  # the marked copy, reopened from the caller's list
    back = service.mark_commitment(handoff.id, "open", among=again)
    assert back.status == "open" and back.status_note is None and _marks_file(service)["marks"] == {}
