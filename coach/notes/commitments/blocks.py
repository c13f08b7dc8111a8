"""A note body as blocks (paragraphs, list items, headings), each with the section it sits in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.notes.commitments.markup import strip_markup
from coach.notes.model import Note


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


_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)([^*_]+?)(?:\*\*|__)\s*:?\s*$")
_LABEL = re.compile(r"^\s*([^:.!?]{1,60}):\s*$")
_BULLET = re.compile(r"^(\s*)(?:[-*+•]|\d{1,2}[.)])\s+")
_CHECKBOX = re.compile(r"^\[([ xX]?)\]\s*")
_BOLD_LEAD = re.compile(r"^(?:\*\*|__)([^*_]{1,60}?)[.:]?(?:\*\*|__)[.:]?\s+(?=\S)")
_FENCE = re.compile(r"^\s*(```|~~~)")

# Section names people give to lists of things they will do, and to reports of what happened.
_PROGRESS_HEADING = re.compile(
    r"\b(follow[- ]?ups?|follow[- ]up from|updates?|progress|since last time|from last time|"
    r"what'?s working|what worked|things that worked|what happened while|wins?|tried|recap|done|proud|"
    r"status|results?)\b",
    re.IGNORECASE,
)
_ACTION_HEADING = re.compile(
    r"^(?:my |our |the )?(?:actions?|action items?|action points?|next steps?|next|to-?dos?|"
    r"todo list|commitments?|decisions?|agreed|agreements?|homework|plans?|goals?|intentions?|"
    r"resolutions?|for next time|next time|going forward|from now on|owed)\b"
    r"|\bI(?:'ll| will|'m going to| am going to| plan to| commit)\b|\bwhat I want\b|\bthings to do\b",
    re.IGNORECASE,
)


def classify_heading(text: str) -> str:
    """ "action", "progress" or "other" for a heading or list label."""
    text = strip_markup(text).strip().rstrip(":").strip()
    text = re.sub(r"^[\d\s:./-]+", "", text)  # "2026: what I want" -> "what I want"
    if _PROGRESS_HEADING.search(text):
        return "progress"
    return "action" if _ACTION_HEADING.search(text) else "other"


def _heading_of(lines: list[str], i: int) -> str | None:
    """The heading text when line i is (or, for setext, starts) a heading."""
    line = lines[i]
    if match := _ATX.match(line) or _BOLD_LINE.match(line):
        return match.group(1)
    following = lines[i + 1] if i + 1 < len(lines) else ""
    if line.strip() and not _BULLET.match(line) and _SETEXT.match(following) and following.strip():
        return line.strip()
    return None


class _Parser:
    """Walks the body once, grouping lines into blocks and tracking the section they are in."""

    def __init__(self, body: str) -> None:
        self.lines = body.split("\n")
        self.blocks: list[Block] = []
        self.heading = ("other", "")
        self.label: tuple[str, str] | None = None
        self.current: dict | None = None

    def run(self) -> list[Block]:
        """All blocks, in order."""
        fenced, i = False, 0
        while i < len(self.lines):
            line = self.lines[i]
            if _FENCE.match(line):
                fenced = not fenced
            elif not fenced:
                i += self._line(i, line)
            i += 1
        self._flush()
        return self.blocks

    def _line(self, i: int, line: str) -> int:
        """Handle one line; returns extra lines consumed (a setext underline)."""
        heading = _heading_of(self.lines, i)
        if heading is not None:
            self._flush()
            self.heading, self.label = (classify_heading(heading), strip_markup(heading)), None
            self._emit("heading", strip_markup(heading), i + 1)
            return 0 if (_ATX.match(line) or _BOLD_LINE.match(line)) else 1
        if not line.strip() or line.lstrip().startswith(">"):
            self._flush()
        elif (label := _LABEL.match(line)) and not _BULLET.match(line):
            self._flush()
            self.label = (classify_heading(label.group(1)), strip_markup(label.group(1)).strip())
        else:
            self._text(line, i + 1)
        return 0

    def _text(self, line: str, number: int) -> None:
        """A list item starts a block; other text starts or continues one."""
        bullet = _BULLET.match(line)
        if bullet:
            self._flush()
            self.current = {"kind": "item", "lines": [line[bullet.end() :]], "line": number}
        elif self.current is None or not self._continues(line):
            self._flush()
            if self.label and self.label_used:
                self.label = None  # prose after a labelled list ends the label's reach
            self.current = {"kind": "para", "lines": [line.strip()], "line": number}
        else:
            self.current["lines"].append(line.strip())

    def _continues(self, line: str) -> bool:
        """Whether a plain line continues the current block: always for a paragraph; for a list
        item only when indented or wrapped mid-sentence (lower case), else it is new prose."""
        if self.current is None or self.current["kind"] != "item":
            return True
        return line[:1].isspace() or line.lstrip()[:1].islower()

    @property
    def label_used(self) -> bool:
        """True once a block has been emitted under the current label."""
        return bool(self.blocks) and self.blocks[-1].under_label

    def _flush(self) -> None:
        """Emit the block being built, if any."""
        if self.current is not None:
            self._emit(self.current["kind"], "\n".join(self.current["lines"]), self.current["line"])
            self.current = None

    def _emit(self, kind: str, text: str, line: int) -> None:
        """Append a block with the section and context in force."""
        section, context = self.heading
        if self.label and kind != "heading":
            section, context = self.label
        box = _CHECKBOX.match(text) if kind == "item" else None
        text = text[box.end() :] if box else text
        if lead := _BOLD_LEAD.match(text):
            context, text = lead.group(1), text[lead.end() :]
        under = bool(self.label) and kind != "heading"
        checkbox = (box.group(1).lower() or " ") if box else ""
        self.blocks.append(Block(kind, strip_markup(text), line, section, context, checkbox, under))


def line_at(block: Block, offset: int) -> int:
    """Body line number of a character offset inside a block."""
    return block.line + block.text.count("\n", 0, offset)


def parse_blocks(note: Note) -> list[Block]:
    """The note body as blocks (exposed for callers that want sections, e.g. agendas)."""
    return _Parser(note.body).run()
