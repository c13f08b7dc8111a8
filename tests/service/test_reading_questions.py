"""Questions read the way they were meant, through a real index (Chroma + MiniLM) of a small folder."""

from __future__ import annotations

from datetime import date

import pytest

from coach.retrieval.search import SearchFilters
from tests.conftest import synced_engine, write_note

TODAY = date(2026, 6, 15)
NOTES = SearchFilters(source="notes")


def _corpus(folder):
    """Two mentors, spelled several ways, one of them only in file names; a reflection; a one-off."""
    write_note(folder, "2025-09-04 kickoff with Grace.md",
               "## Goals\n\nGrace said to write down three goals for the year and share them with my manager.\n"
               "- [ ] Draft my three goals\n", date="2025-09-04", mentor="Dr Grace Mbeki", kind="session")
    write_note(folder, "2025-11-20 grace.md",
               "## Delegation\n\nGrace told me to delegate the release checklist and stop reviewing every "
               "pull request myself.\n- [ ] Hand the checklist to Sam\n", date="2025-11-20", mentor="Grace Mbeki",
               kind="session")
    write_note(folder, "2026-03-12 grace call.txt",
               "Grace, phone call. We talked about my promotion case and the feedback from my director.\n"
               "I'll book a meeting with my director to ask for written criteria.\n")
    write_note(folder, "2025-10-02 Tomás - hiring.md",
               "## Hiring\n\nTomás said a scorecard before reading any CV keeps interviews fair. He also talked "
               "about delegation: give the work away with the context, not just the task.\n",
               date="2025-10-02", mentor="Tomás Reyes", kind="session")
    write_note(folder, "2026-02-10 tomas.md",
               "## Delegation\n\nTomás thinks I should delegate the on-call rota to Priya and let her own it, "
               "even if she does it differently.\n- [ ] Ask Priya to own the rota\n",
               date="2026-02-10", mentor="Tomás Reyes", kind="session")
    write_note(folder, "2026-04-01 reflection - marching on.md",
               "# Reflection\n\nWe will march forward with the reorg. I feel calmer about delegation now.\n",
               date="2026-04-01", kind="reflection")
    write_note(folder, "2025-12-01 meeting with Mrs Vance.md",
               "A parent meeting about her son's grades. We agreed on weekly updates.\n", date="2025-12-01",
               kind="session")


@pytest.fixture(scope="module")
def engine(tmp_path_factory, real_embedder):
    base = tmp_path_factory.mktemp("reading")
    notes = base / "notes"
    notes.mkdir()
    _corpus(notes)
    return synced_engine(notes, real_embedder, base / "data")


def search(engine, question, k=5):
    return engine.searcher.search(question, k=k, filters=NOTES, today=TODAY)


def test_the_last_session_answers_what_did_i_commit_to(engine):
    response = search(engine, "What did I commit to at the last session?")
    assert response.hits[0].path == "2026-03-12 grace call.txt"  # the latest meeting, named only by its file
    assert response.resolved == ("2026-03-12 grace call.txt",)
    assert not response.nothing_relevant


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What did Grace advise in our very first meeting?", "2025-09-04 kickoff with Grace.md"),
        ("what did tomas say in our most recent session", "2026-02-10 tomas.md"),
        ("Dr Mbeki's previous call: what did I promise?", "2026-03-12 grace call.txt"),
        ("first session with REYES", "2025-10-02 Tomás - hiring.md"),
    ],
)
def test_first_and_last_session_with_a_mentor_in_any_form(engine, question, expected):
    response = search(engine, question)
    assert response.hits[0].path == expected
    assert not response.nothing_relevant


def test_a_named_mentor_s_notes_come_before_the_other_mentor_s(engine):
    response = search(engine, "What did Tomás say about delegation?", k=6)
    people = [hit.person for hit in response.hits if hit.person in ("Tomás Reyes", "Grace Mbeki")]
    assert people[0] == "Tomás Reyes"
    assert people.index("Grace Mbeki") > max(i for i, p in enumerate(people) if p == "Tomás Reyes")
    assert "Grace Mbeki" in people  # the other mentor is still reachable, only lower


def test_two_mentors_named_are_both_shown_with_the_mentor_on_each_hit(engine):
    response = search(engine, "What did Grace and Tomás say about delegation?", k=4)
    assert response.people == ("Grace Mbeki", "Tomás Reyes")
    both = response.by_person()
    assert both["Grace Mbeki"] and both["Tomás Reyes"]
    assert {hit.person for hit in response.hits[:2]} == {"Grace Mbeki", "Tomás Reyes"}
    assert response.to_json()["results"][0]["person"] in ("Grace Mbeki", "Tomás Reyes")


def test_a_time_only_question_returns_that_period_and_never_nothing_relevant(engine):
    response = search(engine, "What did Grace and I talk about in November 2025?")
    assert not response.nothing_relevant
    assert response.hits[0].path == "2025-11-20 grace.md"


def test_a_period_with_no_notes_says_nothing_relevant(engine):
    assert search(engine, "What did we discuss in July 2024?").nothing_relevant


def test_march_forward_is_not_a_month(engine):
    response = search(engine, "How do I march forward with delegation?")
    assert response.hint.start is None
    assert not response.nothing_relevant
