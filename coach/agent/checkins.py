"""Reflect asks, rather than guesses: "Did you …? done / not yet / dropped" for each of the last session's
open commitments, and the answers recorded as marks with the reflection note as their evidence.

An answer is one of a few fixed choices, never free text read for its meaning: "haven't set it yet" or
"only a rough draft" is not a choice and is refused with the choices named, so nothing is marked done by a
guess. The questions go into the saved note inside `> [!coach]` callouts (coach's words, never read back as
the mentee's); the answers follow each as the mentee's own line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coach.agent.mark_evidence import Evidence, MarkChange, record_answers
from coach.agent.phrasing import quoted, short
from coach.errors import CoachError
from coach.notes.provenance import callout

MAX_CHECKINS = 5
DONE, NOT_YET, DROPPED = "done", "not_yet", "dropped"
CHOICES = (DONE, NOT_YET, DROPPED)
CHOICE_LABELS = {DONE: "done", NOT_YET: "not yet", DROPPED: "dropped"}
_WORDS = {"done": DONE, "d": DONE, "yes": DONE, "y": DONE,
          "not yet": NOT_YET, "not_yet": NOT_YET, "n": NOT_YET, "no": NOT_YET,
          "dropped": DROPPED, "drop": DROPPED, "x": DROPPED,
          "": None, "skip": None, "s": None, "-": None}
HEADING = "Since last time"
_LINES = {DONE: "Done.", NOT_YET: "Not yet.", DROPPED: "Dropped.", None: "(skipped)"}


@dataclass(frozen=True)
class CheckIn:
    """One open commitment from the last session, asked about by its id."""

    id: str
    text: str
    path: str
    date: date
    status: str
    """Its status before the answer: "open", or "maybe_done" (the notes hint it is done)."""

    @property
    def question(self) -> str:
        return f"Did you {quoted(short(self.text, 160))}? (from {self.path}, {self.date.isoformat()})"

    def to_json(self) -> dict:
        return {"id": self.id, "text": self.text, "path": self.path, "date": self.date.isoformat(),
                "status": self.status, "question": self.question}


def last_session_checkins(open_items: list, last_path: str | None) -> list[CheckIn]:
    """The mentee's own open commitments first written (or repeated) in the last session's note."""
    if last_path is None:
        return []
    found = [t for t in open_items if getattr(t, "owner", "me") == "me" and getattr(t, "id", "")
             and any(path == last_path for path, _ in (getattr(t, "mentions", ()) or ((t.path, t.line),)))]
    found.sort(key=lambda t: (t.path != last_path, t.line))
    return [CheckIn(t.id, t.text, t.path, t.date, t.status) for t in found[:MAX_CHECKINS]]


def read_choice(text: str | None) -> str | None:
    """The choice an answer names ("done", "not yet", "dropped", or empty / "skip" for none). Anything else
    is refused: free text is never read for what it might mean."""
    key = " ".join((text or "").replace("_", " ").split()).casefold().rstrip(".!")
    if key in _WORDS:
        return _WORDS[key]
    raise CoachError(f"Answer {quoted(short(text or '', 60))} is not one of the choices: done, not yet, dropped "
                     "(or skip). Say more in the reflection's answers; this one records only what happened.",
                     "Check-in answer")


def check_choices(checkins: list[CheckIn], choices: dict[str, str | None]) -> dict[str, str]:
    """The answered check-ins by id (an id or a unique prefix of one; unknown ids refused, skips left out)."""
    found = {}
    for ref, value in choices.items():
        choice = read_choice(value)
        if choice is not None:
            found[_resolve(checkins, ref)] = choice
    return found


def _resolve(checkins: list[CheckIn], ref: str) -> str:
    matches = [c.id for c in checkins if c.id == ref] or [c.id for c in checkins if len(ref) >= 4
                                                          and c.id.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    asked = ", ".join(f"{c.id} ({short(c.text, 40)})" for c in checkins) or "no commitments"
    raise CoachError(f"No single check-in has the id {ref!r}: this reflection asks about {asked}.", "Check-in answer")


def checkin_section(checkins: list[CheckIn], answered: dict[str, str]) -> str:
    """The note's section: each question in a coach callout, then the mentee's answer as their line."""
    if not checkins:
        return ""
    parts = [f"## {HEADING}\n"]
    for item in checkins:
        parts.append(f"{callout('coach asked', item.question)}\n\n{_LINES[answered.get(item.id)]}\n")
    return "\n".join(parts)


def answer_lines(text: str) -> list[int]:
    """1-based file lines of the answers in a saved check-in section, in the order of its questions."""
    found, inside = [], False
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("## "):
            inside = line == f"## {HEADING}"
        elif inside and line in _LINES.values():
            found.append(number)
    return found


def record(service, checkins: list[CheckIn], answered: dict[str, str], note_path: str, text: str
           ) -> list[MarkChange]:
    """Record each answer as a mark with the reflection note (and the answer's line in it) as evidence."""
    if not answered:
        return []
    lines = answer_lines(text)
    evidence = {item.id: Evidence(note_path, lines[index] if index < len(lines) else None,
                                  CHOICE_LABELS[answered[item.id]], service.today)
                for index, item in enumerate(checkins) if item.id in answered}
    return record_answers(service, {ref: answered[ref] for ref in evidence}, evidence)
