"""The next appropriate step: one to three things to take to the mentor, each resting on at least one
note and one principle file from the principles library (matched by meaning, as the agenda's suggestions are)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coach.agent.agenda_suggest import Topic
from coach.agent.people import first_name
from coach.agent.phrasing import quoted, short
from coach.agent.sources import Source
from coach.retrieval.principles import PrinciplesLibrary

MAX_STEPS = 3


@dataclass(frozen=True)
class NextStep:
    text: str
    question: str
    principle: str
    """The principle's title."""
    sources: tuple[Source, ...]

    def to_json(self) -> dict:
        return {"text": self.text, "question": self.question, "principle": self.principle,
                "sources": [s.to_json() for s in self.sources]}


def open_topics(longest_open: list, mentor_of: Callable[[str | None], str | None] = lambda _: None) -> list[Topic]:
    """Commitments open longest: the step may be finishing, shrinking or dropping one. `mentor_of` names the
    mentor a commitment's note is with (None for your own notes, or someone who is not your mentor), so a
    commitment made to one mentor is never framed as something to take to the other."""
    return [Topic(f"{t.text}. A commitment I made and have not done yet.",
                  f"{quoted(short(t.text, 90))} has been open {t.age_days} days",
                  (Source(t.path, t.date.isoformat()),), mentor_of(t.mentor)) for t, _ in longest_open]


def theme_topics(themes: list, moved: set[str]) -> list[Topic]:
    """Recurring themes the notes show no movement on yet: still unresolved."""
    still = [t for t in themes if t.label not in moved]
    return [Topic(f"{t.label} {' '.join(t.terms)}", f"{t.label} keeps coming up ({len(t.notes)} notes, "
                  f"{t.first.isoformat()} to {t.last.isoformat()})",
                  tuple(Source(p, d.isoformat()) for p, d in list(zip(t.notes, t.dates))[-2:])) for t in still]


def growth_topics(pairs: list) -> list[Topic]:
    """Where the mentee has moved furthest: the next step builds on it."""
    return [Topic(f"{p.theme} next step growing confidence", f"On {p.theme} you went from {p.then.stance} "
                  f"({p.then.date.isoformat()}) to {p.now.stance} ({p.now.date.isoformat()})",
                  (Source(p.now.path, p.now.date.isoformat()),)) for p in pairs[:1]]


def _interleave(*groups: list[Topic]) -> list[Topic]:
    mixed = []
    for index in range(max((len(g) for g in groups), default=0)):
        mixed += [g[index] for g in groups if index < len(g)]
    return mixed


def next_steps(library: PrinciplesLibrary, mentor: str | None, growth: list[Topic], stuck: list[Topic],
               themes: list[Topic], limit: int = MAX_STEPS) -> list[NextStep]:
    """Up to `limit` steps, each from a different principle: the one closest in meaning to the topic."""
    topics = [t for t in _interleave(growth, stuck, themes) if t.sources][:limit]
    def who(topic: Topic) -> str:
        name = topic.mentor or mentor
        return first_name(name) if name else "your mentor"

    return [NextStep(f"{topic.lead}. Something to take to {who(topic)}: {quoted(question)}", question, principle.title,
                     topic.sources + (Source(principle.path, None, "knowledge"),))
            for topic, (principle, question) in zip(topics, library.match([t.query for t in topics]))]
