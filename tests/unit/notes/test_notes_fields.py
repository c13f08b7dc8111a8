"""Title, kind, mentor and date inference when front matter does not say."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from coach.notes.model import Note
from coach.notes.reader import read_note


@pytest.mark.parametrize(
    ("name", "body", "kind"),
    [
        ("reflection-boundaries.md", "text", "reflection"),
        ("2025-01-01.md", "# A Reflection on hiring\ntext", "reflection"),
        ("agenda-2025-08-07.md", "text", "agenda"),
        ("2025-07-03_session.md", "text", "session"),
        ("2026-04-09 Ade catch-up.md", "text", "session"),
        ("2026-03-26 1-1 prep.md", "text", "session"),
        ("notes.md", "Mentor: Dev\n\ntext", "session"),
        ("2025-11-14 recall list.md", "text", "other"),
        ("groceries.txt", "milk", "other"),
    ],
)
def test_kind_inferred_without_front_matter(
    read, name: str, body: str, kind: str
) -> None:
    assert read(name, body).kind == kind


def test_front_matter_kind_wins_over_inference(read) -> None:
    assert read("reflection x.md", "---\nkind: AGENDA\n---\ntext").kind == "agenda"


@pytest.mark.parametrize(
    ("name", "body", "mentor"),
    [
        ("2025-09-12 - call with Ade.md", "text", "Ade"),
        ("call_with_Ade_Okafor.md", "text", "Ade Okafor"),
        ("session with ade.md", "text", None),
        ("coffee withdrawal.md", "text", None),
        ("x.md", "# Notes\n**Mentor:** Rachel Lee\n", "Rachel Lee"),
        ("y.md", "- mentor: Dev\n", "Dev"),
        ("z.md", "Reverse mentor: Dev\n", None),
        ("w.md", "Mentor: a long sentence that is clearly not somebody's name\n", None),
    ],
)
def test_mentor_inference_is_conservative(
    read, name: str, body: str, mentor: str | None
) -> None:
    assert read(name, body).mentor == mentor


def test_mentor_line_deep_in_body_ignored(read) -> None:
    body = "\n".join(["line"] * 50 + ["Mentor: Dev"])
    assert read("deep.md", body).mentor is None


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("---\ntitle: From FM\n---\n# Heading\n", "From FM"),
        ("intro\n## Sub\n# Real Heading ##\n", "Real Heading"),
        ("```\n# not a heading\n```\n# After Fence\n", "After Fence"),
        ("#no-space tag\nplain\n", "my note"),
    ],
)
def test_title_sources(read, text: str, title: str) -> None:
    assert read("my note.md", text).title == title


def test_date_falls_back_to_mtime(write, root: Path) -> None:
    path = write("undated.md", "text")
    stamp = 1_700_000_000  # 2023-11-14 UTC
    os.utime(path, (stamp, stamp))
    note = read_note(path, root)
    assert note.date_source == "mtime"
    assert note.date == date.fromtimestamp(stamp)


def test_front_matter_date_wins_over_file_name(read) -> None:
    note = read("agenda-2025-08-07.md", "---\ndate: 2025-08-05\n---\ntext")
    assert (note.date, note.date_source) == (date(2025, 8, 5), "front_matter")


def test_datetime_and_slash_dates_in_front_matter(read) -> None:
    assert read("a.md", "---\ndate: 2025-09-12 10:30:00\n---\nx").date == date(
        2025, 9, 12
    )
    assert read("b.md", "---\ndate: 2025/09/12\n---\nx").date == date(2025, 9, 12)


def test_body_offset_points_at_body_line(read) -> None:
    text = "---\na: 1\nb: 2\n---\nfirst body line\n"
    note = read("o.md", text)
    assert isinstance(note, Note)
    assert text.split("\n")[note.body_offset - 1] == "first body line"
    assert read("p.md", "no fm\n").body_offset == 1
