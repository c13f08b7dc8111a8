"""What the mentor saw: the mentor's own words of recognition or challenge, quoted verbatim with the date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from coach.agent.growth.statements import BULLET
from coach.agent.writer import first_name, is_generated
from coach.notes.model import Note
from coach.text import mask_quotes, read_blocks, sentence_spans

MAX_WORDS = 12
_QUOTE = re.compile(r'"([^"\n]{8,400})"|“([^”\n]{8,400})”')
_YOU = re.compile(r"\b(?:you|your|you're|you've|yours|yourself)\b", re.IGNORECASE)
_RECOGNITION = re.compile(
    r"\b(?:passed|better at|good at|great|proud|yours|notice that|ready|grown|strong|enjoying|confiden\w*|"
    r"capable|well done|nailed|impressive|natural|trust|right|you did|you've (?:got|done|come)|need me less|"
    r"leadership|wasn't nervous|not nervous|notice that|unprompted)\b",
    re.IGNORECASE,
)
# A request ("could you …") or someone speaking of themselves ("I should've …") is not the mentor's view of you.
_NOT_ABOUT_YOU = re.compile(r"\b(?:could|can|would|will) you\b|^I\b", re.IGNORECASE)
_REPORTING = r"(?:said|says|pointed out|noticed|told me|reminded me|observed|thinks|thought)"
_ABOUT_ME = re.compile(r"\b(?:I|I'm|I'd|I've|I was|me|my)\b")
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


def _headings(note: Note) -> dict[int, str]:
    """The heading each file line of a note sits under (lines outside any block are left out)."""
    blocks = read_blocks(note.body, note.body_offset, front_matter=False)
    return {line: block.heading for block in blocks for line in range(block.start, block.end + 1)}


def _by_mentor(line: str, heading: str, name: str) -> bool:
    """The line's quotes are the mentor's: it names the mentor; or, naming no other speaker, it says
    'he said' or sits under a heading that names the mentor ('What Ade said')."""
    if re.search(rf"\b{re.escape(name)}\b", line):
        return True
    if any(m.group(1) != name for m in _SPEAKER.finditer(line)):
        return False
    return bool(_PRONOUN_SPEAKS.search(line)) or bool(re.search(rf"\b{re.escape(name)}\b", heading))


def note_mentor_words(note: Note) -> list[MentorWords]:
    """The mentor's words to the mentee in one note: quoted ("you …"), or reported recognition."""
    if not note.mentor or is_generated(note) or note.role == "mentor":
        return []
    name, heading, found = first_name(note.mentor), "", []
    headings = _headings(note)
    for index, line in enumerate(note.body.split("\n")):
        heading = headings.get(note.body_offset + index, heading)
        if not _by_mentor(line, heading, name):
            continue
        quoted = _quoted(line)
        quotes = quoted + [r for r in _reported(line, name) if not any(q in r for q in quoted)]
        found += [MentorWords(q, "recognition" if _RECOGNITION.search(q) else "challenge", note.mentor, note.path,
                              note.date, note.body_offset + index, note.role) for q in quotes]
    return found


def _quoted(line: str) -> list[str]:
    """Quoted words addressed to the mentee ("you …")."""
    found = []
    for match in _QUOTE.finditer(line):
        quote = (match.group(1) or match.group(2)).strip()
        if _YOU.search(quote) and not _NOT_ABOUT_YOU.search(quote) and len(quote.split()) >= 3:
            found.append(quote)
    return found


def _reported(line: str, name: str) -> list[str]:
    """Whole sentences reporting what the mentor saw in the mentee ("He pointed out that I wasn't nervous")."""
    text = BULLET.sub("", line)
    said = re.compile(rf"\b(?:[Hh]e|[Ss]he|[Tt]hey|{re.escape(name)})\s+(?:\w+\s+){{0,2}}?{_REPORTING}\b")
    found = []
    for start, end in sentence_spans(text):
        sentence = text[start:end].strip()
        match = said.search(mask_quotes(sentence))
        if match and _ABOUT_ME.search(mask_quotes(sentence)[match.end():]) and _RECOGNITION.search(sentence):
            found.append(sentence)
    return found


def mentor_words(notes: list[Note], since: date | None = None, limit: int = MAX_WORDS) -> list[MentorWords]:
    """Recognition first, then challenge; newest first within each; at most `limit`."""
    found = [w for note in notes if since is None or note.date >= since for w in note_mentor_words(note)]
    found.sort(key=lambda w: (w.kind != "recognition", -w.date.toordinal(), w.line))
    return found[:limit]
