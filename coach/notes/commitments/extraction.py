"""Commitments in one note: action-list items, unchecked boxes and "I'll …" sentences, deduplicated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from coach.notes.commitments.blocks import SELF_SPEAKERS, Block, line_at, parse_blocks
from coach.notes.commitments.cues import DONE_LEAD, DROPPED_LEAD, cue, opens_with_report
from coach.notes.commitments.imperatives import is_imperative_plan
from coach.notes.commitments.index import WordIndex
from coach.notes.commitments.leads import (
    HEDGE,
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
from coach.notes.model import Note
from coach.text import containment, content_words, mask_quotes
from coach.text import sentence_spans as sentences
from coach.text.speech import ADVICE_HEADING


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
    if not good_rest(rest, frozenset()) or (lead is None and _third_person(rest)):
        return None
    if block.plain and lead is None and opens_with_report(masked):
        return None  # a line of a plain list that reports progress ("Sent the slides") is no plan
    style = default_style if default_style == "checkbox" or lead is None else lead.style
    return _make(note, rest, lead, block.line, style)


_PRONOUN_SUBJECT = re.compile(r"^(?:he|she|they|it|there|his|her|their)\b", re.IGNORECASE)


def _third_person(text: str) -> bool:
    """An item about someone else ("He's on a report card with Sue"): not the writer's to do."""
    return _PRONOUN_SUBJECT.match(text) is not None


# "Do it before Christmas": a plan whose only object is a pronoun names its subject in the sentence before.
_PRONOUN_OBJECT = re.compile(
    r"^\s*\w+ (?:it|that|this|them)(?: (?:up|done|out|sorted|in|over|through|off))?"
    r"(?:\s*$|[ ,]+(?:before|by|on|this|next|tomorrow|tonight|today|after|at|in|soon|then|later|first|properly)\b)",
    re.IGNORECASE,
)


def _with_subject(rest: str, previous: str) -> str:
    """The plan, and for one that only says "it" the sentence before it in brackets, so it reads alone."""
    if previous and _PRONOUN_OBJECT.match(rest):
        return f"{finish_text(rest)} ({finish_text(previous)})"
    return rest


def _inline_commitments(note: Note, block: Block, names: frozenset[str]) -> Iterator[Commitment]:
    """Sentences in prose that open with a commitment phrase, or (on a line of their own) with an
    action verb and a time ("Give Callum the choice of two seats from Monday.")."""
    previous = ""
    for start, end in sentences(block.text):
        before, sentence = previous, block.text[start:end].strip()
        previous = sentence
        masked = mask_quotes(sentence)
        lead = read_lead(masked, INLINE_STYLES, names)
        if lead is None and _own_line(block.text, start) and is_imperative_plan(masked):
            yield _make(note, sentence, None, line_at(block, start), "imperative")
            continue
        if lead is None or masked.rstrip().endswith("?") or HYPOTHETICAL.match(masked[skip_filler(masked) :]):
            continue
        if HEDGE.search(masked[: lead.end]):
            continue  # "Maybe I should drop the club": thinking aloud
        rest = sentence[lead.end :]
        weak = OBLIGATION_WEAK if lead.style in ("need_to", "should") else WEAK_VERBS
        if good_rest(rest, weak):
            yield _make(note, _with_subject(rest, before), lead, line_at(block, start), lead.style)


def _own_line(text: str, start: int) -> bool:
    """True when the sentence at `start` begins a line of the block."""
    return text[:start].strip() == "" or text[:start].rstrip(" ").endswith("\n")


def _short_plain_line(block: Block) -> bool:
    """A plain line under an action heading counts as an item when brief and not a report."""
    if block.kind != "para" or "\n" in block.text or len(block.text.split()) > 20:
        return False
    return cue(mask_quotes(block.text)) is None or read_lead(block.text) is not None


def _block_commitments(note: Note, block: Block, names: frozenset[str]) -> list[Commitment]:
    """The commitments one block holds."""
    if block.kind == "heading" or block.checkbox == "x":
        return []
    if block.speaker and block.speaker not in SELF_SPEAKERS:
        return []  # another speaker's turn in a transcript: their words, not the writer's plans
    if block.checkbox == " ":
        found = _item_commitment(note, block, "checkbox", names)
        return [found] if found else []
    if block.section == "action" and (block.kind == "item" or _short_plain_line(block)):
        found = _item_commitment(note, block, "action", names)
        return [found] if found else []
    if block.section == "progress" or ADVICE_HEADING.search(block.context):
        return [c for c in _inline_commitments(note, block, names) if c.style != "imperative"]
    return list(_inline_commitments(note, block, names))


# A long mention's first clause names the commitment; the rest explains it ("Send her the targets
# in writing so she can see …"). Three shared words is enough for the clause to name the same thing.
_CLAUSE = re.compile(r"[,;:(]|\s(?:so|and|but|because|then|which)\s")
_CLAUSE_SHARED = 3


def _same(a: Commitment, b: Commitment) -> str | None:
    """How two mentions within a note are one commitment: "words" when one's words are (nearly) all
    in the other, "clause" when the first clause of the longer is (nearly) all in the shorter."""
    wa, wb = content_words(a.text), content_words(b.text)
    small, large = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if small == large or (len(small & large) >= 2 and containment(small, large) >= 0.8):
        return "words"
    longer = a.text if len(wa) > len(wb) else b.text
    head = content_words(_CLAUSE.split(longer, maxsplit=1)[0])
    return "clause" if len(head & small) >= _CLAUSE_SHARED and containment(head, small) >= 0.8 else None


def _dedupe(found: list[Commitment]) -> list[Commitment]:
    """Keep one of each repeated commitment, at the earliest line: the fuller wording, or for a
    long mention that only opens with it, the short one. Only mentions sharing a word are compared."""
    kept: list[Commitment] = []
    index = WordIndex()
    for item in found:
        words = content_words(item.text)
        twin, how = next(
            ((k, how) for k in sorted(index.candidates(words)) if (how := _same(kept[k], item))), (None, None)
        )
        if twin is None:
            index.add(len(kept), words)
            kept.append(item)
            continue
        fuller = len(words) > len(content_words(kept[twin].text))
        if fuller == (how == "words"):
            index.add(twin, words)
            kept[twin] = item
    return sorted(kept, key=lambda c: c.line)


def extract_commitments(note: Note) -> list[Commitment]:
    """Every commitment written in the note, deduplicated, in body order."""
    names = proper_nouns(note)
    found = [c for block in parse_blocks(note) for c in _block_commitments(note, block, names)]
    return _dedupe(found)
