"""The next appropriate step: one to three things to take to the mentor, each resting on at least one
note and one principle file from the library (matched by meaning, like the agenda's suggestions)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.agent.agenda import load_principles
from coach.agent.writer import Source, first_name, quoted, short

MAX_STEPS = 3


@dataclass(frozen=True)
class Topic:
    """Something worth taking further: what it is about (for matching principles), how to say it, its notes."""

    query: str
    lead: str
    sources: tuple[Source, ...]


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


def open_topics(longest_open: list) -> list[Topic]:
    """Commitments open longest: the step may be finishing, shrinking or dropping one."""
    return [Topic(f"{t.text}. A commitment I made and have not done yet.",
                  f"{quoted(short(t.text, 90))} has been open {t.age_days} days",
                  (Source(t.path, t.date.isoformat()),)) for t, _ in longest_open]


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


def next_steps(embed, mentor: str | None, growth: list[Topic], stuck: list[Topic], themes: list[Topic],
               limit: int = MAX_STEPS) -> list[NextStep]:
    """Up to `limit` steps, each from a different principle: the one closest in meaning to the topic."""
    topics = [t for t in _interleave(growth, stuck, themes) if t.sources][:limit]
    principles = load_principles()
    if not topics or not principles:
        return []
    texts = [f"{p.note.title}. {' '.join(p.note.tags)}. {p.note.body[:1200]}" for p in principles]
    doc_vectors = np.asarray(embed(texts))
    topic_vectors = np.asarray(embed([t.query for t in topics]))
    who, used, steps = first_name(mentor) if mentor else "your mentor", set(), []
    for topic, vector in zip(topics, topic_vectors):
        ranked = [int(i) for i in np.argsort(-(doc_vectors @ vector), kind="stable") if int(i) not in used]
        chosen = principles[ranked[0]]
        used.add(ranked[0])
        scores = np.asarray(embed(list(chosen.questions))) @ vector
        question = chosen.questions[int(np.argmax(scores))]
        text = f"{topic.lead}. Something to take to {who}: {quoted(question)}"
        steps.append(NextStep(text, question, chosen.note.title,
                              topic.sources + (Source(chosen.note.path, None, "knowledge"),)))
    return steps
