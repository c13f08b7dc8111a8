"""A note body as blocks (paragraphs, list items, headings), each with the section it sits in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.notes.model import Note
from coach.text import strip_markup


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
ADVICE_HEADING = re.compile(
    r"\b(?:said|says|advice|advised|suggested|suggestions?|rules|tips|recommendations?|recommended|take)\b",
    re.IGNORECASE,
)
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)([^*_]+?)(?:\*\*|__)\s*:?\s*$")
_LABEL = re.compile(r"^\s*([^:.!?]{1,60}):\s*$")
_BULLET = re.compile(r"^(\s*)(?:[-*+•]|->|=>|→|\d{1,2}[.)]|\(?[a-h]\))\s+")
_CHECKBOX = re.compile(r"^\[([ xX]?)\]\s*")
_BOLD_LEAD = re.compile(r"^(?:\*\*|__)([^*_]{1,60}?)[.:]?(?:\*\*|__)[.:]?\s+(?=\S)")
_FENCE = re.compile(r"^\s*(```|~~~)")
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
        self.last_label_section = "other"
        self.current: dict | None = None
        self.transcript = _is_transcript(self.lines)

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
            name = strip_markup(label.group(1)).strip()
            self.label = (self._label_section(name), name)
            self.last_label_section = self.label[0]
        else:
            self._text(line, i + 1)
        return 0

    def _label_section(self, name: str) -> str:
        """A label's section: "ME:" lists the writer's own actions; "Also:" continues the list before."""
        if name.upper() in SELF_SPEAKERS:
            return "action"
        if _CONTINUING_LABEL.match(name):
            return self.last_label_section
        return classify_heading(name)

    def _text(self, line: str, number: int) -> None:
        """A list item or a transcript turn starts a block; other text starts or continues one."""
        bullet = _BULLET.match(line)
        speaker = _SPEAKER.match(line) if self.transcript and not bullet else None
        if bullet or speaker:
            self._flush()
            start = bullet.end() if bullet else speaker.end()
            self.current = {"kind": "item" if bullet else "para", "lines": [line[start:]], "raw": [line],
                            "line": number, "speaker": speaker.group(1) if speaker else "",
                            "arrow": bool(bullet and _ARROW.match(line))}
        elif self.current is None or not self._continues(line):
            self._flush()
            if self.label and self.label_used:
                self.label = None  # prose after a labelled list ends the label's reach
            self.current = {"kind": "para", "lines": [line.strip()], "raw": [line], "line": number, "speaker": ""}
        else:
            self.current["lines"].append(line.strip())
            self.current["raw"].append(line)

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
        """Emit the block being built, if any: a plain-line list under an action label or heading
        ("To do:" then one action a line, no bullets) as one item per line."""
        current, self.current = self.current, None
        if current is None:
            return
        section = self.label[0] if self.label else self.heading[0]
        entries = _list_lines(current["raw"], by_label=self.label is not None)
        if current["kind"] == "para" and section == "action" and not current["speaker"] and len(entries) > 1:
            for first, count in entries:
                text = "\n".join(current["lines"][first : first + count])
                self._emit("item", text, current["line"] + first, plain=True)
            return
        if current.get("arrow"):  # "-> book the room": an arrow marks an action, whatever the section
            self._emit("item", "\n".join(current["lines"]), current["line"], section="action")
            return
        self._emit(current["kind"], "\n".join(current["lines"]), current["line"], current["speaker"])

    def _emit(
        self, kind: str, text: str, line: int, speaker: str = "", plain: bool = False, section: str = ""
    ) -> None:
        """Append a block with the section and context in force (or the section given)."""
        forced, (section, context) = section, self.heading
        if self.label and kind != "heading":
            section, context = self.label
        section = forced or section
        box = _CHECKBOX.match(text) if kind == "item" else None
        text = text[box.end() :] if box else text
        if lead := _BOLD_LEAD.match(text):
            context, text = lead.group(1), text[lead.end() :]
        under = bool(self.label) and kind != "heading"
        checkbox = (box.group(1).lower() or " ") if box else ""
        block = Block(kind, strip_markup(text), line, section, context, checkbox, under, speaker, plain)
        self.blocks.append(block)
        if kind == "para" and _INLINE_ACTION_LABEL.match(block.text):
            self.last_label_section = "action"  # "Plan: draft it." then "Also:" continues the plan
        if kind == "para" and block.text.endswith(":") and not self.label:
            # "Josh has been in a week. Kwame's advice on mentoring him:" introduces the list below.
            name = re.split(r"(?<=[.!?])\s+", block.text[:-1])[-1].strip()
            self.label = (self._label_section(name), name)


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
    return _Parser(note.body).run()
