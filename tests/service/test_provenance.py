"""A saved conversation never becomes evidence of what a mentor said (real Chroma, real MiniLM):
not in ask, actions, agenda or themes; it is searchable only by kind. Coach's questions in a
reflection are never read as the mentee's words, while the mentee's answers stay their evidence."""

from __future__ import annotations

import json
from datetime import date

import pytest

from coach.notes.provenance import is_coach_written, user_text
from coach.retrieval.search import SearchFilters
from tests.conftest import synced_service, write_note

CLAIM = "quit on a Friday so the team misses you"
CONVERSATION_ID = "20260101T090000-abc123"


def _notes(folder):
    write_note(folder, "2025-09-12 ade.md",
               "## Hard feedback\n\nAde said to give hard feedback early, in private, and about the work.\n\n"
               "- [ ] Draft the stakeholder map before the offsite\n",
               date="2025-09-12", mentor="Ade Okafor", kind="session")
    write_note(folder, "2025-10-03 ade.md",
               "## Leaving a job\n\nAde said never leave a job in anger; talk to your manager first.\n\n"
               "I'll book a one-to-one with Priya about the rota.\n",
               date="2025-10-03", mentor="Ade Okafor", kind="session")
    write_note(folder, "2025-11-14 ade.md",
               "## Leaving a job again\n\nAde said a job change is a project: plan it and talk it through.\n",
               date="2025-11-14", mentor="Ade Okafor", kind="session")


def _plant_conversation(settings):
    """A past conversation whose answer invents a claim in Ade's name and states a 'commitment'."""
    folder = settings.data_dir / "conversations"
    folder.mkdir(parents=True, exist_ok=True)
    records = [
        {"type": "question", "at": "2026-01-01T09:00:00+00:00", "text": "What did Ade say about leaving a job?"},
        {"type": "answer", "at": "2026-01-01T09:00:05+00:00", "status": "complete",
         "text": f"Ade Okafor said you should {CLAIM}. I'll quit on a Friday.",
         "sources": [{"source": "notes", "path": "2025-10-03 ade.md", "date": "2025-10-03", "mentor": "Ade Okafor"}]},
    ]
    (folder / f"{CONVERSATION_ID}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))


@pytest.fixture
def service(tmp_path, real_embedder):
    notes = tmp_path / "notes"
    notes.mkdir()
    _notes(notes)
    service = synced_service(notes, real_embedder, date(2026, 1, 5), tmp_path / "data")
    _plant_conversation(service.settings)
    service.saved_path = service.save_conversation(CONVERSATION_ID)  # indexed at once
    return service


def test_the_saved_conversation_is_coach_s_credited_to_no_mentor(service):
    (note,) = [n for n in service.engine.scan_notes().notes if n.path == service.saved_path]
    assert note.kind == "conversation" and note.mentor is None and is_coach_written(note)
    assert "What did Ade say about leaving a job?" in user_text(note) and CLAIM not in user_text(note)
    assert all(n.path != note.path for n in service.notes())  # never evidence


def test_search_finds_it_only_when_asked_for_by_kind(service):
    default = service.engine.search("what did Ade say about leaving a job quit on a Friday", 10)
    assert service.saved_path not in {hit.path for hit in default.hits}
    asked = service.engine.search("leaving a job", 5, SearchFilters(kind="conversation"))
    assert [hit.path for hit in asked.hits] == [service.saved_path]
    assert asked.hits[0].mentor is None and asked.hits[0].kind == "conversation"


def test_ask_never_quotes_it_and_never_loads_the_model(service):
    result = service.ask_blocking("What did Ade say about leaving a job?")
    assert CLAIM not in result.answer and result.mode == "extractive" and result.summary == ""
    assert service.saved_path not in {q["path"] for q in result.quotes} | {h.path for h in result.sources}
    assert {q["path"] for q in result.quotes} <= {"2025-10-03 ade.md", "2025-11-14 ade.md", "2025-09-12 ade.md"}
    assert "never leave a job in anger" in result.answer and result.lead.startswith("Your notes touch on this")
    assert service._chat_model is None  # extractive answers never build the chat model


def test_actions_agenda_and_themes_never_use_it(service):
    actions = service.commitments()
    assert service.saved_path not in {a.path for a in actions}
    assert not any("Friday" in a.text for a in actions)
    assert any("one-to-one with Priya" in a.text for a in actions)  # the real notes still count
    agenda = service.agenda("Ade")
    sources = {s.path for item in agenda.items for s in item.sources}
    assert service.saved_path not in sources and not any(CLAIM in item.text for item in agenda.items)
    assert all(service.saved_path not in theme.notes for theme in service.themes())


def test_a_reflection_keeps_the_mentee_s_answers_as_evidence_but_not_coach_s_questions(service):
    flow = service.start_reflection("rolfe", "Ade")
    answers = ["The offsite went fine.", "I rushed the ending of my talk.", "I'll rehearse the ending twice."]
    saved = service.save_reflection(flow, answers)
    (note,) = [n for n in service.notes() if n.path == saved.path]
    assert "I'll rehearse the ending twice." in note.body
    for question in flow.questions:
        assert question.question.split("\n")[0] not in note.body  # coach's question blanked
    text = (service.engine.notes_dir() / saved.path).read_text()
    assert "> [!coach] coach asked" in text and "created_by: coach" in text
    assert any("rehearse the ending" in a.text.lower() for a in service.commitments())  # the answer is evidence
