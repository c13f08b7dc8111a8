"""A note body as blocks (paragraphs, list items, headings), each with the section it sits in: the
sections of coach.text.read_blocks (markdown-it) read for plans ("To do:", "Next steps") and reports."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from coach.notes.model import Note
from coach.text import Block as TextBlock
from coach.text import label_of, read_blocks, strip_markup


@dataclass(frozen=True)
class Block:
    """A paragraph, a list item (with its continuation lines) or a heading."""

    kind: str  # "para" | "item" | "heading"
    text: str  # markup stripped, lines joined with "\n"
    line: int
    section: str  # "action" | "progress" | "other"
    context: str
    checkbox: str = ""  # "", " " or "x"
    under_label: bool = False
    speaker: str = ""
    """The transcript speaker ("HELEN", "ME") whose line this is, or ""."""
    plain: bool = False
    """An item of a list written without bullets, one entry a line."""


# Sections that hold someone's advice ("What Ade said", "His rules") plan and report nothing of the writer's.
_BULLET = re.compile(r"^(\s*)(?:[-*+•]|->|=>|→|\d{1,2}[.)]|\(?[a-h]\))\s+")
_CHECKBOX = re.compile(r"^\[([ xX]?)\]\s*")
_BOLD_LEAD = re.compile(r"^(?:\*\*|__)([^*_]{1,60}?)[.:]?(?:\*\*|__)[.:]?\s+(?=\S)")
# "HELEN: So. The deep dive." -- a transcript line: an upper-case speaker label, then their words.
_SPEAKER = re.compile(r"^\s*([A-Z][A-Z'-]{1,20}(?: [A-Z][A-Z'-]{1,20})?):\s+(?=\S)")
_INLINE_ACTION_LABEL = re.compile(r"^(?:plan|actions?|next steps?|next|to[- ]?do)\s*:\s*\S", re.IGNORECASE)
_ARROW = re.compile(r"^\s*(?:->|=>|→)\s")
SELF_SPEAKERS = frozenset({"ME", "I", "MYSELF", "MINE"})
# A label that only continues the list before it ("Also:", "Plus:") keeps that list's section.
_CONTINUING_LABEL = re.compile(r"^(?:also|plus|and|then|more|other(?: bits| things)?|as well)$", re.IGNORECASE)
# A line that ends mid-phrase is wrapped: the next line continues it.
_UNFINISHED = re.compile(r"(?:[,;(\-–]|\b(?:and|or|but|to|the|a|an|of|with|for|in|on|at|by|from|so))\s*$", re.IGNORECASE)
_CONTINUATION_START = re.compile(r"^(?:and|or|but|so that|which|who|with|of|than)\b")

# Section names people give to lists of things they will do, and to reports of what happened.
_PROGRESS_HEADING = re.compile(
    r"\b(follow[- ]?ups?|follow[- ]up from|updates?|progress|since last time|from last time|"
    r"what'?s working|what worked|things that worked|what happened while|wins?|tried|recap|done|proud|"
    r"status|results?)\b",
    re.IGNORECASE,
)
_ACTION_HEADING = re.compile(
    r"^(?:my |our |the )?(?:actions?|action items?|action points?|next steps?|next|to[- ]?dos?|"
    r"todo list|commitments?|decisions?|agreed|agreements?|homework|plans?|goals?|intentions?|"
    r"resolutions?|for next time|next time|going forward|from now on|owed|for me|my bit)\b"
    r"|\bI(?:'ll| will|'m going to| am going to| plan to| commit)\b|\bwhat I want\b|\bthings to do\b"
    # Plans named by their time ("For the summer", "For next year, written down so I can check"),
    # or by what the writer will do ("What I'm doing with it", "What I can actually control").
    r"|^for (?:the |this |next |the next |the coming )?(?:summer|spring|autumn|fall|winter|term|half[- ]term|"
    r"holidays?|year|new year|week|month|quarter|break)\b"
    r"|\bwhat I(?:'m| am) (?:doing|going to do|changing|trying)\b"
    r"|\bwhat I (?:can|will|'ll|need to|have to) (?:actually |really )?(?:do|control|change|try)\b"
    r"|\bthings? I(?:'m| am)? (?:actually |really )?(?:going to|will) do\b",
    re.IGNORECASE,
)


def classify_heading(text: str) -> str:
    """ "action", "progress" or "other" for a heading or list label."""
    text = strip_markup(text).strip().rstrip(":").strip()
    text = re.sub(r"^[\d\s:./-]+", "", text)  # "2026: what I want" -> "what I want"
    if _PROGRESS_HEADING.search(text):
        return "progress"
    return "action" if _ACTION_HEADING.search(text) else "other"


class _Reader:
    """Walks coach.text's blocks once, giving each the section (action / progress / other) it sits in.
    On top of CommonMark it reads what people write in notes: "->", "•" and "(a)" lines as items, plain
    lines under an action label or heading as one item each (wrapped lines joined), a bold lead as the
    item's topic, and a sentence ending in ":" as the label of the list below it."""

    def __init__(self, body: str) -> None:
        self.lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.transcript = _is_transcript(self.lines)
        self.blocks: list[Block] = []
        self.heading = ("other", "")
        self.labels: dict[str, str] = {}
        self.last_label_section = "other"
        self.intro: tuple[str, str] | None = None
        self.intro_used = False
        self.pending: list[TextBlock] = []
        self.bold: set[str] = set()

    def run(self, found: list[TextBlock]) -> list[Block]:
        for block in found:
            if self.pending and not self._continues_pending(block):
                self._flush_pending()
            self._read(block)
        self._flush_pending()
        return self.blocks

    def _read(self, block: TextBlock) -> None:
        if block.kind == "label" and block.raw.strip().startswith(("**", "__")):
            block = replace(block, kind="heading")  # a bold line heads a section, as a heading does
            self.bold.add(block.text)
        if block.label in self.bold:
            block = replace(block, label="")
        if block.kind == "heading":
            self.heading, self.intro = (classify_heading(block.text), block.text), None
            self._emit("heading", block.text, block.start, where=self.heading)
        elif block.kind == "label":
            self.labels[block.text] = self._label_section(block.text)
            self.last_label_section, self.intro = self.labels[block.text], None
        elif block.kind in ("list_item", "checkbox"):
            self._item(block)
        elif block.kind == "speaker" and self.transcript:
            self.intro = None
            self._emit("para", block.text, block.start, speaker=block.speaker)
        elif block.kind in ("paragraph", "speaker"):
            if block.label and not block.depth:
                self.pending.append(block)  # plain lines under a label: joined when wrapped
            else:
                self._paragraph(block.raw.split("\n"), block.start, block.label)

    def _where(self, label: str) -> tuple[str, str]:
        """(section, context) for a block under `label` (or, without one, the list intro or heading)."""
        if label in self.labels:
            return self.labels[label], label
        if self.intro:
            self.intro_used = True
            return self.intro
        return self.heading

    def _label_section(self, name: str) -> str:
        """A label's section: "ME:" lists the writer's own actions; "Also:" continues the list before."""
        if name.upper() in SELF_SPEAKERS:
            return "action"
        if _CONTINUING_LABEL.match(name):
            return self.last_label_section
        return classify_heading(name)

    def _item(self, block: TextBlock) -> None:
        """A list item (or checkbox): its text without the marker, its bold lead as its context."""
        lines = [line.strip() for line in block.raw.split("\n")]
        lines[0] = _BULLET.sub("", lines[0], count=1)
        self._emit_item("\n".join(lines), block.start, self._where(block.label), label=bool(block.label))

    def _emit_item(self, text: str, line: int, where: tuple[str, str], label: bool = False, plain: bool = False) -> None:
        box = _CHECKBOX.match(text)
        text = text[box.end() :] if box else text
        if lead := _BOLD_LEAD.match(text):
            where, text = (where[0], lead.group(1)), text[lead.end() :]
        checkbox = (box.group(1).lower() or " ") if box else ""
        self.blocks.append(Block("item", strip_markup(text), line, where[0], where[1], checkbox, label, "", plain))

    def _continues_pending(self, block: TextBlock) -> bool:
        last = self.pending[-1]
        return block.kind == "paragraph" and block.label == last.label and block.start == last.end + 1

    def _flush_pending(self) -> None:
        """Adjacent plain lines under one label: one paragraph, split into entries as a list."""
        if self.pending:
            first = self.pending[0]
            raw = [line for block in self.pending for line in block.raw.split("\n")]
            self.pending = []
            self._paragraph(raw, first.start, first.label)

    def _paragraph(self, raw: list[str], start: int, label: str) -> None:
        """A paragraph's lines: "->" / "•" lines are items; the rest is prose, or under an action
        section a plain-line list."""
        segment: list[str] = []
        segment_start = start
        for offset, line in enumerate(raw):
            bullet = _BULLET.match(line)
            if bullet or (segment and _BULLET.match(segment[0]) and not self._item_goes_on(line)):
                self._segment(segment, segment_start, label)
                segment, segment_start = [], start + offset
            segment.append(line)
        self._segment(segment, segment_start, label)

    @staticmethod
    def _item_goes_on(line: str) -> bool:
        """A line after an item goes on with it when indented or wrapped mid-sentence (lower case)."""
        return line[:1].isspace() or line.lstrip()[:1].islower()

    def _segment(self, raw: list[str], start: int, label: str) -> None:
        if not raw:
            return
        if len(raw) == 1 and not label and (name := label_of(strip_markup(raw[0]))) is not None:
            self.intro = (self._label_section(name), name)  # "**Themes** (no names):" labels the list below
            self.intro_used = False
            return
        if not _BULLET.match(raw[0]) and self.intro_used:
            self.intro = None  # prose after a list ends the reach of the sentence that introduced it
        where = self._where(label)
        if bullet := _BULLET.match(raw[0]):
            text = "\n".join([raw[0][bullet.end() :].strip()] + [line.strip() for line in raw[1:]])
            arrow = _ARROW.match(raw[0]) is not None  # "-> book the room": an action, whatever the section
            self._emit_item(text, start, ("action", where[1]) if arrow else where, label=bool(label))
            return
        entries = _list_lines(raw, by_label=bool(label))
        if where[0] == "action" and len(entries) > 1:
            for first, count in entries:
                text = "\n".join(line.strip() for line in raw[first : first + count])
                self._emit_item(text, start + first, where, label=bool(label), plain=True)
            return
        text = "\n".join(line.strip() for line in raw)
        if lead := _BOLD_LEAD.match(text):  # "**Jonas.** Did the SBI conversation": Jonas is the topic
            where, text = (where[0], lead.group(1)), text[lead.end() :]
        text = strip_markup(text)
        self._emit("para", text, start, where=where, label=bool(label))
        if _INLINE_ACTION_LABEL.match(text):
            self.last_label_section = "action"  # "Plan: draft it." then "Also:" continues the plan
        if text.endswith(":") and not label:
            # "Josh has been in a week. Kwame's advice on mentoring him:" introduces the list below.
            name = re.split(r"(?<=[.!?])\s+", text[:-1])[-1].strip()
            self.intro, self.intro_used = (self._label_section(name), name), False

    def _emit(self, kind: str, text: str, line: int, where: tuple[str, str] | None = None, speaker: str = "",
              label: bool = False) -> None:
        section, context = where or self._where("")
        self.blocks.append(Block(kind, text, line, section, context, "", label, speaker))


# Under a heading, a paragraph whose lines are all this short reads as a list, one entry a line.
_LIST_ENTRY_WORDS = 20


def _is_transcript(lines: list[str]) -> bool:
    """A note written as a transcript: at least four turns by at least two upper-case speakers."""
    speakers = [m.group(1) for line in lines if (m := _SPEAKER.match(line))]
    return len(speakers) >= 4 and len(set(speakers)) >= 2


def _list_lines(raw: list[str], by_label: bool) -> list[tuple[int, int]]:
    """(first line, line count) of each entry of a paragraph read as a plain-line list. A line
    continues the one before when that one ends mid-phrase, when it opens with a connective, or when
    it is indented further; under a heading (not a label) a line must also end or start a sentence,
    and a heading's paragraph is a list only when every entry is short (else it is prose)."""
    entries = [[0, 1]]
    for i in range(1, len(raw)):
        before, line = raw[i - 1].rstrip(), raw[i]
        wrapped = (
            _UNFINISHED.search(before) is not None
            or _CONTINUATION_START.match(line.lstrip()) is not None
            or _indent(line) > _indent(raw[entries[-1][0]])
            or (not by_label and not (before.endswith((".", "!", "?")) or line.lstrip()[:1].isupper()))
        )
        if wrapped:
            entries[-1][1] += 1
        else:
            entries.append([i, 1])
    found = [(first, count) for first, count in entries]
    if not by_label and any(len(" ".join(raw[f : f + c]).split()) > _LIST_ENTRY_WORDS for f, c in found):
        return [(0, len(raw))]
    return found


def _indent(line: str) -> int:
    """Leading whitespace width."""
    return len(line) - len(line.lstrip())


def line_at(block: Block, offset: int) -> int:
    """Body line number of a character offset inside a block."""
    return block.line + block.text.count("\n", 0, offset)


def parse_blocks(note: Note) -> list[Block]:
    """The note body as blocks (exposed for callers that want sections, e.g. agendas)."""
    return list(_parse(note.body))


@lru_cache(maxsize=256)
def _parse(body: str) -> tuple[Block, ...]:
    """Read once per body: extraction and follow-ups both walk every note."""
    return tuple(_Reader(body).run(read_blocks(body, 1, front_matter=False)))
