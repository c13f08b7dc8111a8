"""Reflect asks, rather than guesses: check-in answers become marks with the reflection note as evidence,
free text is refused, and the marks can be undone."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from coach.agent.mark_evidence import load_evidence
from coach.agent.service import CoachService
from coach.errors import CoachError
from tests.conftest import file_hashes, synced_service, write_note

TODAY = date(2026, 2, 2)
ANSWERS = ["We met.", "It matters.", ""]


@pytest.fixture
def folder(notes_dir: Path) -> Path:
    write_note(notes_dir, "2026-01-05 session.md", "# Planning\n\n## Actions\n- [ ] Hand off release planning to Priya\n",
               date="2026-01-05", mentor="Ade Okafor", kind="session")
    write_note(notes_dir, "2026-01-19 session.md",
               "# Check-ins\n\n## Actions\n- [ ] Set up a monthly check-in with Priya\n"
               "- [ ] Draft the hiring plan for Q2\n- [ ] Book a skip-level with Tom\n",
               date="2026-01-19", mentor="Ade Okafor", kind="session")
    return notes_dir


@pytest.fixture
def service(folder, fake_embedder) -> CoachService:
    return synced_service(folder, fake_embedder, TODAY)


def _status(service, text: str) -> str:
    return next(a.status for a in service.commitments() if a.text == text)


def _ids(flow) -> dict[str, str]:
    return {c.text: c.id for c in flow.checkins}


def test_checkins_ask_about_the_last_sessions_open_commitments_only(service):
    flow = service.start_reflection("rolfe")
    assert [c.text for c in flow.checkins] == ["Set up a monthly check-in with Priya", "Draft the hiring plan for Q2",
                                               "Book a skip-level with Tom"]
    assert all(c.status == "open" and c.path == "2026-01-19 session.md" for c in flow.checkins)


def test_answers_become_marks_with_the_reflection_as_evidence(service, folder):
    flow = service.start_reflection("rolfe")
    ids = _ids(flow)
    saved = service.save_reflection(flow, ANSWERS, checkins={
        ids["Set up a monthly check-in with Priya"]: "done", ids["Draft the hiring plan for Q2"]: "not yet",
        ids["Book a skip-level with Tom"]: "dropped"})
    assert _status(service, "Set up a monthly check-in with Priya") == "done"
    assert _status(service, "Draft the hiring plan for Q2") == "open"
    assert _status(service, "Book a skip-level with Tom") == "dropped"
    changed = {c.text: c for c in saved.marks}
    assert changed["Set up a monthly check-in with Priya"].changed
    assert not changed["Draft the hiring plan for Q2"].changed  # "not yet": stays open, no mark needed
    evidence = service.mark_evidence()[ids["Set up a monthly check-in with Priya"]]
    lines = (folder / saved.path).read_text(encoding="utf-8").split("\n")
    assert evidence.note == saved.path and lines[evidence.line - 1] == "Done."
    assert evidence.answer == "done" and saved.path in changed["Set up a monthly check-in with Priya"].describe()
    assert [m["evidence"]["note"] for m in saved.to_json()["marks"]] == [saved.path] * 3


def test_the_questions_sit_in_coach_callouts_and_never_read_as_commitments(service, folder):
    flow = service.start_reflection("rolfe")
    saved = service.save_reflection(flow, ANSWERS, checkins={flow.checkins[0].id: "done"})
    text = (folder / saved.path).read_text(encoding="utf-8")
    question = "> Did you “Set up a monthly check-in with Priya”?"
    assert "## Since last time" in text and question in text
    assert text[: text.index(question)].rstrip().endswith("> [!coach] coach asked")
    assert saved.commitments == []  # coach's questions are not the mentee's commitments
    assert not [a for a in service.commitments() if a.path == saved.path]


@pytest.mark.parametrize("answer", ["haven't set it yet", "I've only got a rough draft", "mostly", "yes, sort of"])
def test_free_text_is_refused_never_guessed_and_nothing_is_written(service, folder, answer):
    flow = service.start_reflection("rolfe")
    before = file_hashes(folder)
    with pytest.raises(CoachError, match="not one of the choices"):
        service.save_reflection(flow, ANSWERS, checkins={flow.checkins[0].id: answer})
    assert file_hashes(folder) == before
    assert _status(service, flow.checkins[0].text) == "open"


def test_free_text_in_the_reflection_itself_does_not_mark_anything_done(service):
    flow = service.start_reflection("rolfe")
    service.save_reflection(flow, ["I haven't set the monthly check-in with Priya up yet.",
                                   "I've only got a rough draft of the hiring plan for Q2.", ""])
    assert _status(service, "Set up a monthly check-in with Priya") == "open"
    assert _status(service, "Draft the hiring plan for Q2") == "open"


def test_undo_puts_the_marks_back(service):
    flow = service.start_reflection("rolfe")
    ids = _ids(flow)
    saved = service.save_reflection(flow, ANSWERS, checkins={ids["Set up a monthly check-in with Priya"]: "done",
                                                             ids["Book a skip-level with Tom"]: "skip"})
    assert [c.text for c in saved.marks] == ["Set up a monthly check-in with Priya"]  # a skip records nothing
    service.undo_marks(saved.marks)
    assert _status(service, "Set up a monthly check-in with Priya") == "open"
    assert load_evidence(service.settings) == {}
    marks = json.loads((service.settings.data_dir / "commitment-marks.json").read_text(encoding="utf-8"))
    assert marks["marks"] == {}


def test_an_unknown_checkin_id_is_refused(service):
    with pytest.raises(CoachError, match="No single check-in"):
        service.save_reflection(service.start_reflection("rolfe"), ANSWERS, checkins={"zzzzzz": "done"})


def _item(service, text: str):
    return next(a for a in service.commitments() if a.text == text)


def test_a_checkin_mark_shows_its_question_answer_note_and_line_not_marked_in_coach(service, folder):
    from coach.agent.tracking import commitment_json

    flow = service.start_reflection("rolfe")
    ids = _ids(flow)
    saved = service.save_reflection(flow, ANSWERS, checkins={
        ids["Set up a monthly check-in with Priya"]: "done", ids["Draft the hiring plan for Q2"]: "not yet"})
    done = _item(service, "Set up a monthly check-in with Priya")
    line = service.mark_evidence()[done.id].line
    assert done.status_note == f"marked done by your check-in answer in {saved.path}:{line} on {TODAY}"
    assert "in coach on" not in done.status_note
    shown = commitment_json(done)
    assert (shown["settled_by"], shown["settled_on"], shown["evidence_line"]) == (saved.path, TODAY.isoformat(), line)
    assert shown["evidence"] == "Did you “Set up a monthly check-in with Priya”? — done"
    assert shown["checkin"] == {"note": saved.path, "line": line, "answer": "done", "on": TODAY.isoformat()}
    assert shown["status_source"] == "coach"
    waiting = commitment_json(_item(service, "Draft the hiring plan for Q2"))  # no mark: the answer beside it
    assert waiting["status"] == "open" and waiting["checkin"]["answer"] == "not yet"
    assert waiting["status_source"] == "notes" and waiting["settled_by"] is None


def test_a_later_mark_by_key_replaces_the_checkin_as_the_explanation(service):
    flow = service.start_reflection("rolfe")
    ref = _ids(flow)["Set up a monthly check-in with Priya"]
    service.save_reflection(flow, ANSWERS, checkins={ref: "done"})
    reopened = service.mark_commitment(ref, "dropped")
    assert reopened.checkin is None
    again = _item(service, "Set up a monthly check-in with Priya")
    assert again.checkin is None and again.evidence is None
    assert again.status_note == f"marked dropped in coach on {TODAY}"


def test_tracking_runs_once_for_callers_at_the_same_time(service, monkeypatch):
    import threading

    from coach.agent import tracking

    calls = []
    real = tracking.track_commitments

    def slow(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(tracking, "track_commitments", slow)
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(service.commitments("open"))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(calls) == 1 and len(results) == 3
    assert all([a.text for a in r] == [a.text for a in results[0]] for r in results)
    (service.settings.notes_dir / "2026-01-30 later.md").write_text(
        "---\ndate: 2026-01-30\nmentor: Ade Okafor\nkind: session\n---\n# More\n\n- [ ] Write the onboarding doc\n")
    assert "Write the onboarding doc" in [a.text for a in service.commitments("open")]  # a changed folder: tracked again
    assert len(calls) == 2


def test_coach_actions_prints_the_checkin_evidence(service, monkeypatch):
    from rich.console import Console

    from coach.commands import coaching, output

    flow = service.start_reflection("rolfe")
    ids = _ids(flow)
    saved = service.save_reflection(flow, ANSWERS, checkins={ids["Set up a monthly check-in with Priya"]: "done",
                                                             ids["Draft the hiring plan for Q2"]: "not yet"})
    console = Console(record=True, width=300, highlight=False, soft_wrap=True)
    monkeypatch.setattr(output, "out", console)
    coaching._show_commitments(service.commitments(), as_json=False)
    text = console.export_text()
    line = service.mark_evidence()[ids["Set up a monthly check-in with Priya"]].line
    assert (f"evidence {TODAY} {saved.path}:{line}: Did you “Set up a monthly check-in with Priya”? — done "
            f"(marked done by your check-in answer; undo: coach commitments --reopen "
            f"{ids['Set up a monthly check-in with Priya']})") in text
    assert f"check-in: you answered “not yet” in {saved.path}:" in text
    assert "in coach on" not in text


def test_unmark_removes_the_mark_whatever_the_notes_say(service):
    ref = next(a.id for a in service.commitments() if a.text == "Book a skip-level with Tom")
    assert service.mark_commitment(ref, "done").status == "done"
    back = service.mark_commitment(ref, "notes")
    assert back.status == "open" and back.marked_on is None
    marks = json.loads((service.settings.data_dir / "commitment-marks.json").read_text(encoding="utf-8"))
    assert marks["marks"] == {}
