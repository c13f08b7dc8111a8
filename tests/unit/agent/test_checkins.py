"""Check-in rules: only a named choice is an answer, the last session's own open commitments are asked, and
the saved section keeps coach's questions in callouts with the answers as the mentee's lines."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from coach.agent.checkins import (
    CheckIn,
    answer_lines,
    check_choices,
    checkin_section,
    last_session_checkins,
    read_choice,
)
from coach.errors import CoachError
from coach.notes.provenance import strip_callouts


@pytest.mark.parametrize("text, choice", [("done", "done"), ("D", "done"), ("Not yet.", "not_yet"), ("n", "not_yet"),
                                          ("dropped", "dropped"), ("x", "dropped"), ("", None), ("skip", None)])
def test_a_named_choice_is_an_answer(text, choice):
    assert read_choice(text) == choice


@pytest.mark.parametrize("text", ["haven't set it yet", "I've only got a rough draft", "done-ish", "nearly done",
                                  "not done", "yes but"])
def test_free_text_is_never_read_for_its_meaning(text):
    with pytest.raises(CoachError, match="not one of the choices"):
        read_choice(text)


def _item(text, path, line, owner="me", mentions=None, status="open"):
    return SimpleNamespace(id=f"id-{line}", text=text, path=path, line=line, owner=owner, date=date(2026, 1, 19),
                           status=status, mentions=mentions or ((path, line),))


def test_only_the_mentees_own_commitments_from_the_last_session_are_asked():
    items = [_item("Book a skip-level", "last.md", 3), _item("Send the budget", "older.md", 5),
             _item("Kwame will email the board", "last.md", 4, owner="Kwame"),
             _item("Draft the plan", "older.md", 7, mentions=(("older.md", 7), ("last.md", 9)), status="maybe_done")]
    asked = last_session_checkins(items, "last.md")
    assert [c.text for c in asked] == ["Book a skip-level", "Draft the plan"]
    assert asked[1].status == "maybe_done" and last_session_checkins(items, None) == []


def test_the_section_quotes_coach_and_records_the_answers_as_lines():
    asked = [CheckIn("aaaa1111", "Book a skip-level", "last.md", date(2026, 1, 19), "open"),
             CheckIn("bbbb2222", "Draft the plan", "last.md", date(2026, 1, 19), "open")]
    answered = check_choices(asked, {"aaaa": "done", "bbbb2222": "skip"})
    assert answered == {"aaaa1111": "done"}  # a unique prefix names it; a skip records nothing
    text = "---\ndate: 2026-02-02\n---\n# R\n\n" + checkin_section(asked, answered)
    assert "Book a skip-level" not in strip_callouts(text)  # coach's question, never the mentee's words
    lines = text.split("\n")
    assert [lines[n - 1] for n in answer_lines(text)] == ["Done.", "(skipped)"]
    with pytest.raises(CoachError, match="No single check-in"):
        check_choices(asked, {"cccc": "done"})
