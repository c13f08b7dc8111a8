"""Passage expansion: a search hit grown to whole sentences, bullets and list items, verbatim, with lines.

A hit is a chunk of a note; what a mentee needs is the advice itself, whole. The note is split into
units — a sentence of a paragraph, a list item (with its wrapped lines), a speaker's line — each
with its file line span. The units of the hit that best answer the question are kept, contiguous,
and a unit that leads into a list ("Her advice:") brings the list's items with it, even when the
list lies just past the chunk. Coach's own wording in notes it wrote is never a unit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.notes.commitments import content_words, sentences

MAX_WORDS = 70  # one passage: enough for a three-step method, short enough to read at a glance
MAX_ITEMS = 4  # list items a lead-in brings with it
NEIGHBOUR_SHARE = 0.85  # a neighbouring unit this close to the best one's relevance joins the passage
LOOK_AHEAD = 12  # lines past the chunk in which a lead-in's list may start

_ITEM = re.compile(r"^(\s*)(?:[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,2}[.)]\s+|->\s*)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_QUOTE = re.compile(r"^\s*>\s?")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CLOSERS = "\"')]”’"
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")


@dataclass(frozen=True)
class Unit:
    """A whole sentence, list item or line of a note: its text as written, and its file lines."""

    text: str
    start: int  # 1-based file line
    end: int
    item: bool = False  # a list item
    block: int = 0  # units of one paragraph or one list share a block number

    @property
    def leads_in(self) -> bool:
        """Ends with a colon: what it introduces follows."""
        return self.text.rstrip().endswith(":")


@dataclass(frozen=True)
class Passage:
    """The part of a hit shown as a quote: whole units, contiguous, verbatim."""

    units: tuple[Unit, ...]

    @property
    def start(self) -> int:
        return self.units[0].start

    @property
    def end(self) -> int:
        return self.units[-1].end

    @property
    def text(self) -> str:
        """One unit a line: each line is verbatim in the note (but for a wrapped line's break)."""
        return "\n".join(u.text for u in self.units)


def note_units(body: str, body_offset: int = 1) -> list[Unit]:
    """Every unit of a note body (blanked lines — coach's wording — are simply empty)."""
    reader = _UnitReader(body_offset)
    for number, raw in enumerate(body.split("\n"), start=1):
        reader.line(number, raw.rstrip())
    reader.flush()
    return [u for u in reader.units if re.search(r"\w", u.text)]


class _UnitReader:
    """Reads a body line by line into units; a heading, rule, fence or paragraph ends a list."""

    def __init__(self, body_offset: int) -> None:
        self.offset = body_offset - 1
        self.units: list[Unit] = []
        self.paragraph: list[tuple[int, str]] = []
        self.block, self.fenced, self.blank = 0, False, True

    def flush(self) -> None:
        if self.paragraph:
            self.units.extend(_sentences(self.paragraph, self.offset + 1, self.block))
            self.paragraph = []
            self.block += 1

    def line(self, number: int, line: str) -> None:
        if _FENCE.match(line):
            self.fenced = not self.fenced
        bare = _QUOTE.sub("", line)
        if self.fenced or _FENCE.match(line) or not bare.strip() or _HEADING.match(bare) or _RULE.match(bare):
            self.flush()
            if bare.strip():
                self.block += 1  # a heading or rule ends the list above it
            self.blank = True
            return
        item = _ITEM.match(bare)
        last = self.units[-1] if self.units and not self.paragraph else None
        if item:
            if not (last and last.item and last.block == self.block):
                self.flush()
            self.units.append(Unit(bare[item.end():].strip(), number + self.offset, number + self.offset,
                                   True, self.block))
        elif last and last.item and (not self.blank or line[:1] in (" ", "\t")):
            # an item's wrapped line (indented, or straight after it)
            self.units[-1] = Unit(f"{last.text} {bare.strip()}", last.start, number + self.offset, True, last.block)
        else:
            if last and last.item:
                self.block += 1  # a paragraph after a list starts a new block
            self.paragraph.append((number, bare.strip()))
        self.blank = False


def _sentences(paragraph: list[tuple[int, str]], body_offset: int, block: int) -> list[Unit]:
    """A paragraph's sentences with the lines each spans (lines joined by a space)."""
    text, starts = "", []
    for number, line in paragraph:
        starts.append((len(text), number))
        text += line + " "
    out = []
    for start, end in sentence_spans(text):
        piece = text[start:end].strip()
        if piece:
            first = max(n for offset, n in starts if offset <= start)
            last = max(n for offset, n in starts if offset < end)
            out.append(Unit(piece, first + body_offset - 1, last + body_offset - 1, False, block))
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans whose end takes in the closing quote or bracket after the full stop."""
    spans = []
    for start, end in sentences(text):
        while end < len(text) and text[end] in _CLOSERS:
            end += 1
        spans.append((start, end))
    return spans


SECTION_LINES, SECTION_UNITS = 12, 6
"""How far below a heading-only hit to look, in file lines and in sentences or items."""


def expand(units: list[Unit], start: int, end: int, relevance: dict[int, float]) -> Passage | None:
    """The passage for a hit spanning file lines start..end: its most relevant unit, grown to its
    relevant neighbours and, for a lead-in, the list it introduces; at most MAX_WORDS words."""
    inside = [i for i, u in enumerate(units) if u.end >= start and u.start <= end]
    if not inside:  # a hit on a heading (or title) alone: the section right under it is what it stands for
        inside = [i for i, u in enumerate(units) if end < u.start <= end + SECTION_LINES][:SECTION_UNITS]
    if not inside:
        return None
    best = max(inside, key=lambda i: (relevance.get(i, 0.0), -i))
    chosen = [best]
    if units[best].leads_in or _list_follows(units, best):
        chosen += _list_after(units, best)
    chosen = _grow(units, chosen, inside, relevance)
    return Passage(tuple(units[i] for i in sorted(chosen)))


def _list_follows(units: list[Unit], i: int) -> bool:
    """A sentence that ends its paragraph right before a list introduces it."""
    nxt = i + 1
    return (nxt < len(units) and not units[i].item and units[nxt].item
            and units[nxt].start - units[i].end <= 2 and units[nxt].block != units[i].block
            and _words(units[i].text) <= 20)


def _list_after(units: list[Unit], i: int) -> list[int]:
    """The items of the list right after unit i (within LOOK_AHEAD lines), as many as fit."""
    out, words = list[int](), _words(units[i].text)
    for j in range(i + 1, len(units)):
        unit = units[j]
        if not unit.item or unit.start - units[i].end > LOOK_AHEAD or len(out) >= MAX_ITEMS:
            break
        if out and unit.block != units[out[-1]].block:
            break
        if words + _words(unit.text) > MAX_WORDS and out:
            break
        out.append(j)
        words += _words(unit.text)
    return out


def _grow(units: list[Unit], chosen: list[int], inside: list[int], relevance: dict[int, float]) -> list[int]:
    """Add neighbours inside the hit that are nearly as relevant, keeping the passage contiguous."""
    top = max(relevance.get(i, 0.0) for i in chosen)
    words = sum(_words(units[i].text) for i in chosen)
    lo, hi = min(chosen), max(chosen)
    for step in (-1, 1) * 3:
        j = lo - 1 if step < 0 else hi + 1
        if j not in inside or units[j].block != units[lo if step < 0 else hi].block:
            continue
        if relevance.get(j, 0.0) < top * NEIGHBOUR_SHARE or words + _words(units[j].text) > MAX_WORDS:
            continue
        chosen.append(j)
        words += _words(units[j].text)
        lo, hi = min(lo, j), max(hi, j)
    return chosen


def word_relevance(units: list[Unit], question: str) -> dict[int, float]:
    """A cheap relevance: the share of the question's content words a unit holds."""
    wanted = content_words(question)
    if not wanted:
        return {}
    return {i: len(content_words(u.text) & wanted) / len(wanted) for i, u in enumerate(units)}


def _words(text: str) -> int:
    return len(text.split())
