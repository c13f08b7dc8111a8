"""Kept commitments as then-and-now evidence: the commitment as the mentee wrote it, and the later sentence that
reported it done — both found verbatim in their files through the line the commitment tracker recorded."""

from __future__ import annotations

import re

from coach.agent.growth.statements import BULLET, Statement, heading_at, whole_sentence
from coach.notes.model import Note
from coach.text import sentence_spans, strip_markup

# How much of the tracker's (markup-free) evidence must match a sentence of the file to be that sentence.
EVIDENCE_PREFIX = 40
MAX_CONTINUATION_LINES = 3
_SENTENCE_END = re.compile(r"[.!?][\"”')]*\s*$")
_FIRST_END = re.compile(r"[.!?][\"”')]*(?=\s|$)")


def _plain(text: str) -> str:
    return " ".join(strip_markup(text).split()).casefold()


def _commitment_statement(item, note: Note) -> Statement | None:
    """The commitment's own line, as written (list marker and checkbox left out)."""
    lines = note.body.split("\n")
    if not 1 <= item.line <= len(lines):
        return None
    line = lines[item.line - 1]
    text = line[bullet.end():].strip() if (bullet := BULLET.match(line)) else line.strip()
    if not text or _plain(item.text)[:EVIDENCE_PREFIX // 2] not in _plain(text):
        return None
    text = _with_continuation(text, lines[item.line:])
    line_number = note.body_offset + item.line - 1
    return Statement(text, note.path, note.date, line_number, "intention", heading_at(note, line_number),
                     note.mentor)


def _with_continuation(text: str, following: list[str]) -> str:
    """The commitment up to the end of its sentence when it wraps onto the next line(s), kept verbatim
    (line breaks included) so the quote is still found in the file as written."""
    for line in following[:MAX_CONTINUATION_LINES]:
        if _SENTENCE_END.search(text) or not line.strip() or BULLET.match(line) or line.lstrip().startswith("#"):
            break
        end = _FIRST_END.search(line)
        text += "\n" + (line[: end.end()] if end else line.rstrip())
    return text


def _report(item, note: Note) -> Statement | None:
    """The sentence in the settling note that the tracker took as the report."""
    wanted = _plain(item.evidence or "")[:EVIDENCE_PREFIX]
    if not wanted:
        return None
    lines = note.body.split("\n")
    for index, line in enumerate(lines):
        text = line[bullet.end():] if (bullet := BULLET.match(line)) else line
        for start, end in sentence_spans(text):
            sentence = text[start:end].strip()
            if _plain(sentence).startswith(wanted) and whole_sentence(sentence):
                line_number = note.body_offset + index
                return Statement(sentence, note.path, note.date, line_number, "action",
                                 heading_at(note, line_number), note.mentor)
    return None


def kept_commitment_pairs(tracked: list, notes: list[Note]) -> list[tuple[Statement, Statement]]:
    """(commitment, report) for each of the mentee's commitments reported done on a later day."""
    by_path = {note.path: note for note in notes}
    pairs = []
    for item in tracked:
        if item.owner != "me" or item.status != "done" or item.status_path not in by_path or item.path not in by_path:
            continue
        then, now = _commitment_statement(item, by_path[item.path]), _report(item, by_path[item.status_path])
        if then is not None and now is not None and now.date > then.date:
            pairs.append((then, now))
    return pairs
