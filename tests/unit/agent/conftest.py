"""Fixtures for the pure agent tests: Hits built by hand, no index."""

from __future__ import annotations

import pytest

from coach.retrieval.search import Hit


def make_hit(**fields) -> Hit:
    base = {
        "source": "notes", "path": "2025-09-12 session.md", "title": "Session with Ade", "date": "2025-09-12",
        "mentor": "Ade Okafor", "kind": "session", "role": None, "heading": "", "text": "Ade said: ask Priya first.",
        "snippet": "Ade said: ask Priya first.", "matches": (), "score": 1.0, "similarity": 0.5, "start_line": 1,
        "end_line": 4, "chunk_id": "c1",
    }
    base.update(fields)
    return Hit(**base)


def make_principle(title: str = "The GROW model", path: str = "grow-model.md", **fields) -> Hit:
    return make_hit(source="knowledge", path=path, title=title, date="", mentor=None, kind="principle",
                    text=f"{title}: Goal, Reality, Options, Way forward.", **fields)


@pytest.fixture
def sources() -> list[Hit]:
    return [
        make_hit(),
        make_hit(path="reflection - raise.md", title="Raise came through", date="2026-01-23", mentor=None,
                 kind="reflection", text="I asked for the raise. See https://levels.fyi/x for data."),
        make_principle(),
    ]
