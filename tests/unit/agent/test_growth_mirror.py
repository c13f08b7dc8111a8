"""The growth mirror's pure parts: stances, then-and-now pairs, promises, the mentor's words, timeline, chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from types import SimpleNamespace

import pytest

from coach.agent.growth.chart import timeline_svg, write_timeline
from coach.agent.growth.commitment_tally import tally_commitments
from coach.agent.growth.statements import note_statements, stance
from coach.agent.growth.timeline import timeline
from coach.errors import CoachError
from coach.notes.model import Note


def note(path: str, day: str, body: str, **fields) -> Note:
    fields.setdefault("kind", "session")
    return Note(path=path, title=fields.pop("title", path), body=body, date=date.fromisoformat(day),
                date_source="front_matter", body_offset=fields.pop("body_offset", 5), **fields)


@pytest.mark.parametrize(("sentence", "expected"), [
    ("I'm really nervous about the talk.", "worry"),
    ("Honestly I feel like I got the job by accident.", "worry"),
    ("I'll hand the rota to Luis next week.", "intention"),
    ("I handed the rota to Luis on Monday.", "action"),
    ("Booked proper 1:1s with all six.", "action"),
    ("I didn't feel nervous once.", "confidence"),
    ("I answered it calmly and even got a laugh.", "confidence"),
    ("I keep waiting to feel confident.", None),
    ("He said the rota was fine.", None),                  # not the mentee's own
    ("I would have been pleased with myself.", None),      # did not happen
])
def test_stance(sentence, expected):
    assert stance(sentence) == expected


def test_statements_are_verbatim_lines_with_file_line_numbers():
    body = "# Talk\n\n- I'm **really** nervous about the talk. It is big.\n> I'm nervous (a quote block)\n"
    found = note_statements(note("a.md", "2025-01-01", body, body_offset=5))
    assert [(s.text, s.line, s.context) for s in found] == [("I'm **really** nervous about the talk.", 7, "Talk")]




def tracked(text, status, day, mentor="Ade Okafor", owner="me", settled=None, age=10):
    return SimpleNamespace(text=text, status=status, date=date.fromisoformat(day), mentor=mentor, owner=owner,
                           status_date=date.fromisoformat(settled) if settled else None, age_days=age,
                           path=f"{day}.md", line=3)


ITEMS = [tracked("Book 1:1s", "done", "2025-01-05", settled="2025-02-01"),
         tracked("Start a brag doc", "open", "2025-01-20", age=300),
         tracked("Write the guide", "dropped", "2025-02-03", mentor=None),
         tracked("Ade sends the deck", "open", "2025-02-03", owner="Ade"),
         tracked("Draft the map", "open", "2025-02-10", age=200)]


def test_kept_promises_per_month_and_mentor_with_the_longest_open_named_kindly():
    found = tally_commitments(ITEMS).to_json()
    assert found["totals"] == {"made": 4, "done": 1, "dropped": 1, "open": 2}  # Ade's own promise is not the user's
    assert found["by_month"] == [{"month": "2025-01", "made": 2, "done": 1, "dropped": 0, "open": 1},
                                 {"month": "2025-02", "made": 2, "done": 0, "dropped": 1, "open": 1}]
    assert [m["mentor"] for m in found["by_mentor"]] == ["Ade Okafor", "no mentor named"]
    assert [o["text"] for o in found["longest_open"]] == ["Start a brag doc", "Draft the map"]
    assert "tell Ade where it stands" in found["longest_open"][0]["next_step"]
    assert tally_commitments(ITEMS, since=date(2025, 2, 1)).totals.made == 2


def test_timeline_counts_sessions_and_commitments_per_month_including_quiet_months():
    notes = [note("a.md", "2025-01-02", ""), note("b.md", "2025-03-02", ""), note("m.md", "2025-03-09", "", role="mentor")]
    months = timeline(notes, ITEMS, None, date(2025, 12, 1))
    assert [m.to_json() for m in months] == [
        {"month": "2025-01", "sessions": 1, "made": 2, "done": 0},
        {"month": "2025-02", "sessions": 0, "made": 2, "done": 1},
        {"month": "2025-03", "sessions": 1, "made": 0, "done": 0},
    ]


def test_timeline_svg_is_well_formed_and_has_three_series(tmp_path):
    months = timeline([note("a.md", "2025-01-02", "")], ITEMS, None, date(2025, 12, 1))
    root = ET.fromstring(timeline_svg(months, "Sessions <& commitments>"))
    assert len(root.findall("{http://www.w3.org/2000/svg}polyline")) == 3
    written = write_timeline(tmp_path / "t.svg", months, "x")
    assert written.read_text(encoding="utf-8").startswith("<svg")
    with pytest.raises(CoachError, match=".svg or .png"):
        write_timeline(tmp_path / "t.txt", months, "x")
    with pytest.raises(CoachError, match="Nothing to plot"):
        write_timeline(tmp_path / "e.svg", [], "x")


def test_timeline_png_through_matplotlib(tmp_path):
    pytest.importorskip("matplotlib")
    months = timeline([note("a.md", "2025-01-02", "")], ITEMS, None, date(2025, 12, 1))
    written = write_timeline(tmp_path / "t.png", months, "Sessions and commitments")
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_progress_cli_module_does_not_import_matplotlib_for_svg():
    import subprocess
    import sys

    code = ("import sys; from coach.agent.growth.chart import timeline_svg; from coach.commands import growth; "
            "print('matplotlib' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_kept_promise_pairs_quote_the_promise_and_the_report_verbatim():
    from coach.agent.growth.commitment_pairs import kept_commitment_pairs

    made = note("a.md", "2025-01-01", "# Plan\n\n## Actions\n- [ ] Start a **brag doc** this week\n", body_offset=4)
    report = note("b.md", "2025-02-01", "# Later\n\n- Brag doc: started, *three* entries so far. More soon.\n")
    item = SimpleNamespace(text="Start a brag doc this week", owner="me", status="done", path="a.md", line=4,
                           status_path="b.md", evidence="Brag doc: started, three entries so far")
    (then, now), = kept_commitment_pairs([item], [made, report])
    assert (then.text, then.line, then.stance) == ("Start a **brag doc** this week", 7, "intention")
    assert (now.text, now.path, now.stance) == ("Brag doc: started, *three* entries so far.", "b.md", "action")
    assert then.context == "Actions" and now.date > then.date
    someone_else = SimpleNamespace(**{**vars(item), "owner": "Ade"})
    still_open = SimpleNamespace(**{**vars(item), "status": "open"})
    assert kept_commitment_pairs([someone_else, still_open], [made, report]) == []


def test_stance_reads_curly_apostrophes_like_straight_ones():
    assert stance("I’ll book the room for Friday.") == "intention"
    assert stance("I don’t feel nervous about it now.") == "confidence"


def test_a_promise_that_wraps_onto_the_next_line_is_quoted_to_its_sentence_end_verbatim():
    from coach.agent.growth.commitment_pairs import _with_continuation

    body = "Theo suggested I pair with an engineer, so I see where it\nhurts for them. \"Trust comes later.\"\n- next"
    lines = body.split("\n")
    quote = _with_continuation(lines[0], lines[1:])
    assert quote == "Theo suggested I pair with an engineer, so I see where it\nhurts for them."
    assert quote in body
    assert _with_continuation("Done already.", ["more text"]) == "Done already."
    assert _with_continuation("Book the venue", ["- another item"]) == "Book the venue"
