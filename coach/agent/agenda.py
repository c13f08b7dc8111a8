"""`coach agenda`: the next meeting with one mentor, drafted from the notes — an agenda, not a backlog.

Ranked (at most ten items): what was agreed at the last session with this mentor, the mentee's drafted
questions, at most three long-running items, then a suggested question or two if there is room. The full
list (every open item of this mentor's, themes, more suggestions) stays one flag away (`--all`); items the
tracker thinks may be done are offered for confirmation, never listed as open."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from coach.agent.agenda_questions import agenda_note_questions, latest_agenda_note, written_questions
from coach.agent.agenda_rank import MAX_ITEMS, STALE_DAYS, Thread, fit, own_words, phrase, rank_commitments
from coach.agent.agenda_suggest import suggested, theme_sources, topics
from coach.agent.note_writer import GENERATOR, SavedNote, file_name, front_matter, write_new_note
from coach.agent.people import people_of, same_person
from coach.agent.session_notes import resolve_mentor, sessions
from coach.agent.sources import Source, note_source, with_roles
from coach.agent.themes import Theme, find_themes, themes_within
from coach.agent.tracking import tracked_commitments
from coach.notes.model import Note

__all__ = ["Agenda", "AgendaItem", "SECTIONS", "build_agenda", "save_agenda"]

SECTIONS = ("agreed", "questions", "long_running", "suggested", "more", "themes")
"""Ranked sections first; "more" and "themes" are only in the full list."""
MAX_THEMES = 5
MAX_SUGGESTED_RANKED = 2
# A theme still "in play" came up no earlier than this many sessions back with the mentor.
RECENT_SESSIONS = 3
_OWN_KINDS = ("reflection", "agenda")


@dataclass(frozen=True)
class AgendaItem:
    section: str
    text: str
    sources: tuple[Source, ...] = ()
    age_days: int | None = None
    commitment: str | None = None
    """The commitment's own words, for items that report back on one."""

    def to_json(self) -> dict:
        data: dict[str, object] = {"section": self.section, "text": self.text,
                                   "sources": [s.to_json() for s in self.sources]}
        data |= {"age_days": self.age_days} if self.age_days is not None else {}
        return data | ({"commitment": self.commitment} if self.commitment else {})


@dataclass
class Agenda:
    """A draft for the next meeting with one mentor; every item names the notes behind it."""

    mentor: str | None
    date: date
    since: Source | None = None
    """The last session with this mentor."""
    items: list[AgendaItem] = field(default_factory=list)
    """The ranked agenda: at most MAX_ITEMS."""
    role: str = "mentee"
    """The user's role with this person: "mentee", or "mentor" when the user mentors them."""
    more: list[AgendaItem] = field(default_factory=list)
    """The rest of the full list."""
    confirm: list[AgendaItem] = field(default_factory=list)
    """Items that may be done: to confirm, not to discuss."""

    def section(self, name: str) -> list[AgendaItem]:
        return [item for item in self.items if item.section == name]

    @property
    def full(self) -> list[AgendaItem]:
        return self.items + self.more

    def to_json(self, full: bool = False) -> dict:
        data = {"mentor": self.mentor, "date": self.date.isoformat(), "role": self.role,
                "last_session": self.since.to_json() if self.since else None,
                "items": [item.to_json() for item in self.items], "more_count": len(self.more),
                "confirm": [item.to_json() for item in self.confirm]}
        return data | ({"more": [item.to_json() for item in self.more]} if full else {})


# --------------------------------------------------------------------------- items


def _commitment_item(section: str, t, today: date) -> AgendaItem:
    return AgendaItem(section, phrase(t, today), (Source(t.path, t.date.isoformat()),), (today - t.date).days, t.text)


def _confirm_item(t) -> AgendaItem:
    cited = getattr(t, "cited", None) or getattr(t, "evidence", None)
    why = f" (“{cited}”)" if cited else ""
    ref = f" [id {t.id[:8]}]" if getattr(t, "id", "") else ""
    return AgendaItem("confirm", f"{t.text} — maybe done{why}: confirm?{ref}", (Source(t.path, t.date.isoformat()),),
                      None, t.text)


def _questions(notes: list[Note], thread: Thread, since: date | None, today: date) -> list[AgendaItem]:
    """The latest agenda note's questions; without one, questions for this mentor written since last time."""
    agenda_note = latest_agenda_note(notes, thread, since, today)
    if agenda_note is not None:
        return [AgendaItem("questions", q, (note_source(agenda_note),)) for q in agenda_note_questions(agenda_note, thread)]
    own = [n for n in notes if n.kind in _OWN_KINDS and (since is None or n.date > since) and n.date <= today
           and thread.note_people.get(n.path) in (None, thread.mentor)]
    found, seen = [], set()
    for note in sorted(own, key=lambda n: (n.date, n.path)):
        for text in written_questions(note, thread):
            if text.casefold() not in seen:
                seen.add(text.casefold())
                found.append(AgendaItem("questions", text, (note_source(note),)))
    return found


def _in_play(themes: list[Theme], past: list[Note]) -> list[Theme]:
    """Themes that came up within the last few sessions with this mentor: not yet resolved."""
    cutoff = past[-RECENT_SESSIONS].date if len(past) >= RECENT_SESSIONS else date.min
    return [t for t in themes if t.last >= cutoff][:MAX_THEMES]


def _theme_items(themes: list[Theme]) -> list[AgendaItem]:
    return [AgendaItem("themes", f"{t.label} — came up in {len(t.notes)} notes, {t.first.isoformat()} to "
                       f"{t.last.isoformat()}", theme_sources(t)) for t in themes]


# --------------------------------------------------------------------------- build


def _relationship(notes: list[Note], person: str | None) -> tuple[list[Note], str]:
    """The notes on this side of the relationship, and the user's role in it: with someone the user mentors
    (every note naming them has `role: mentor`) only those notes; otherwise the user's own notes as mentee."""
    theirs = [n for n in notes if person and n.mentor and same_person(person, n.mentor)]
    if theirs and all(n.role == "mentor" for n in theirs):
        return [n for n in notes if n.role == "mentor"], "mentor"
    return [n for n in notes if n.role != "mentor"], "mentee"


def _thread(everything: list[Note], wanted: str | None, today: date) -> tuple[Thread, list[Note], str]:
    own = [n for n in everything if n.role != "mentor"]
    # By default, the user's own mentor: a note where the user mentors someone names the mentee.
    spelled = resolve_mentor(everything if wanted else own, wanted, today, strict=True)
    people = people_of(everything)
    mentor = people.person_of(spelled)
    notes, role = _relationship(everything, mentor)
    thread = Thread(mentor, people, {n.path: people.note_person(n) for n in everything},
                    {n.path: n.date for n in everything})
    return thread, notes, role


def _sessions_with(thread: Thread, notes: list[Note], today: date) -> list[Note]:
    return [n for n in sessions(notes, today) if thread.mentor is None
            or same_person(thread.note_people.get(n.path), thread.mentor)]


def _since_last_session(thread: Thread, notes: list[Note], last: Note | None, tracked: list,
                        today: date) -> set[str]:
    """Where what was agreed last time is written: the last session's write-ups (a quick and a full one of
    the same meeting both count) and the mentee's own notes since. With no session yet, the latest note
    that holds a commitment."""
    if last is None:
        latest = max((t.date for t in tracked), default=None)
        return {t.path for t in tracked if t.date == latest}
    return {n.path for n in notes if n.date >= last.date
            and thread.note_people.get(n.path) in (None, thread.mentor) and n.date <= today}


def build_agenda(service, mentor: str | None = None) -> Agenda:
    """The draft agenda for the next meeting with this mentor (default: the latest session's mentor)."""
    everything, today = service.notes(), service.today
    thread, notes, role = _thread(everything, mentor, today)
    past = _sessions_with(thread, notes, today)
    last = past[-1] if past else None
    paths = {n.path for n in notes}
    tracked = [t for t in tracked_commitments(service, None, everything) if t.path in paths and t.date <= today]
    session_paths = _since_last_session(thread, notes, last, tracked, today)
    ranked = rank_commitments(tracked, thread, session_paths, last.date if last else None)
    agreed = [_commitment_item("agreed", t, today) for t in ranked.agreed]
    long_running = [_commitment_item("long_running", t, today) for t in ranked.long_running]
    questions = _questions(notes, thread, last.date if last else None, today)
    themes = _in_play(themes_within(find_themes(service, everything), paths), past)
    stuck = [t for t in ranked.long_running + ranked.rest if (today - t.date).days < STALE_DAYS]
    ideas = [AgendaItem("suggested", text, sources) for text, sources in
             suggested(service.principles, topics(themes, stuck))]
    (agreed, questions, long_running), overflow = fit([agreed, questions, long_running])
    room = min(MAX_SUGGESTED_RANKED, MAX_ITEMS - len(agreed) - len(questions) - len(long_running))
    agenda = Agenda(thread.mentor, today, note_source(last) if last else None, role=role)
    agenda.items = agreed + questions + long_running + ideas[:room]
    agenda.more = overflow + [_commitment_item("more", t, today) for t in ranked.rest] + ideas[room:] \
        + _theme_items(themes)
    agenda.confirm = [_confirm_item(t) for t in ranked.confirm]
    roles = {n.path: n.role for n in everything if n.role in ("reverse", "mentor")}
    label = lambda items: [replace(i, sources=with_roles(i.sources, roles)) for i in items]  # noqa: E731
    agenda.items, agenda.more, agenda.confirm = label(agenda.items), label(agenda.more), label(agenda.confirm)
    return agenda


# --------------------------------------------------------------------------- save

_HEADINGS = {"agreed": "From the last session", "questions": "My questions", "long_running": "Carried over",
             "suggested": "Questions to ask", "more": "Also on the list", "themes": "Recurring themes"}
_ROLE_NOTES = {"reverse": "reverse mentoring", "mentor": "you mentor"}


def _line(item: AgendaItem) -> str:
    where = ", ".join(f"{s.path}" + (f" ({s.date})" if s.date else "") + (f" [{_ROLE_NOTES[s.role]}]" if s.role else "")
                      for s in item.sources)
    return f"- {own_words(item.text, item.commitment)}" + (f"  \n  _from {where}_" if where else "")


def agenda_text(agenda: Agenda) -> str:
    """The agenda as a Markdown note. Headings avoid words ("actions", "done", "agreed") that would make
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
        lines = [_line(item) for item in agenda.items if item.section == section]
        if lines:
            parts.append(f"## {_HEADINGS[section]}\n\n" + "\n".join(lines))
    if len(parts) == 1:
        parts.append("> Nothing found in the notes.")
    return "\n\n".join(parts) + "\n"


def save_agenda(service, agenda: Agenda, *, index: bool = True) -> SavedNote:
    """Write the agenda as a new note and (unless `index=False`) index it at once."""
    name = file_name(agenda.date, "agenda", agenda.mentor or "next meeting")
    return SavedNote(write_new_note(service, name, agenda_text(agenda), index=index), "agenda")
