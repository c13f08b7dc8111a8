"""A note's Markdown structure on markdown-it-py: headings, paragraphs, list items, checkboxes, labels,
quotes, transcript speaker lines and code, each with its lines in the file and the section it sits in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from coach.text.sentences import strip_markup

KINDS = ("heading", "paragraph", "list_item", "checkbox", "label", "quote", "speaker", "code", "table")


@dataclass(frozen=True)
class Block:
    """One unit of a note. `start`/`end` are 1-based lines in the file (inclusive); `text` has the
    markup, list marker and checkbox removed; `raw` is the lines as written (without "\\r")."""

    kind: str
    text: str
    raw: str
    start: int
    end: int
    headings: tuple[str, ...] = ()
    """Texts of the headings this block sits under, outermost first (a heading's own path ends with it)."""
    label: str = ""
    """The label line ("To do:", "**Actions**") this block belongs to, when it does."""
    depth: int = 0
    """List nesting: 0 outside lists, 1 for a top-level item."""
    checked: bool | None = None
    """For a checkbox item: whether it is ticked."""
    level: int = 0
    """For a heading: 1-6."""
    speaker: str = ""
    """For a transcript line ("HELEN: ..."): who speaks; `text` is what they said."""

    @property
    def heading(self) -> str:
        """The innermost heading this block sits under ("" when none)."""
        return self.headings[-1] if self.headings else ""


_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)\s*$")
_LABEL = re.compile(r"^([^:.!?]{1,60}):\s*$")
_BOLD_LABEL = re.compile(r"^(?:\*\*|__)([^*_]{1,60}?)(?:\*\*|__)\s*:?\s*$|^(?:\*\*|__)([^*_]{1,60}?):(?:\*\*|__)\s*$")
_SPEAKER = re.compile(r"^([A-Z][A-Z'’-]+(?: [A-Z][A-Z'’-]+)?):[ \t]+(?=\S)")
_CHECKBOX = re.compile(r"^\[([ xX])\][ \t]+")
# A short line with no sentence punctuation straight above a list ("To do", "Next steps", "Actions
# for me") labels that list just as "To do:" does.
_BARE_LABEL = re.compile(r"^[A-Za-z][\w '’/&-]{0,38}$")
_BARE_LABEL_WORDS = 5


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    # Notes indent wrapped lines freely and paste angle brackets: no indented code, no raw HTML.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).disable(["code", "html_block", "html_inline"])


def split_front_matter(lines: list[str]) -> int:
    """How many leading lines are YAML front matter ("---" ... "---"), 0 when there is none."""
    if not lines or lines[0].strip() != "---":
        return 0
    for index in range(1, len(lines)):
        if _FRONT_MATTER_END.match(lines[index]):
            return index + 1
    return 0


def label_of(line: str) -> str | None:
    """The label when a line is one ("To do:", "Next steps:", "**Actions**", "**Plan:**"), else None."""
    line = line.strip()
    if match := _BOLD_LABEL.match(line):
        return (match.group(1) or match.group(2)).strip().rstrip(":").strip()
    if (match := _LABEL.match(line)) and not line.startswith(("-", "*", "+", "#", ">")):
        return strip_markup(match.group(1)).strip()
    return None


def _opens_list(tokens, index: int) -> bool:
    """Whether the paragraph whose inline token is at `index` is followed straight by a list."""
    return index + 2 < len(tokens) and tokens[index + 2].type in ("bullet_list_open", "ordered_list_open")


def _bare_label(content: list[str]) -> bool:
    """A one-line paragraph short enough, and without sentence punctuation, to be a list's label."""
    line = content[0].strip() if len(content) == 1 else ""
    return bool(_BARE_LABEL.match(line)) and len(line.split()) <= _BARE_LABEL_WORDS


def _speakers(lines: list[str], known: tuple[str, ...]) -> frozenset[str]:
    """Who speaks in a transcript: names given, and any ALL-CAPS name starting two or more lines
    (one "NPQ: ..." line is a note, not a transcript)."""
    counts: dict[str, int] = {}
    for line in lines:
        if match := _SPEAKER.match(line.strip()):
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return frozenset({name for name, n in counts.items() if n >= 2} | {k.casefold() for k in known} | set(known))


def read_blocks(
    text: str, first_line: int = 1, speakers: tuple[str, ...] = (), front_matter: bool = True
) -> list[Block]:
    """The blocks of a Markdown text, in order.

    `text` is a whole file (its YAML front matter skipped) or a note body whose first line is line
    `first_line` of the file: pass a body as `read_blocks(note.body, note.body_offset, front_matter=False)`
    so a leading `---` rule is not taken for front matter. CRLF and lone CR count as one line break.
    `speakers` adds names (any case) whose "Name: ..." lines are transcript lines; ALL-CAPS names that
    start two or more lines always are."""
    return list(_read(text, first_line, tuple(speakers), front_matter))


@lru_cache(maxsize=256)
def _read(text: str, first_line: int, speakers: tuple[str, ...], front_matter: bool) -> tuple[Block, ...]:
    """Parsed once per text: several passes (statements, themes, chunking) read the same notes."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    skipped = split_front_matter(lines) if front_matter else 0
    source = "\n" * skipped + "\n".join(lines[skipped:])
    walker = _Walker(lines, first_line, _speakers(lines[skipped:], speakers))
    walker.walk(_parser().parse(source))
    return tuple(walker.blocks)


class _Walker:
    """Turns markdown-it's token stream into blocks, tracking headings, labels and list depth."""

    def __init__(self, lines: list[str], first_line: int, speakers: frozenset[str]) -> None:
        self.lines, self.offset, self.speakers = lines, first_line, speakers
        self.blocks: list[Block] = []
        self.headings: list[tuple[int, str]] = []
        self.label, self.label_used = "", False
        self.depth = self.quote = 0
        self.items: list[list] = []  # per open list item: [token level, has its text]

    def walk(self, tokens) -> None:
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "heading_open":
                self._heading(token, tokens[index + 1])
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.depth += 1
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.depth -= 1
                if self.depth == 0 and self.label_used:
                    self.label = ""  # a label's list ends its reach
            elif kind == "list_item_open":
                self.items.append([token.level, False])
            elif kind == "list_item_close":
                self.items.pop()
            elif kind == "blockquote_open":
                self.quote += 1
            elif kind == "blockquote_close":
                self.quote -= 1
            elif kind == "inline" and tokens[index - 1].type == "paragraph_open":
                self._paragraph(token, _opens_list(tokens, index))
            elif kind in ("fence", "code_block"):
                self._emit("code", token.content.rstrip("\n"), *token.map)
            elif kind == "table_open":
                self._emit("table", "", *token.map)

    def _emit(self, kind: str, text: str, start: int, end: int, **fields) -> None:
        """Append a block for 0-based source lines [start, end)."""
        raw = "\n".join(self.lines[start:end])
        text = raw if kind == "table" else text
        under = self.label if kind not in ("heading", "label") else ""
        self.label_used = self.label_used or bool(under)
        self.blocks.append(Block(kind, text, raw, start + self.offset, end - 1 + self.offset,
                                 tuple(h for _, h in self.headings), under, **fields))

    def _heading(self, token, inline) -> None:
        level = int(token.tag[1])
        text = strip_markup(inline.content).strip()
        self.headings = [h for h in self.headings if h[0] < level] + [(level, text)]
        self.label, self.label_used = "", False
        self._emit("heading", text, *token.map, level=level)

    def _paragraph(self, inline, before_list: bool = False) -> None:
        start, _ = inline.map
        content = inline.content.split("\n")
        if before_list and not self.depth and not self.quote and _bare_label(content):
            self.label, self.label_used = content[0].strip(), False
            self._emit("label", self.label, start, start + 1)
        elif self.quote:
            self._emit("quote", strip_markup(inline.content), start, start + len(content))
        elif self.items and self.items[-1][0] + 1 == inline.level - 1 and not self.items[-1][1]:
            self.items[-1][1] = True
            rest = self._item(content, start)
            if rest:
                if self.label_used:
                    self.label = ""  # prose after a labelled list ends the label's reach
                self._lines(content[rest:], start + rest, depth=0)
        else:
            if self.label_used and not self.depth:
                self.label = ""
            self._lines(content, start, depth=self.depth)

    def _item(self, content: list[str], start: int) -> int:
        """Emit a list item from its first paragraph; returns where unindented prose wrapped into the
        item begins (a line that starts with a capital at the margin), or 0 when none did."""
        end = len(content)
        for i in range(1, len(content)):
            raw = self.lines[start + i]
            if raw[:1].strip() and not content[i][:1].islower():
                end = i
                break
        text = "\n".join(content[:end])
        box = _CHECKBOX.match(text)
        if box:
            self._emit("checkbox", strip_markup(text[box.end():]), start, start + end, depth=self.depth,
                       checked=box.group(1) != " ")
        else:
            self._emit("list_item", strip_markup(text), start, start + end, depth=self.depth)
        return end if end < len(content) else 0

    def _lines(self, content: list[str], start: int, depth: int) -> None:
        """A paragraph's lines: label lines, speaker lines with their continuations, one block per line
        under a label, and runs of other lines as paragraphs."""
        run: list[int] = []
        for i, line in enumerate(content):
            label = label_of(line)
            if label is not None:
                self._run(content, run, start, depth)
                run = []
                self.label, self.label_used = label, False
                self._emit("label", label, start + i, start + i + 1)
            elif self._speaker_of(line) is not None:
                self._run(content, run, start, depth)
                run = [i]
            elif run and self._speaker_of(content[run[0]]) is not None:
                run.append(i)  # a speaker's words wrapped onto the next line
            elif self.label:
                self._run(content, run, start, depth)
                run = []
                self._emit("paragraph", strip_markup(line), start + i, start + i + 1, depth=depth)
            else:
                run.append(i)
        self._run(content, run, start, depth)

    def _speaker_of(self, line: str) -> tuple[str, str] | None:
        """(speaker, words) when a line is a transcript line of a known or repeated speaker."""
        name, colon, rest = line.partition(":")
        name = name.strip()
        if not colon or rest[:1] not in (" ", "\t") or not rest.strip():
            return None
        if name in self.speakers or name.casefold() in self.speakers:
            return name, rest.strip()
        return None

    def _run(self, content: list[str], run: list[int], start: int, depth: int) -> None:
        if not run:
            return
        first, last = run[0], run[-1]
        said = self._speaker_of(content[first])
        text = "\n".join(content[first : last + 1])
        if said is not None:
            rest = "\n".join([said[1], *content[first + 1 : last + 1]])
            self._emit("speaker", strip_markup(rest), start + first, start + last + 1, depth=depth, speaker=said[0])
        else:
            self._emit("paragraph", strip_markup(text), start + first, start + last + 1, depth=depth)
