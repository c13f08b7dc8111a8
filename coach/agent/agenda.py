"""`coach agenda`: the next meeting drafted from the notes — commitments, open questions, themes, suggestions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np

from coach import paths
from coach.agent.embed_cache import cached_embed
from coach.agent.themes import Theme, find_themes, themes_within
from coach.agent.tracking import tracked_actions
from coach.agent.writer import (
    GENERATOR,
    SavedNote,
    Source,
    file_name,
    first_name,
    front_matter,
    is_generated,
    last_session,
    mentor_matches,
    note_source,
    quoted,
    resolve_mentor,
    sessions,
    short,
    with_roles,
    write_new_note,
)
from coach.notes.commitments import mask_quotes, parse_blocks, sentences
from coach.notes.model import Note
from coach.notes.reader import scan_folder

SECTIONS = ("commitments", "questions", "themes", "suggested")
MAX_THEMES = 5
MIN_SUGGESTED, MAX_SUGGESTED = 3, 5
# A theme still "in play" came up no earlier than this many sessions back with the mentor.
RECENT_SESSIONS = 3
_QUESTIONS_HEADING = re.compile(r"\bquestions?\b|\bto ask\b|\bask (?:him|her|them)\b", re.IGNORECASE)
# Notes the mentee writes alone (a session note's questions are often the mentor's).
_OWN_KINDS = ("reflection", "agenda")
_QUOTE_CHARS = "\"'“”‘’ "
_PLACEHOLDER = re.compile(r"\b[XYZ]\b|\.\.\.|…")
# What an unfinished commitment is about, beyond its own words, when matching it to principles.
_STUCK = "a commitment I made and have not done yet"


@dataclass(frozen=True)
class AgendaItem:
    section: str
    text: str
    sources: tuple[Source, ...] = ()
    age_days: int | None = None

    def to_json(self) -> dict:
        data = {"section": self.section, "text": self.text, "sources": [s.to_json() for s in self.sources]}
        return data | ({"age_days": self.age_days} if self.age_days is not None else {})


@dataclass
class Agenda:
    """A draft for the next meeting with one mentor; every item names the notes behind it."""

    mentor: str | None
    date: date
    since: Source | None = None
    """The last session with this mentor: the mentee's questions are collected from there on."""
    items: list[AgendaItem] = field(default_factory=list)
    role: str = "mentee"
    """The user's role with this person: "mentee", or "mentor" when the user mentors them."""

    def section(self, name: str) -> list[AgendaItem]:
        return [item for item in self.items if item.section == name]

    def to_json(self) -> dict:
        return {"mentor": self.mentor, "date": self.date.isoformat(),
                "last_session": self.since.to_json() if self.since else None,
                "items": [item.to_json() for item in self.items], "role": self.role}


# --------------------------------------------------------------------------- sections


def _commitment_items(open_items: list) -> list[AgendaItem]:
    """Every open commitment, newest first: what the mentor will ask about first."""
    ordered = sorted(open_items, key=lambda t: (t.date, -t.line), reverse=True)
    return [AgendaItem("commitments", f"{t.text} — open {t.age_days} days" + ("" if t.owner == "me" else f" ({t.owner})"),
                       (Source(t.path, t.date.isoformat()),), t.age_days) for t in ordered]


def _asks_mentor(mentor: str | None) -> re.Pattern[str] | None:
    """'ask Ade …' / 'bring this to Ade': something the mentee means to raise, though not a question."""
    if not mentor:
        return None
    name = re.escape(first_name(mentor))
    return re.compile(rf"\b(?:ask|asking|bring|bringing|raise|raising)\b[^.?!]{{0,30}}\b{name}\b", re.IGNORECASE)


def _note_questions(note: Note, asks: re.Pattern[str] | None) -> list[str]:
    """Questions the mentee wrote: any '?' sentence in a reflection or their own agenda, or under a
    Questions heading in a session note; plus 'ask <mentor> …' intentions."""
    found = []
    for block in parse_blocks(note):
        if block.kind == "heading":
            continue
        anywhere = note.kind in _OWN_KINDS or bool(_QUESTIONS_HEADING.search(block.context))
        for start, end in sentences(block.text):
            sentence = block.text[start:end].strip()
            own = mask_quotes(sentence).rstrip().endswith("?")  # a quoted question is someone else's
            if (own and anywhere) or (asks and note.kind in _OWN_KINDS and asks.search(sentence)):
                found.append(short(sentence, 240))
    return found


def _question_items(notes: list[Note], mentor: str | None, since: date | None, today: date) -> list[AgendaItem]:
    """Questions from the user's notes written since the last session with this mentor (coach's own
    reflections included: their prompts are quotes, which the parser skips)."""
    start = since or date.min
    recent = [n for n in notes if start <= n.date <= today and not (is_generated(n) and n.kind == "agenda")
              and (mentor_matches(mentor, n.mentor) or (n.mentor is None and n.kind in _OWN_KINDS))]
    asks, items, seen = _asks_mentor(mentor), [], set()
    for note in sorted(recent, key=lambda n: (n.date, n.path)):
        for text in _note_questions(note, asks):
            if text.casefold() not in seen:
                seen.add(text.casefold())
                items.append(AgendaItem("questions", text, (note_source(note),)))
    return items


def _in_play(themes: list[Theme], notes: list[Note], mentor: str | None, today: date) -> list[Theme]:
    """Themes that came up within the last few sessions with this mentor: not yet resolved."""
    past = [n for n in sessions(notes, today) if mentor_matches(mentor, n.mentor)]
    cutoff = past[-RECENT_SESSIONS].date if len(past) >= RECENT_SESSIONS else date.min
    return [t for t in themes if t.last >= cutoff][:MAX_THEMES]


def _theme_sources(theme: Theme, count: int = 3) -> tuple[Source, ...]:
    return tuple(Source(p, d.isoformat()) for p, d in list(zip(theme.notes, theme.dates))[-count:])


def _theme_items(themes: list[Theme]) -> list[AgendaItem]:
    return [AgendaItem("themes", f"{t.label} — came up in {len(t.notes)} notes, {t.first.isoformat()} to "
                       f"{t.last.isoformat()}", _theme_sources(t)) for t in themes]


# --------------------------------------------------------------------------- suggestions


@dataclass(frozen=True)
class _Principle:
    note: Note
    questions: tuple[str, ...]


def load_principles() -> list[_Principle]:
    """Principle files with the questions each suggests bringing to a mentor."""
    found = []
    for note in sorted(scan_folder(paths.knowledge_dir()).notes, key=lambda n: n.path):
        asked = [b.text.strip(_QUOTE_CHARS) for b in parse_blocks(note)
                 if b.kind == "item" and _QUESTIONS_HEADING.search(b.context)]
        # Template questions with a blank to fill ("what you said on X") cannot be asked as they are.
        questions = tuple(q for q in asked if q.endswith("?") and not _PLACEHOLDER.search(q))
        if questions:
            found.append(_Principle(note, questions))
    return found


@dataclass(frozen=True)
class _Topic:
    """Something worth a question: its words (for matching principles), how to introduce it, its notes."""

    query: str
    lead: str
    sources: tuple[Source, ...]


def _topics(themes: list[Theme], open_items: list, last: Note | None) -> list[_Topic]:
    """Themes and stuck commitments, interleaved so the suggestions cover both."""
    by_theme = [_Topic(f"{t.label} {' '.join(t.terms)}", f"On {t.label} (in {len(t.notes)} notes since "
                       f"{t.first.isoformat()})", _theme_sources(t, 2)) for t in themes]
    stale = sorted((t for t in open_items if last is None or t.path != last.path), key=lambda t: (t.date, t.line))
    by_item = [_Topic(f"{t.text}. {_STUCK}", f"About {quoted(t.text)} (open {t.age_days} days)",
                      (Source(t.path, t.date.isoformat()),)) for t in stale[:2]]
    mixed = [topic for pair in zip(by_theme, by_item) for topic in pair]
    longest = by_theme if len(by_theme) > len(by_item) else by_item
    mixed += longest[min(len(by_theme), len(by_item)):]
    # Too little in the notes: fall back on preparing well in general (each from a different principle).
    mixed += [_Topic("preparing for a mentor meeting questions to ask", "To open the meeting", ())] * (
        MIN_SUGGESTED - len(mixed))
    return mixed[:MAX_SUGGESTED]


def _suggested_items(service, topics: list[_Topic]) -> list[AgendaItem]:
    """One question per topic, each from a different principle: the one closest in meaning to the topic."""
    principles = load_principles()
    if not principles or not topics:
        return []
    embed = cached_embed(service)
    texts = [f"{p.note.title}. {' '.join(p.note.tags)}. {p.note.body[:1200]}" for p in principles]
    doc_vectors = np.asarray(embed(texts))
    topic_vectors = np.asarray(embed([t.query for t in topics]))
    used: set[int] = set()
    items = []
    for topic, vector in zip(topics, topic_vectors):
        ranked = [i for i in np.argsort(-(doc_vectors @ vector), kind="stable") if int(i) not in used]
        chosen = principles[int(ranked[0])]
        used.add(int(ranked[0]))
        question = _closest(chosen.questions, vector, embed)
        source = Source(chosen.note.path, None, "knowledge")
        items.append(AgendaItem("suggested", f"{topic.lead}: {quoted(question)} — from {quoted(chosen.note.title)}",
                                topic.sources + (source,)))
    return items


def _closest(questions: tuple[str, ...], vector: np.ndarray, embed) -> str:
    scores = np.asarray(embed(list(questions))) @ vector
    return questions[int(np.argmax(scores))]


# --------------------------------------------------------------------------- build and save


def _own(notes: list[Note]) -> list[Note]:
    """The user's notes as mentee (reverse-mentoring sessions included)."""
    return [n for n in notes if n.role != "mentor"]


def _relationship(notes: list[Note], person: str | None) -> tuple[list[Note], str]:
    """The notes on this side of the relationship, and the user's role in it: with someone the user mentors
    (every note naming them has `role: mentor`) only those notes; otherwise the user's own notes as mentee."""
    theirs = [n for n in notes if person and n.mentor and mentor_matches(person, n.mentor)]
    if theirs and all(n.role == "mentor" for n in theirs):
        return [n for n in notes if n.role == "mentor"], "mentor"
    return _own(notes), "mentee"


def build_agenda(service, mentor: str | None = None) -> Agenda:
    """The draft agenda for the next meeting with this mentor (default: the latest session's mentor)."""
    everything, today = service.notes(), service.today
    # By default, the user's own mentor: a note where the user mentors someone names the mentee.
    mentor = resolve_mentor(everything if mentor else _own(everything), mentor, today, strict=True)
    notes, role = _relationship(everything, mentor)
    paths = {n.path for n in notes}
    last = last_session(notes, mentor, today)
    open_items = [t for t in tracked_actions(service, "open", everything) if t.path in paths
                  and (t.mentor is None or mentor_matches(mentor, t.mentor))]
    themes = _in_play(themes_within(find_themes(service, everything), paths), notes, mentor, today)
    agenda = Agenda(mentor, today, note_source(last) if last else None, role=role)
    agenda.items += _commitment_items(open_items)
    agenda.items += _question_items(notes, mentor, last.date if last else None, today)
    agenda.items += _theme_items(themes)
    agenda.items += _suggested_items(service, _topics(themes, open_items, last))
    roles = {n.path: n.role for n in everything if n.role in ("reverse", "mentor")}
    agenda.items = [replace(item, sources=with_roles(item.sources, roles)) for item in agenda.items]
    return agenda


_HEADINGS = {"commitments": "Report back on", "questions": "Questions from my notes since last time",
             "themes": "Recurring themes", "suggested": "Questions to ask"}


_ROLE_NOTES = {"reverse": "reverse mentoring", "mentor": "you mentor"}


def _line(item: AgendaItem) -> str:
    where = ", ".join(f"{s.path}" + (f" ({s.date})" if s.date else "") + (f" [{_ROLE_NOTES[s.role]}]" if s.role else "")
                      for s in item.sources)
    return f"- {item.text}" + (f"  \n  _from {where}_" if where else "")


def agenda_text(agenda: Agenda) -> str:
    """The agenda as a Markdown note. Headings avoid words ("actions", "done") that would make
    coach read the lines back as new commitments or progress reports."""
    title = f"Agenda for the next meeting with {agenda.mentor}" if agenda.mentor else "Agenda for the next meeting"
    if agenda.role == "mentor":
        title += " (you are the mentor)"
    # An agenda with someone the user mentors is on that side of the relationship too.
    role = "mentor" if agenda.role == "mentor" else None
    head = front_matter({"date": agenda.date, "mentor": agenda.mentor, "kind": "agenda", "title": title,
                         "role": role, "created_by": GENERATOR})
    parts = [f"{head}\n# {title}\n"]
    for section in SECTIONS:
        lines = [_line(item) for item in agenda.section(section)]
        parts.append(f"## {_HEADINGS[section]}\n\n" + ("\n".join(lines) if lines else "> Nothing found in the notes."))
    return "\n\n".join(parts) + "\n"


def save_agenda(service, agenda: Agenda) -> SavedNote:
    """Write the agenda as a new note and index it at once."""
    name = file_name(agenda.date, "agenda", agenda.mentor or "next meeting")
    return SavedNote(write_new_note(service, name, agenda_text(agenda)), "agenda")
