"""Suggested questions for a meeting: for each topic (a recurring theme, a commitment that is stuck), the
question closest in meaning from the principles library, each from a different principle file."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from coach import paths
from coach.agent.writer import Source, quoted
from coach.notes.commitments import parse_blocks
from coach.notes.model import Note
from coach.notes.reader import scan_folder

MIN_SUGGESTED, MAX_SUGGESTED = 3, 5
_QUESTIONS_HEADING = re.compile(r"\bquestions?\b|\bto ask\b|\bask (?:him|her|them)\b", re.IGNORECASE)
_QUOTE_CHARS = "\"'“”‘’ "
_PLACEHOLDER = re.compile(r"\b[XYZ]\b|\.\.\.|…")
# What an unfinished commitment is about, beyond its own words, when matching it to principles.
_STUCK = "a commitment I made and have not done yet"


@dataclass(frozen=True)
class Principle:
    note: Note
    questions: tuple[str, ...]


def load_principles() -> list[Principle]:
    """Principle files with the questions each suggests bringing to a mentor."""
    found = []
    for note in sorted(scan_folder(paths.knowledge_dir()).notes, key=lambda n: n.path):
        asked = [b.text.strip(_QUOTE_CHARS) for b in parse_blocks(note)
                 if b.kind == "item" and _QUESTIONS_HEADING.search(b.context)]
        # Template questions with a blank to fill ("what you said on X") cannot be asked as they are.
        questions = tuple(q for q in asked if q.endswith("?") and not _PLACEHOLDER.search(q))
        if questions:
            found.append(Principle(note, questions))
    return found


@dataclass(frozen=True)
class Topic:
    """Something worth a question: its words (for matching principles), how to introduce it, its notes."""

    query: str
    lead: str
    sources: tuple[Source, ...]


def theme_sources(theme, count: int = 3) -> tuple[Source, ...]:
    return tuple(Source(p, d.isoformat()) for p, d in list(zip(theme.notes, theme.dates))[-count:])


def topics(themes: list, stuck: list) -> list[Topic]:
    """Themes and stuck (but recent) commitments, interleaved so the suggestions cover both."""
    by_theme = [Topic(f"{t.label} {' '.join(t.terms)}", f"On {t.label} (in {len(t.notes)} notes since "
                      f"{t.first.isoformat()})", theme_sources(t, 2)) for t in themes]
    by_item = [Topic(f"{t.text}. {_STUCK}", f"About {quoted(t.text)} (open {t.age_days} days)",
                     (Source(t.path, t.date.isoformat()),)) for t in stuck[:2]]
    mixed = [topic for pair in zip(by_theme, by_item) for topic in pair]
    longest = by_theme if len(by_theme) > len(by_item) else by_item
    mixed += longest[min(len(by_theme), len(by_item)):]
    # Too little in the notes: fall back on preparing well in general (each from a different principle).
    mixed += [Topic("preparing for a mentor meeting questions to ask", "To open the meeting", ())] * (
        MIN_SUGGESTED - len(mixed))
    return mixed[:MAX_SUGGESTED]


def suggested(embed, topic_list: list[Topic]) -> list[tuple[str, tuple[Source, ...]]]:
    """(text, sources) per topic, each from a different principle: the one closest in meaning to the topic."""
    principles = load_principles()
    if not principles or not topic_list:
        return []
    texts = [f"{p.note.title}. {' '.join(p.note.tags)}. {p.note.body[:1200]}" for p in principles]
    doc_vectors = np.asarray(embed(texts))
    topic_vectors = np.asarray(embed([t.query for t in topic_list]))
    used: set[int] = set()
    found = []
    for topic, vector in zip(topic_list, topic_vectors):
        ranked = [i for i in np.argsort(-(doc_vectors @ vector), kind="stable") if int(i) not in used]
        chosen = principles[int(ranked[0])]
        used.add(int(ranked[0]))
        scores = np.asarray(embed(list(chosen.questions))) @ vector
        question = chosen.questions[int(np.argmax(scores))]
        found.append((f"{topic.lead}: {quoted(question)} — from {quoted(chosen.note.title)}",
                      topic.sources + (Source(chosen.note.path, None, "knowledge"),)))
    return found
