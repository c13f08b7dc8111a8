"""What the mentor saw: the mentor's own words of recognition or challenge, quoted verbatim with the date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from coach.agent.writer import first_name, is_generated
from coach.notes.model import Note

MAX_WORDS = 12
_QUOTE = re.compile(r'"([^"\n]{8,400})"|“([^”\n]{8,400})”')
_YOU = re.compile(r"\b(?:you|your|you're|you've|yours|yourself)\b", re.IGNORECASE)
_RECOGNITION = re.compile(
    r"\b(?:passed|better at|good at|great|proud|yours|notice that|ready|grown|strong|enjoying|confiden\w*|"
    r"capable|well done|nailed|impressive|natural|trust|right|you did|you've (?:got|done|come)|need me less|"
    r"leadership)\b",
    re.IGNORECASE,
)
# A request ("could you …") or someone speaking of themselves ("I should've …") is not the mentor's view of you.
_NOT_ABOUT_YOU = re.compile(r"\b(?:could|can|would|will) you\b|^I\b", re.IGNORECASE)
_SPEAKER = re.compile(r"\b([A-Z][a-z]+)\s+(?:said|says|told|asked|added|replied|put it)\b")
_PRONOUN_SPEAKS = re.compile(r"\b(?:he|she|they)\s+(?:\w+\s+)?(?:said|says|told|asked|added|pointed out|replied)\b",
                             re.IGNORECASE)


@dataclass(frozen=True)
class MentorWords:
    quote: str
    kind: str
    """"recognition" or "challenge"."""
    mentor: str
    path: str
    date: date
    line: int
    role: str | None = None

    def to_json(self) -> dict:
        return {"quote": self.quote, "kind": self.kind, "mentor": self.mentor, "path": self.path,
                "date": self.date.isoformat(), "line": self.line, "role": self.role or "mentee"}


def _heading(line: str) -> str | None:
    match = re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
    return match.group(1) if match else None


def _by_mentor(line: str, heading: str, name: str) -> bool:
    """The line's quotes are the mentor's: it names the mentor; or, naming no other speaker, it says
    'he said' or sits under a heading that names the mentor ('What Ade said')."""
    if re.search(rf"\b{re.escape(name)}\b", line):
        return True
    if any(m.group(1) != name for m in _SPEAKER.finditer(line)):
        return False
    return bool(_PRONOUN_SPEAKS.search(line)) or bool(re.search(rf"\b{re.escape(name)}\b", heading))


def note_mentor_words(note: Note) -> list[MentorWords]:
    """The mentor's quoted words addressed to the mentee ("you …") in one note."""
    if not note.mentor or is_generated(note) or note.role == "mentor":
        return []
    name, heading, found = first_name(note.mentor), "", []
    for index, line in enumerate(note.body.split("\n")):
        heading = _heading(line) or heading
        if not _by_mentor(line, heading, name):
            continue
        for match in _QUOTE.finditer(line):
            quote = (match.group(1) or match.group(2)).strip()
            if _YOU.search(quote) and not _NOT_ABOUT_YOU.search(quote) and len(quote.split()) >= 3:
                kind = "recognition" if _RECOGNITION.search(quote) else "challenge"
                found.append(MentorWords(quote, kind, note.mentor, note.path, note.date,
                                         note.body_offset + index, note.role))
    return found


def mentor_words(notes: list[Note], since: date | None = None, limit: int = MAX_WORDS) -> list[MentorWords]:
    """Recognition first, then challenge; newest first within each; at most `limit`."""
    found = [w for note in notes if since is None or note.date >= since for w in note_mentor_words(note)]
    found.sort(key=lambda w: (w.kind != "recognition", -w.date.toordinal(), w.line))
    return found[:limit]
