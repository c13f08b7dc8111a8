"""The answer's lead line counts sessions per person, not per spelling of a mentor's name."""

from __future__ import annotations

from types import SimpleNamespace

from coach.agent.extractive import lead_line, who
from coach.retrieval.results import Hit


def _hit(path: str, date: str, mentor: str, person: str | None) -> Hit:
    return Hit(source="notes", path=path, title=path, date=date, mentor=mentor, kind="session", role=None,
               heading="", text="", snippet="", matches=(), score=1.0, similarity=0.5, start_line=1,
               end_line=1, chunk_id=path, person=person)


def _quote(hit: Hit) -> SimpleNamespace:
    return SimpleNamespace(hit=hit)


def test_two_spellings_of_one_mentor_are_one_person_in_the_lead_line():
    hits = [_hit("a.md", "2025-01-21", "Dr Helen Okonkwo-Shaw", "Helen Okonkwo-Shaw"),
            _hit("b.md", "2025-10-14", "Helen O-S", "Helen Okonkwo-Shaw")]
    line = lead_line([_quote(h) for h in hits])
    assert line == "Your notes touch on this in 2 sessions with Helen Okonkwo-Shaw, most recently on 2025-10-14:"
    assert who(hits[1], None) == "Helen Okonkwo-Shaw"


def test_without_a_resolved_person_the_note_spelling_is_used():
    hit = _hit("a.md", "2025-01-21", "Kwame", None)
    assert "1 session with Kwame," in lead_line([_quote(hit)])


def _scored(path: str, score: float) -> Hit:
    return Hit(source="notes", path=path, title=path, date="2025-01-01", mentor="", kind="session", role=None,
               heading="", text="", snippet="", matches=(), score=score, similarity=0.5, start_line=1,
               end_line=1, chunk_id=path)


def test_only_hits_close_to_the_best_are_quoted():
    from coach.agent.extractive import RELATIVE_SCORE, pick

    hits = [_scored("best.md", 1.0), _scored("close.md", RELATIVE_SCORE + 0.01), _scored("weak.md", 0.7),
            _scored("weak-too.md", 0.6), _scored("close-but-fifth.md", 0.99)]
    assert [h.path for h in pick(hits)] == ["best.md", "close.md"]  # weak: out; past the fourth: out
    assert [h.path for h in pick([_scored("only.md", 0.1)])] == ["only.md"]
