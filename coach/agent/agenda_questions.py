"""The mentee's drafted questions for the next meeting with one mentor.

First choice: their latest agenda note for that mentor written since the last session (a note of kind
`agenda`, or one titled as questions / things to raise) — each of its list items, and every question in
its paragraphs. Without one, questions they wrote since the last session that are meant for this mentor:
under a "Questions" heading, or naming them ("ask Kwame whether …"). Never a question meant for someone
else ("Ask Sue whether …"), and never coach's own text."""

from __future__ import annotations

import re
from datetime import date

from coach.agent.agenda_rank import Thread
from coach.agent.phrasing import short
from coach.notes.model import Note
from coach.notes.provenance import is_coach_written
from coach.text import Block, mask_quotes, read_blocks, sentence_spans

_AGENDA_TITLE = re.compile(
    r"\bagenda\b|\bquestions?\s+(?:for|to ask)\b|\bto ask\b|\bthings to (?:raise|ask|bring|discuss)\b|"
    r"\bto raise\b|\bprep(?:aration)?\s+for\b",
    re.IGNORECASE,
)
_QUESTIONS_HEADING = re.compile(r"\bquestions?\b|\bto ask\b|\bto raise\b", re.IGNORECASE)
# "Ask Sue whether …", "Check with Gemma …": a question for someone other than the mentor.
_FOR_SOMEONE = re.compile(r"^\W*(?i:ask|check with|email|message|tell|ring|call)\s+(?:Mr|Mrs|Ms|Dr|Miss)?\.?\s*([A-Z]\w+)")
MAX_QUESTION_CHARS = 240


def is_agenda_note(note: Note) -> bool:
    """A note the mentee wrote to prepare a meeting."""
    return not is_coach_written(note) and (note.kind == "agenda" or (
        note.kind != "session" and bool(_AGENDA_TITLE.search(note.title))))


def _for_this_mentor(note: Note, thread: Thread) -> bool:
    person = thread.note_people.get(note.path) or thread.people.note_person(note)
    if thread.mentor is None:
        return True
    if person is not None:
        return person == thread.mentor or thread.mentor in thread.people.named_in(note.title)
    return thread.mentor in thread.people.named_in(note.title) or len(thread.people.mentors) <= 1


def latest_agenda_note(notes: list[Note], thread: Thread, since: date | None, today: date) -> Note | None:
    """The mentee's latest agenda note for this mentor, written after the last session and by today."""
    found = [n for n in notes if is_agenda_note(n) and (since is None or n.date > since) and n.date <= today
             and _for_this_mentor(n, thread)]
    return max(found, key=lambda n: (n.date, n.path)) if found else None


def for_someone_else(text: str, thread: Thread) -> bool:
    """An item addressed to another person ("Ask Sue whether the TLR continues")."""
    match = _FOR_SOMEONE.match(text)
    if not match or match.group(1).lower() in ("him", "her", "them"):
        return False
    named = thread.people.named_in(match.group(1))
    return not (thread.mentor and named and named[0] == thread.mentor)


_ITEMS, _PARAGRAPHS = ("list_item", "checkbox"), ("paragraph", "label")


def _blocks(note: Note) -> list[Block]:
    return read_blocks(note.body, note.body_offset, front_matter=False)


def agenda_note_questions(note: Note, thread: Thread) -> list[str]:
    """Every list item of the agenda note, and every question in its paragraphs."""
    found = []
    for block in _blocks(note):
        if block.kind in _ITEMS:
            texts = [block.text]
        elif block.kind in _PARAGRAPHS:
            texts = [block.text[s:e].strip() for s, e in sentence_spans(block.text)]
            texts = [t for t in texts if mask_quotes(t).rstrip().endswith("?")]
        else:
            continue
        found += [short(t, MAX_QUESTION_CHARS) for t in texts if t and not for_someone_else(t, thread)]
    return list(dict.fromkeys(found))


def _asks_mentor(thread: Thread, sentence: str) -> bool:
    """'ask Kwame …' / 'bring this to Helen': something the mentee means to raise with this mentor."""
    if not thread.mentor:
        return False
    pattern = r"\b(?:ask|asking|bring|bringing|raise|raising)\b[^.?!]{0,30}$"
    for name_match in re.finditer(r"\b[A-Z]\w+", sentence):
        named = thread.people.named_in(name_match.group(0))
        if named and named[0] == thread.mentor and re.search(pattern, sentence[: name_match.start()]):
            return True
    return False


def written_questions(note: Note, thread: Thread) -> list[str]:
    """Questions in one of the mentee's own notes meant for this mentor."""
    found = []
    for block in _blocks(note):
        if block.kind not in _ITEMS + _PARAGRAPHS:
            continue  # headings, quotes (someone else's words), code, tables
        context = " ".join(block.headings[-1:]) + f" {block.label or ''}"
        for start, end in sentence_spans(block.text):
            sentence = block.text[start:end].strip()
            question = mask_quotes(sentence).rstrip().endswith("?")
            if (question and _QUESTIONS_HEADING.search(context)) or _asks_mentor(thread, sentence):
                if not for_someone_else(sentence, thread):
                    found.append(short(sentence, MAX_QUESTION_CHARS))
    return found
