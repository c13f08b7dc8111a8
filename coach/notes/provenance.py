"""Provenance: which notes coach wrote, and which of their lines are the user's own words.

Every note coach writes carries `created_by: coach` and a `kind` (conversation, reflection, agenda,
review). Inside it, coach's own wording (the questions it asked, its answers, suggestions, lead
lines) sits in a callout that starts with `> [!coach]` — an Obsidian callout, a plain blockquote
elsewhere — so a reader sees at once that it is coach's, and code can strip it.

`user_text` returns a note's body with coach's spans blanked (line numbers kept), so nothing coach
wrote is ever read back as the mentee's or a mentor's words. Notes coach wrote before these markers
existed are recognised too (reflections/agendas/reviews with `created_by: coach`, saved
conversations with `source: coach-conversation`)."""

from __future__ import annotations

import re
from dataclasses import replace

from coach.notes.model import Note

CREATED_BY = "coach"
"""Value of `created_by` on every note coach writes."""
CONVERSATION = "conversation"
CONVERSATION_SOURCE = "coach-conversation"
"""`source:` of conversation notes written before they had `created_by` (older versions)."""
CALLOUT = "[!coach]"
"""The marker that opens a callout of coach's own wording: `> [!coach] coach asked`."""
HIDDEN_KINDS = frozenset({CONVERSATION})
"""Kinds searched only when asked for by name (`--kind conversation`), never used as evidence."""
WHOLLY_COACH_KINDS = frozenset({CONVERSATION, "agenda", "review"})
"""Kinds whose every line coach composed: copies of the user's words in them already count where
they came from. In a conversation only the mentee's own questions are theirs."""

_CALLOUT_START = re.compile(r"^\s*>\s*\[!coach\]", re.IGNORECASE)
_QUOTE_LINE = re.compile(r"^\s*>")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_PROVENANCE_LINE = re.compile(r"^\s*_(?:from|principle:)\s.*_\s*$")
_QUESTION_LINE = re.compile(r"^\s*\*\*Question:\*\*\s?(.*)$")


def is_coach_written(note: Note) -> bool:
    """True for any note coach wrote itself, in this version or an earlier one."""
    extra = note.extra or {}
    return extra.get("created_by") == CREATED_BY or extra.get("source") == CONVERSATION_SOURCE


def is_conversation(note: Note) -> bool:
    """A saved conversation with coach (never evidence of what anyone said)."""
    return note.kind == CONVERSATION or (note.extra or {}).get("source") == CONVERSATION_SOURCE


def settle(note: Note) -> Note:
    """The note as coach should treat it: a saved conversation is kind `conversation` and credited
    to no mentor, whatever its title says (a question naming a mentor is not that mentor's note)."""
    if not is_conversation(note):
        return note
    return replace(note, kind=CONVERSATION, mentor=None, role=None)


def user_text(note: Note) -> str:
    """The body with coach's wording blanked (each blanked line left empty, so line numbers hold)."""
    if not is_coach_written(note):
        return strip_callouts(note.body)
    lines = note.body.split("\n")
    if is_conversation(note):
        return "\n".join(_question_only(line) for line in lines)
    if note.kind in WHOLLY_COACH_KINDS:
        return "\n".join("" for _ in lines)
    keep = _callout_mask(lines)
    return "\n".join(
        line if keep[i] and not _coach_line(line) else "" for i, line in enumerate(lines)
    )


def strip_callouts(text: str) -> str:
    """Text with every `> [!coach]` callout blanked (a user may paste one into a note of theirs)."""
    if CALLOUT not in text.lower():
        return text
    lines = text.split("\n")
    keep = _callout_mask(lines)
    return "\n".join(line if keep[i] else "" for i, line in enumerate(lines))


def coach_lines(text: str) -> set[int]:
    """0-based indexes of the lines of `text` inside a coach callout."""
    lines = text.split("\n")
    return {i for i, kept in enumerate(_callout_mask(lines)) if not kept}


def evidence_notes(notes: list[Note]) -> list[Note]:
    """The notes that may serve as evidence of what the mentee or a mentor said: no saved
    conversations, and in the notes coach wrote only the user's own lines."""
    kept = []
    for note in notes:
        if is_conversation(note):
            continue
        body = user_text(note)
        kept.append(note if body == note.body else replace(note, body=body))
    return kept


def callout(title: str, text: str) -> str:
    """Coach's wording as a callout block: `> [!coach] title` then each line quoted."""
    lines = [f"> {CALLOUT} {title}".rstrip()]
    lines += [f"> {line}".rstrip() for line in text.split("\n")]
    return "\n".join(lines)


def _callout_mask(lines: list[str]) -> list[bool]:
    """True for lines outside any coach callout (a callout runs until the first non-`>` line)."""
    keep, inside = [], False
    for line in lines:
        if _CALLOUT_START.match(line):
            inside = True
        elif inside and not _QUOTE_LINE.match(line):
            inside = False
        keep.append(not inside)
    return keep


def _coach_line(line: str) -> bool:
    """In a note coach wrote, headings, quoted prompts and `_from …_` source lines are coach's."""
    return bool(_QUOTE_LINE.match(line) or _HEADING.match(line) or _PROVENANCE_LINE.match(line))


def _question_only(line: str) -> str:
    """In a saved conversation, the mentee's question lines are theirs; the rest is coach's."""
    match = _QUESTION_LINE.match(line)
    return line if match else ""
