"""Commitments in one note: action-list items, unchecked boxes and "I'll …" sentences, deduplicated."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from coach.notes.commitments.blocks import Block, line_at, parse_blocks
from coach.notes.commitments.cues import DONE_LEAD, DROPPED_LEAD, cue
from coach.notes.commitments.leads import (
    HYPOTHETICAL,
    INLINE_STYLES,
    OBLIGATION_WEAK,
    WEAK_VERBS,
    Lead,
    finish_text,
    good_rest,
    proper_nouns,
    read_lead,
    skip_filler,
)
from coach.notes.commitments.markup import mask_quotes, sentences
from coach.notes.commitments.words import containment, content_words
from coach.notes.model import Note


@dataclass(frozen=True)
class Commitment:
    """Something the mentee (or a named person) said they would do, where it was written."""

    text: str
    owner: str
    """"me" for the note's author, else the person's name ("Ade will send me …")."""
    path: str
    date: date
    mentor: str | None
    line: int
    """1-based line within note.body."""
    style: str
    """How it was written: checkbox, action, todo, agreed, i_will, going_to, next_time,
    suggested, committed, need_to, should, intend, owner_will, owner_to, owner_label."""


def _make(note: Note, text: str, lead: Lead | None, line: int, style: str) -> Commitment:
    """A Commitment from tidied text."""
    owner = lead.owner if lead else "me"
    return Commitment(finish_text(text), owner, note.path, note.date, note.mentor, line, style)


def _item_commitment(
    note: Note, block: Block, default_style: str, names: frozenset[str]
) -> Commitment | None:
    """An item of an action list (or an unchecked box): its first sentence, lead-in removed."""
    spans = sentences(block.text)
    if not spans:
        return None
    start, end = spans[0]
    first, masked = block.text[start:end].strip(), mask_quotes(block.text[start:end]).strip()
    if masked.endswith("?") or DONE_LEAD.match(first) or DROPPED_LEAD.match(first):
        return None
    lead = read_lead(first, names=names)
    rest = first[lead.end :] if lead else first
    if not good_rest(rest, frozenset()):
        return None
    style = default_style if default_style == "checkbox" or lead is None else lead.style
    return _make(note, rest, lead, block.line, style)


def _inline_commitments(note: Note, block: Block, names: frozenset[str]) -> Iterator[Commitment]:
    """Sentences in prose that open with a commitment phrase."""
    for start, end in sentences(block.text):
        sentence = block.text[start:end].strip()
        masked = mask_quotes(sentence)
        lead = read_lead(masked, INLINE_STYLES, names)
        if lead is None or masked.rstrip().endswith("?") or HYPOTHETICAL.match(masked[skip_filler(masked) :]):
            continue
        rest = sentence[lead.end :]
        weak = OBLIGATION_WEAK if lead.style in ("need_to", "should") else WEAK_VERBS
        if good_rest(rest, weak):
            yield _make(note, rest, lead, line_at(block, start), lead.style)


def _short_plain_line(block: Block) -> bool:
    """A plain line under an action heading counts as an item when brief and not a report."""
    if block.kind != "para" or "\n" in block.text or len(block.text.split()) > 20:
        return False
    return cue(mask_quotes(block.text)) is None or read_lead(block.text) is not None


def _block_commitments(note: Note, block: Block, names: frozenset[str]) -> list[Commitment]:
    """The commitments one block holds."""
    if block.kind == "heading" or block.checkbox == "x":
        return []
    if block.checkbox == " ":
        found = _item_commitment(note, block, "checkbox", names)
        return [found] if found else []
    if block.section == "action" and (block.kind == "item" or _short_plain_line(block)):
        found = _item_commitment(note, block, "action", names)
        return [found] if found else []
    return list(_inline_commitments(note, block, names))


def _same(a: Commitment, b: Commitment) -> bool:
    """Two mentions of one commitment within a note: one's words (nearly) all in the other."""
    wa, wb = content_words(a.text), content_words(b.text)
    small, large = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return small == large or (len(small & large) >= 2 and containment(small, large) >= 0.8)


def _dedupe(found: list[Commitment]) -> list[Commitment]:
    """Keep one of each repeated commitment: the fuller wording, at the earliest line."""
    kept: list[Commitment] = []
    for item in found:
        twin = next((k for k in kept if _same(k, item)), None)
        if twin is None:
            kept.append(item)
        elif len(content_words(item.text)) > len(content_words(twin.text)):
            kept[kept.index(twin)] = item
    return sorted(kept, key=lambda c: c.line)


def extract_commitments(note: Note) -> list[Commitment]:
    """Every commitment written in the note, deduplicated, in body order."""
    names = proper_nouns(note)
    found = [c for block in parse_blocks(note) for c in _block_commitments(note, block, names)]
    return _dedupe(found)
