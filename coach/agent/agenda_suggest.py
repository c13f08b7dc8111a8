"""Suggested questions for a meeting: for each topic (a recurring theme, a commitment that is stuck), the
question closest in meaning from the principles library (coach.retrieval.principles), each from a different
principle file."""

from __future__ import annotations

from dataclasses import dataclass

from coach.agent.phrasing import quoted
from coach.agent.sources import Source
from coach.retrieval.principles import PrinciplesLibrary

MIN_SUGGESTED, MAX_SUGGESTED = 3, 5
# What an unfinished commitment is about, beyond its own words, when matching it to principles.
_STUCK = "a commitment I made and have not done yet"


@dataclass(frozen=True)
class Topic:
    """Something worth a question: its words (for matching principles), how to introduce it, its notes."""

    query: str
    lead: str
    sources: tuple[Source, ...]
    mentor: str | None = None
    """The mentor it belongs with (a commitment made with Kwame goes to Kwame), or None: the usual mentor."""


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


def suggested(library: PrinciplesLibrary, topic_list: list[Topic]) -> list[tuple[str, tuple[Source, ...]]]:
    """(text, sources) per topic, each from a different principle: the one closest in meaning to the topic."""
    found = []
    for topic, (principle, question) in zip(topic_list, library.match([t.query for t in topic_list])):
        found.append((f"{topic.lead}: {quoted(question)} — from {quoted(principle.title)}",
                      topic.sources + (Source(principle.path, None, "knowledge"),)))
    return found
