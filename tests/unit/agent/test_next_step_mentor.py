"""A growth next step about a commitment goes to the mentor it was made with, never to the other one."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from coach.agent.growth.next_step import next_steps, open_topics


class FakeLibrary:
    """The principles library: one principle and question per topic, in order."""

    def match(self, queries):
        return [(SimpleNamespace(title=f"P{i}", path=f"p{i}.md"), f"Question {i}?") for i, _ in enumerate(queries)]


def _open(text: str, mentor: str | None):
    return (SimpleNamespace(text=text, age_days=400, path="n.md", date=date(2025, 1, 8), mentor=mentor), "")


def test_a_commitment_goes_to_the_mentor_of_its_note_else_the_usual_one():
    mentors = {"kwame": "Kwame Asante", "Kwame Asante": "Kwame Asante"}
    topics = open_topics([_open("Watch Kwame teach his Year 10 set", "kwame"), _open("Ring a parent", None),
                          _open("Script his instructions", "Josh")], mentors.get)
    steps = next_steps(FakeLibrary(), "Helen Okonkwo-Shaw", [], topics, [])
    assert [s.text.split(": ")[0].rsplit(" ", 1)[-1] for s in steps] == ["Kwame", "Helen", "Helen"]
    assert "Something to take to Kwame" in steps[0].text and "Helen" not in steps[0].text
