"""The agent's tools: read_note never leaves the notes folder, never reads coach's own words or a saved
conversation, and returns a bounded range; steps read as plain lines."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from coach.agent import tools
from coach.agent.tools import MAX_READ_LINES, Toolbox, commitment_hit, describe_search, read_passage
from tests.conftest import write_note


class _NoIndex:
    def __init__(self, root):
        self.root = root

    def notes_dir(self):
        return self.root

    @property
    def searcher(self):
        raise RuntimeError("no index in a unit test")


@pytest.fixture
def service(tmp_path):
    notes = tmp_path / "notes"
    body = "\n".join(f"Line {n} of the session." for n in range(1, 201))
    write_note(notes, "2025-09-12 ade.md", body, date="2025-09-12", mentor="Ade Okafor", kind="session")
    write_note(notes, "2025-10-01 chat.md", "**Question:** what next?\n\n> [!coach] coach said\n> Do X.\n",
               date="2025-10-01", kind="conversation", created_by="coach")
    write_note(notes, "2025-10-02 reflection.md", "I felt rushed.\n\n> [!coach] coach asked\n> Why rushed?\n",
               date="2025-10-02", kind="reflection", created_by="coach")
    (tmp_path / "secret.md").write_text("outside the notes\n")
    os.symlink(tmp_path / "secret.md", notes / "link.md")
    return SimpleNamespace(engine=_NoIndex(notes), settings=SimpleNamespace(max_note_bytes=1_000_000))


@pytest.mark.parametrize("path", ["../secret.md", "/etc/passwd", "link.md", ".hidden/x.md", "", "notes.exe",
                                  "2025-09-12 ade.md\x00.md", "missing.md"])
def test_read_note_refuses_anything_but_a_note_in_the_folder(service, path):
    with pytest.raises(ValueError):
        read_passage(service, path, None)


def test_read_note_returns_a_bounded_range_with_file_line_numbers(service):
    hit = read_passage(service, "2025-09-12 ade.md", "10-20")
    lines = hit.text.split("\n")
    assert (hit.start_line, hit.end_line) == (10, 20) and len(lines) == 11
    offset = 10 - int(lines[0].split()[1])  # front matter lines before the body
    assert lines[-1] == f"Line {20 - offset} of the session."
    whole = read_passage(service, "2025-09-12 ade.md", None)
    assert whole.end_line - whole.start_line + 1 == MAX_READ_LINES
    huge = read_passage(service, "2025-09-12 ade.md", "1-100000")
    assert huge.end_line - huge.start_line + 1 == MAX_READ_LINES
    assert (hit.date, hit.mentor, hit.source) == ("2025-09-12", "Ade Okafor", "notes")
    with pytest.raises(ValueError, match="12-30"):
        read_passage(service, "2025-09-12 ade.md", "the middle")


def test_read_note_never_returns_coach_words_or_a_saved_conversation(service):
    with pytest.raises(ValueError, match="saved conversation"):
        read_passage(service, "2025-10-01 chat.md", None)
    hit = read_passage(service, "2025-10-02 reflection.md", None)
    assert "I felt rushed." in hit.text and "Why rushed?" not in hit.text and "coach asked" not in hit.text


def test_a_tool_error_is_told_to_the_model_not_raised(service):
    box = Toolbox(service)
    out = box.read_note("../secret.md")
    assert out.startswith("Error:") and "outside the notes" not in out
    assert box.steps == ["read ../secret.md"] and box.hits == []
    out = box.read_note("2025-09-12 ade.md", "1-3")
    assert f"nonce={box.nonce}" in out and 'cite="[2025-09-12, Ade Okafor]"' in out and len(box.hits) == 1


def test_tool_output_is_bounded(service, monkeypatch):
    monkeypatch.setattr(tools, "MAX_READ_CHARS", 50)
    out = Toolbox(service).read_note("2025-09-12 ade.md")
    body = out.split("\n", 1)[1].rsplit("\n", 1)[0]
    assert len(body) <= 50


def test_steps_say_what_was_looked_up():
    assert describe_search("searched notes", "raise", "Ade", None, None, None) == "searched notes: 'raise' with Ade"
    assert describe_search("searched notes", "x" * 80, None, "2025-06-01", None, "session").endswith(
        "…', session notes, since 2025-06-01")


def test_a_commitment_is_a_passage_with_its_status_and_evidence():
    hit = commitment_hit({"id": "ab12", "text": "Draft the stakeholder map", "status": "done", "age_days": 30,
                          "path": "a.md", "date": "2025-09-12", "mentor": "Ade", "line": 7,
                          "evidence": "I sent the map to Ade.", "settled_on": "2025-10-03"})
    assert hit.text.startswith("Commitment: Draft the stakeholder map (status: done")
    assert "Evidence, in the note [2025-10-03, Ade]: I sent the map to Ade." in hit.text
    assert (hit.path, hit.start_line, hit.date, hit.mentor) == ("a.md", 7, "2025-09-12", "Ade")


def test_all_tool_output_of_one_answer_fits_its_budget(service):
    box = Toolbox(service, budget=1200)
    first = box.read_note("2025-09-12 ade.md", "1-40")
    assert len(first) <= 1200
    rest = [box.read_note("2025-09-12 ade.md", f"{n}-{n + 40}") for n in (41, 82, 123)]
    assert rest[-1] == tools.NO_ROOM
    assert sum(len(out) for out in [first, *rest]) <= 1200 + 3 * len(tools.NO_ROOM)
    assert len(box.hits) == sum(1 for out in [first, *rest] if out != tools.NO_ROOM)
