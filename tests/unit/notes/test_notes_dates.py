"""Dates from file names and front-matter values."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from coach.notes.dates import coerce_date, date_from_filename


@pytest.mark.parametrize(
    "name",
    [
        "2025-09-12 - call with Ade.md",
        "2025-09-12.md",
        "2025-09-12-session.md",
        "2025-09-12_x",
        "20250912-standup.md",
        "notes_2025-09-12.txt",
        "agenda-2025-09-12.md",
        "2025_09_12 notes.md",
    ],
)
def test_date_anywhere_in_file_name(name: str) -> None:
    assert date_from_filename(name) == date(2025, 9, 12)


@pytest.mark.parametrize(
    "name",
    [
        "agenda - jan session.md",
        "2025-02-30 session.md",
        "2025-13-01.md",
        "order 123456789.md",
        "v1.2.3.md",
    ],
)
def test_no_date_or_impossible_date_in_name(name: str) -> None:
    assert date_from_filename(name) is None


def test_later_valid_date_used_when_first_is_impossible() -> None:
    assert date_from_filename("2025-02-30 moved to 2025-03-02.md") == date(2025, 3, 2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2025, 9, 12), date(2025, 9, 12)),
        (datetime(2025, 9, 12, 14, 30), date(2025, 9, 12)),
        ("2025-09-12", date(2025, 9, 12)),
        ("2025/09/12", date(2025, 9, 12)),
        (" 2025-9-2 ", date(2025, 9, 2)),
        ("2025-09-12T10:00:00Z", date(2025, 9, 12)),
    ],
)
def test_coerce_date_accepts_dates(value: object, expected: date) -> None:
    assert coerce_date(value) == expected


@pytest.mark.parametrize(
    "value", ["next Tuesday", "2025-02-30", "", None, 20250912, True, ["2025-09-12"]]
)
def test_coerce_date_rejects_junk(value: object) -> None:
    assert coerce_date(value) is None


def test_a_first_line_that_is_only_a_date_dates_the_note() -> None:
    from coach.notes.dates import date_from_first_line

    assert date_from_first_line("Wed 21 May 2025\n\nParents' evening.") == date(2025, 5, 21)
    assert date_from_first_line("\n# 3 March 2026\nbody") == date(2026, 3, 3)
    assert date_from_first_line("March 3, 2026") == date(2026, 3, 3)
    assert date_from_first_line("K, 15 April, first week back") is None  # a header line, not a date
    assert date_from_first_line("Met on 21 May 2025 about hiring") is None
    assert date_from_first_line("31 February 2025") is None
