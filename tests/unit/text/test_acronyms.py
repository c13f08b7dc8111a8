"""Acronyms read as the words they abbreviate in another text."""

from __future__ import annotations

import pytest

from coach.text import expand_acronyms


@pytest.mark.parametrize(("text", "other", "expected"), [
    ("QLA for the mocks", "Run a question-level analysis on the mocks", "question-level analysis for the mocks"),
    ("Try PBL next term", "Try project based learning with Year 9", "Try project based learning next term"),
    ("Ring the GP", "Go pick up the shopping", "Ring the GP"),  # "go" is no content word
    ("Email the ADR", "Email the ADR today", "Email the ADR"),  # the other text has the acronym itself
    ("Book the PE hall", "Book the sports hall", "Book the PE hall"),  # no run with those initials
])
def test_an_acronym_is_spelled_out_only_from_a_run_of_content_words(text: str, other: str, expected: str) -> None:
    assert expand_acronyms(text, other) == expected
