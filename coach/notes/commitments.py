"""Commitments ("I'll …", `- [ ]`, Action lists) and follow-ups ("did …", `- [x]`) in one note, by rules."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from coach.notes.model import Note

# --------------------------------------------------------------------------- results


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


@dataclass(frozen=True)
class FollowUp:
    """A statement reporting progress on some earlier commitment."""

    text: str
    status: str
    """"done" or "dropped"; "pending" ("half done", "haven't yet") only when asked for."""
    path: str
    date: date
    line: int
    context: str = ""
    """The heading or label the statement sits under ("Follow-ups", "Rota")."""
    after: str = ""
    """The next sentence in the same paragraph or item, which often names the topic."""
    negated: bool = False
    """Status comes from a negation ("no longer", "haven't"): for "stop …" commitments that means done."""


# --------------------------------------------------------------------------- words


def _words(text: str) -> frozenset[str]:
    """A word list written as one string (easier to read and extend than a list literal)."""
    return frozenset(text.split())


def _pairs(text: str) -> dict[str, str]:
    """'from:to' pairs written as one string."""
    return dict(pair.split(":", 1) for pair in text.split())


_STOP = _words(
    """
    a an the and or but nor so if then than that this these those there here of to in on at by for
    with from into onto about as up down out off over under again further once very just also too
    only own same such no not any all both each few more most other some own i me my myself we us
    our ours you your he him his she her it its they them their what which who whom whose when where
    why how is am are was were be been being do does did done doing have has had having get got make
    made go went going take took will would shall should can could may might must need let lets i'll
    i'm i've i'd we'll we're it's that's don't didn't won't can't now still even really actually
    maybe probably first next last one thing things something e.g i.e etc way lot bit instead though
    however although because while before after until without within during across around against
    between through two three four five six seven eight nine ten
    """
)
# Irregular forms the suffix stripper cannot reach; mapped to a shared base.
_IRREGULAR = _pairs(
    """
    wrote:write written:write sent:send met:meet told:tell ran:run gave:give given:give took:take
    taken:take did:do done:do had:have made:make went:go gone:go got:get bought:buy brought:bring
    built:build chose:choose chosen:choose drew:draw drawn:draw kept:keep led:lead left:leave
    paid:pay spoke:speak spoken:speak spent:spend taught:teach thought:think began:begin begun:begin
    held:hold heard:hear found:find sold:sell won:win came:come shown:show grew:grow grown:grow
    knew:know known:know hired:hire people:person rewrote:rewrite rewritten:rewrite saw:see seen:see
    drove:drive driven:drive rode:ride flew:fly forgot:forget forgotten:forget lost:lose meant:mean
    slept:sleep stood:stand understood:understand caught:catch fought:fight sought:seek felt:feel
    dealt:deal sat:sit hung:hang shook:shake woke:wake fed:feed rang:ring sang:sing wore:wear
    """
)
_SUFFIXES = ("ings", "ing", "ied", "ies", "ed", "es", "s")
_TOKEN = re.compile(r"[a-z0-9£$€]+(?:[:'][a-z0-9]+)*")  # keeps 1:1 and don't whole


def stem(word: str) -> str:
    """A crude, deterministic stem so that booked/books/booking and write/written meet."""
    word = _IRREGULAR.get(word, word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + ("y" if suffix in ("ied", "ies") else "")
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # planned -> plann -> plan
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


@lru_cache(maxsize=65536)
def content_words(text: str) -> frozenset[str]:
    """Stemmed words that carry meaning (stop words and possessives removed)."""
    words = _TOKEN.findall(fold(text).lower().replace("’", "'"))
    words = [w[:-2] if w.endswith("'s") else w.replace(":1s", ":1") for w in words]
    return frozenset(stem(w) for w in words if w not in _STOP and len(w) > 1)


def containment(small: frozenset[str], large: frozenset[str]) -> float:
    """Share of `small`'s words found in `large` (0 when `small` is empty)."""
    return len(small & large) / len(small) if small else 0.0


def fold(text: str) -> str:
    """Curly quotes to straight ones, emoji and other symbols removed."""
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"}))
    return "".join(ch for ch in text if unicodedata.category(ch) != "So")


# --------------------------------------------------------------------------- markup

_LINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]|\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`|~~)(?=\S)(.+?)(?<=\S)\1")
_UNDERSCORE = re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")


def strip_markup(text: str) -> str:
    """Markdown emphasis, code ticks and links reduced to their text; length may change."""
    text = _LINK.sub(lambda m: m.group(2) or m.group(1) or m.group(3), fold(text))
    for _ in range(2):  # nested emphasis such as **_x_**
        text = _EMPHASIS.sub(r"\2", text)
        text = _UNDERSCORE.sub(r"\1", text)
    return text


_QUOTED = re.compile(r'"([^"\n]*?)([.!?,]?)"|“([^”\n]*?)([.!?,]?)”')


def _blank(match: re.Match[str]) -> str:
    """A quoted span with its words replaced by x, keeping a final . ! ? so sentences still end."""
    inner, end = (
        (match.group(1), match.group(2)) if match.group(1) is not None else (match.group(3), match.group(4))
    )
    return '"' + "x" * len(inner) + end + '"'


def mask_quotes(text: str) -> str:
    """Text with double-quoted spans blanked (same length): quoted speech is not the author's plan."""
    return _QUOTED.sub(_blank, text)


_ABBREVIATIONS = ("e.g.", "i.e.", "dr.", "mr.", "ms.", "mrs.", "vs.", "etc.", "approx.", "no.", "st.")
# A sentence ends at . ! ? before any word (informal notes often start sentences in lower case),
# and at a line break before a capital or after terminal punctuation.
_BOUNDARY = re.compile(
    r"(?<=[.!?])\s+(?=[\"'(\[]?\w)|(?<=[.!?])[\"')\]]+\s+(?=[\"'(\[]?[A-Z0-9])"
    r"|\n(?=[A-Z0-9])|(?<=[.!?:;])\s*\n"
)


def _abbreviated(head: str, following: str) -> bool:
    """True when the full stop ending `head` most likely closes an abbreviation, not a sentence."""
    if head.lower().endswith(_ABBREVIATIONS) or re.search(r"(?:^|\s)\w\.$", head):
        return True
    # "ch. 3", "approx. ten": a short word before a stop, then lower case or a digit.
    return bool(re.search(r"(?:^|\s)[a-z]{1,3}\.$", head)) and not following[:1].isupper()


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in text; splitting is done on a quote-masked copy."""
    masked, spans, start = mask_quotes(text), [], 0
    for match in _BOUNDARY.finditer(masked):
        head = masked[start : match.start()].rstrip()
        if not head or _abbreviated(head, masked[match.end() : match.end() + 1]):
            continue
        spans.append((start, match.start()))
        start = match.end()
    if masked[start:].strip():
        spans.append((start, len(masked)))
    return spans


# --------------------------------------------------------------------------- blocks


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


# --------------------------------------------------------------------------- lead-ins

_NOT_NAMES = _words(
    """
    I We It This That The They He She You There Everyone Nobody Someone Somebody Team Each Both All
    Maybe Then Also Next Now Today Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    What Who When Where Why How If Which Our My Your His Her Their Nothing Everything Anyone
    Anything One Two Three Nobody Management Life Time Things
    """
)
_NAME = r"(?P<name>[A-Z][a-zà-ÿ'-]+(?: [A-Z][a-zà-ÿ'-]+)?)"
_FILLER = re.compile(
    r"^(?:(?:so|and|then|also|ok(?:ay)?|now|but|plus|right|anyway|honestly|fine|finally)\b,?\s+"
    r"|(?:I think|I guess|maybe|probably|hopefully|perhaps)\s+"
    r"|(?:this week|next week|tomorrow|today|tonight|from now on|going forward|"
    r"starting (?:now|today|tomorrow|\w+day|next \w+|this \w+)|from (?:now|today|tomorrow|\w+day|next \w+)|"
    r"on \w+day|in \d{4}|this (?:month|quarter|year)|next (?:month|quarter|year|session))\s*,?\s+(?=I\b))",
    re.IGNORECASE,
)
_SEP = r"\s*(?::|\s-\s)\s*"  # "Action: x" or "Action - x", not "decision-rights"
_I_FORMS: list[tuple[str, re.Pattern[str]]] = [
    (
        "action",
        re.compile(rf"^(?:action(?: item| point)?s?|next steps?|a/i|homework|plan){_SEP}", re.IGNORECASE),
    ),
    ("todo", re.compile(rf"^(?:todo|to-do|to do){_SEP}|^TODO\b\s*", re.IGNORECASE)),
    (
        "agreed",
        re.compile(
            rf"^(?:agreed|we agreed|decision|decided|commitment){_SEP}"
            r"|^(?:we|I) agreed (?:that )?I(?:'d| would|'ll| will)\s+",
            re.IGNORECASE,
        ),
    ),
    (
        "next_time",
        re.compile(
            r"^next (?:time|session|meeting),?\s+I(?:'ll| will|'m going to| am going to)\s+", re.IGNORECASE
        ),
    ),
    ("i_will", re.compile(r"^I(?:'ll| will| shall)\s+(?:definitely\s+|also\s+|actually\s+)?")),
    (
        "going_to",
        re.compile(
            r"^(?:I(?:'m| am) )?(?:going to|gonna)\s+(?!(?:the|a|an|my|our|this|that|be)\b)", re.IGNORECASE
        ),
    ),
    (
        "committed",
        re.compile(r"^I(?:'ve| have)?\s*(?:committed|promised|agreed|resolved|decided|pledged|vowed) to\s+"),
    ),
    ("need_to", re.compile(r"^I (?:really )?(?:need|have|must|'ve got|have got) to\s+|^I must\s+")),
    ("should", re.compile(r"^I (?:really )?should\s+(?!have\b|'ve\b|be\b)")),
    ("intend", re.compile(r"^I(?:'d| would)? (?:want|like|plan|intend|aim|hope|mean) to\s+")),
    (
        "suggested",
        re.compile(
            rf"^(?:he|she|they|{_NAME})\s+"
            r"(?:(?:suggested|recommended|proposed|advised)(?: that)?\s+(?:I|we)\s+"
            r"(?:should\s+)?|(?:asked|told|wants|advised|encouraged|challenged) me to\s+)",
            re.IGNORECASE,
        ),
    ),
    ("owner_will", re.compile(rf"^{_NAME}(?: will|'ll| is going to)\s+")),
    ("owner_to", re.compile(rf"^{_NAME} to\s+(?=[a-z])")),  # minutes style: "Ade to send the paper"
    ("owner_label", re.compile(rf"^{_NAME}:\s+")),  # in action lists: "- Ade: intro to Marcus"
    ("self_label", re.compile(r"^(?:me|myself|I)\s*:\s+", re.IGNORECASE)),  # "- Me: write the RFC"
]
_PREFIX_STYLES = frozenset({"action", "todo", "agreed"})
_OWNED_STYLES = frozenset({"owner_will", "owner_to", "owner_label"})
# Styles that may begin a sentence anywhere in prose (as opposed to only inside an action list).
_INLINE_STYLES = _words(
    """
    action agreed committed going_to i_will need_to next_time owner_to owner_will should suggested
    todo
    """
)
# Verbs after "I'll" that predict or feel rather than commit ("I'll be", "I'll see").
_WEAK_VERBS = _words(
    """
    be see feel think know want like love hate probably never remember regret miss admit bet guess
    wonder believe hear find end lose forget
    """
)
_OBLIGATION_WEAK = _WEAK_VERBS | {"have", "accept", "understand", "do"}
# "I'd" is hypothetical ("I'd like to") unless a past participle follows ("I'd told Rachel").
_HYPOTHETICAL = re.compile(
    r"^(?:if|unless|whether|what if|in case|even if|would|could|might|i would)\b"
    r"|^i'd\s+(?!\w+ed\b|(?:told|sent|met|done|made|had|written|given|taken|been|got|kept|left)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Lead:
    """What a lead-in phrase told us: where the commitment text starts, its style and owner."""

    end: int
    style: str
    owner: str = "me"


def _skip_filler(text: str) -> int:
    """Offset past conjunctions, hedges and time phrases ("So I think", "Starting Monday")."""
    offset = 0
    while match := _FILLER.match(text[offset:]):
        offset += match.end()
    return offset


def _is_person(match: re.Match[str], style: str, names: frozenset[str] | None) -> bool:
    """False when the capitalised word in front of 'will' / 'to' / 'suggested' is not a person.
    "<Name> to <verb>" and "<Name>: …" need a known proper noun: "Move to weekly", "Rota: …" are not."""
    name = match.groupdict().get("name")
    if not name:
        return True
    first = name.split()[0]
    if first in _NOT_NAMES:
        return False
    return style not in ("owner_to", "owner_label") or (names is not None and first in names)


def _match_form(
    text: str, start: int, styles: frozenset[str] | None, names: frozenset[str] | None
) -> _Lead | None:
    """The first lead-in form (of the allowed styles) matching at start."""
    for style, pattern in _I_FORMS:
        if styles is not None and style not in styles:
            continue
        match = pattern.match(text[start:])
        if match and _is_person(match, style, names):
            owner = match.group("name") if style in _OWNED_STYLES else "me"
            return _Lead(start + match.end(), style, owner)
    return None


def _read_lead(
    text: str, styles: frozenset[str] | None = None, names: frozenset[str] | None = None
) -> _Lead | None:
    """The commitment lead-in at the start of text ("I'll", "Action:", "Ade suggested I"), if any.
    After a label ("Action: Ade will …") a second lead-in may give the owner."""
    lead = _match_form(text, _skip_filler(text), styles, names)
    if lead is None or lead.style not in _PREFIX_STYLES:
        return lead
    inner_styles = frozenset(style for style, _ in _I_FORMS) - _PREFIX_STYLES - {"intend"}
    inner = _match_form(text, lead.end + _skip_filler(text[lead.end :]), inner_styles, names)
    return _Lead(inner.end, lead.style, inner.owner) if inner else lead


_PROPER = re.compile(r"(?<=[a-z,;] )([A-Z][a-zà-ÿ'-]+)")


def proper_nouns(note: Note) -> frozenset[str]:
    """Capitalised words the note uses mid-sentence (people, places), plus the mentor's first name."""
    found = {word.removesuffix("'s") for word in _PROPER.findall(note.body)}
    if note.mentor:
        found.add(note.mentor.split()[0])
    return frozenset(found - _NOT_NAMES)


def finish_text(text: str) -> str:
    """Commitment text tidied: whitespace, leading 'to', trailing punctuation, first capital."""
    text = re.sub(r"\s+", " ", text).strip()
    if text.count('"') == 2 and text.startswith('"') and text.endswith('"'):
        text = text[1:-1]
    text = re.sub(r"^(?:to|try to|make sure to)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"[\s.,;:!-]+$", "", text)
    return text[:1].upper() + text[1:]


def _good_rest(rest: str, weak: frozenset[str]) -> bool:
    """Enough substance after the lead-in, and not a prediction or feeling."""
    words = rest.split()
    if len(words) < 2 or not content_words(rest):
        return False
    return words[0].lower().strip(",.") not in weak


# --------------------------------------------------------------------------- commitments


def _make(note: Note, text: str, lead: _Lead | None, line: int, style: str) -> Commitment:
    """A Commitment from tidied text."""
    owner = lead.owner if lead else "me"
    return Commitment(finish_text(text), owner, note.path, note.date, note.mentor, line, style)


def _line_at(block: Block, offset: int) -> int:
    """Body line number of a character offset inside a block."""
    return block.line + block.text.count("\n", 0, offset)


def _item_commitment(
    note: Note, block: Block, default_style: str, names: frozenset[str]
) -> Commitment | None:
    """An item of an action list (or an unchecked box): its first sentence, lead-in removed."""
    spans = sentences(block.text)
    if not spans:
        return None
    start, end = spans[0]
    first, masked = block.text[start:end].strip(), mask_quotes(block.text[start:end]).strip()
    if masked.endswith("?") or _DONE_LEAD.match(first) or _DROPPED_LEAD.match(first):
        return None
    lead = _read_lead(first, names=names)
    rest = first[lead.end :] if lead else first
    if not _good_rest(rest, frozenset()):
        return None
    style = default_style if default_style == "checkbox" or lead is None else lead.style
    return _make(note, rest, lead, block.line, style)


def _inline_commitments(note: Note, block: Block, names: frozenset[str]) -> Iterator[Commitment]:
    """Sentences in prose that open with a commitment phrase."""
    for start, end in sentences(block.text):
        sentence = block.text[start:end].strip()
        masked = mask_quotes(sentence)
        lead = _read_lead(masked, _INLINE_STYLES, names)
        if (
            lead is None
            or masked.rstrip().endswith("?")
            or _HYPOTHETICAL.match(masked[_skip_filler(masked) :])
        ):
            continue
        rest = sentence[lead.end :]
        weak = _OBLIGATION_WEAK if lead.style in ("need_to", "should") else _WEAK_VERBS
        if _good_rest(rest, weak):
            yield _make(note, rest, lead, _line_at(block, start), lead.style)


def _short_plain_line(block: Block) -> bool:
    """A plain line under an action heading counts as an item when brief and not a report."""
    if block.kind != "para" or "\n" in block.text or len(block.text.split()) > 20:
        return False
    return _cue(mask_quotes(block.text)) is None or _read_lead(block.text) is not None


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


def parse_blocks(note: Note) -> list[Block]:
    """The note body as blocks (exposed for callers that want sections, e.g. agendas)."""
    return _Parser(note.body).run()


def extract_commitments(note: Note) -> list[Commitment]:
    """Every commitment written in the note, deduplicated, in body order."""
    names = proper_nouns(note)
    found = [c for block in parse_blocks(note) for c in _block_commitments(note, block, names)]
    return _dedupe(found)


# --------------------------------------------------------------------------- follow-ups

_DONE_LEAD = re.compile(r"^(?:done|completed|finished|did it|achieved)\s*[:\-!.]\s*", re.IGNORECASE)
_DROPPED_LEAD = re.compile(
    r"^(?:dropped|parked|abandoned|cancelled|canceled|won't do|not doing)\s*[:\-]\s*", re.IGNORECASE
)
_DROPPED = re.compile(
    r"\b(?:dropped|dropping|parked|parking|shelved|abandoned|scrapped|ditched|gave up|giving up|given up|"
    r"let (?:it |that |this )?go|let go of|lapsed|fell off|fell by the wayside|fell through|"
    r"didn't stick|did not stick|(?:only )?lasted (?:a|an|one|two|three|four|five|six|\d+) (?:day|week)s?)\b",
    re.IGNORECASE,
)
_NEGATED_DROP = re.compile(
    r"\b(?:no longer|not going to|decided not to|decided against|won't be)\b", re.IGNORECASE
)
_PENDING = re.compile(
    r"\b(?:half|partly|partially|not yet|yet to|still (?:open|pending|to do|need|waiting|not)|"
    r"in progress|ongoing|need to|needs to|not done|not started)\b",
    re.IGNORECASE,
)
_NEGATED_PENDING = re.compile(r"\b(?:haven't|hasn't|didn't|did not|have not|has not|never)\b", re.IGNORECASE)
_DONE_WORDS = re.compile(
    r"\[x\]|\b(?:done|finished|completed|sorted|shipped|submitted|merged|booked|sent|delivered|"
    r"accepted|achieved|handled|fixed|in place|is live|is working|are working|is helping|"
    r"going (?:well|fine|great|ok))\b|\b(?:have|has|got)\b[^.;]*\bnow\b",
    re.IGNORECASE,
)
_PARTICIPLES = (
    "done|got|gotten|taken|written|given|gone|seen|begun|sent|made|built|kept|left|met|paid|"
    "run|won|told|bought|brought|found|held|heard|chosen|spoken|grown|shown|known"
)
# "have been + -ing" is ongoing, not finished, so "been" is deliberately not a participle here.
_PERFECT = re.compile(
    rf"\b(?:I've|I have|we've|we have|has|have|'s) (?:\w+ed|{_PARTICIPLES})\b", re.IGNORECASE
)
_IRREGULAR_PAST = _words(
    """
    did went took had made got sent met wrote told gave ran began bought brought built chose came
    drew drove found flew forgot kept knew led left lost paid saw sold spoke spent stood taught
    threw understood woke won held heard rang rode sat shook stuck swore tore
    """
)
_NOT_PAST = _words(
    """
    tired scared worried interested excited surprised pleased embarrassed annoyed relieved stressed
    overwhelmed confused bored frustrated disappointed exhausted motivated energised energized
    supposed used based related concerned detailed limited mixed complicated dedicated experienced
    skilled hundred wicked naked sacred
    """
)
# Someone else's words ("Ade said …", "His advice: …") are advice, not the author's progress.
_SPEECH = re.compile(
    r"^(?!I\b)(?:[A-Z][\w'-]*|[Hh]e|[Ss]he|[Tt]hey|[Yy]ou)(?: [a-z]\w*)?\s+(?:said|says|suggested|suggests|"
    r"thinks|reckons|told me|recommended|recommends|advised|pointed out|asked|wants|warned|argued|replied)\b"
    r"|^(?:his|her|their|[A-Z][\w-]*'s) "
    r"(?:line|advice|point|take|rule|reaction|view|suggestion|feedback|words|answer|response)s?\b",
)


def _is_past(word: str) -> bool:
    """A past-tense verb by form (regular -ed or a common irregular)."""
    word = word.lower()
    if word in _IRREGULAR_PAST or word in ("agreed", "freed"):
        return True
    # need/proceed end in -ed without being past; short words (red, bed) rarely are.
    return len(word) > 4 and word.endswith("ed") and word not in _NOT_PAST and not word.endswith("eed")


def _reports_progress(masked: str) -> bool:
    """Done-words, a perfect tense or a past-tense verb in the sentence."""
    if _DONE_WORDS.search(masked) or _PERFECT.search(masked):
        return True
    return any(_is_past(word) for word in re.findall(r"[A-Za-z]+", masked))


def _cue(masked: str) -> tuple[str, bool] | None:
    """(status, negated) the sentence's own words give, or None when it reports nothing."""
    if _DROPPED.search(masked):
        return "dropped", False
    if _NEGATED_DROP.search(masked):
        return "dropped", True
    if _PENDING.search(masked):
        return "pending", False
    if _NEGATED_PENDING.search(masked):
        return "pending", True
    return ("done", False) if _reports_progress(masked) else None


# Sections that hold someone's advice ("What Ade said", "His rules") report nobody's progress.
_ADVICE_HEADING = re.compile(
    r"\b(?:said|says|advice|advised|suggested|suggestions?|rules|tips|recommendations?|recommended)\b",
    re.IGNORECASE,
)


def _mentor_label(note: Note) -> re.Pattern[str] | None:
    """'Ade:' / "Ade's take:" at the start of a line reports the mentor's advice, not progress."""
    if not note.mentor:
        return None
    first = re.escape(note.mentor.split()[0])
    return re.compile(rf"^{first}(?:'s \w+)?\s*:", re.IGNORECASE)


def _not_a_report(masked: str, advice: re.Pattern[str] | None) -> bool:
    """Questions, plans, hypotheticals and other people's advice are not progress reports."""
    body = masked[_skip_filler(masked) :].strip()
    if not body or body.endswith("?") or _HYPOTHETICAL.match(body) or _SPEECH.match(body):
        return True
    if advice is not None and advice.match(body):
        return True
    return _read_lead(body, (_INLINE_STYLES | {"intend"}) - {"agreed"}) is not None


@dataclass(frozen=True)
class _Sentence:
    """One sentence of a block, with what it says about progress."""

    offset: int
    text: str
    reportable: bool
    cue: tuple[str, bool] | None


def _read_sentence(block: Block, start: int, end: int, advice: re.Pattern[str] | None) -> _Sentence:
    """Classify one sentence: an explicit 'Done:'/'Dropped:' lead, a cue, or not a report."""
    sentence, masked = block.text[start:end].strip(), mask_quotes(block.text[start:end]).strip()
    for lead, status in ((_DONE_LEAD, "done"), (_DROPPED_LEAD, "dropped")):
        if match := lead.match(sentence):
            return _Sentence(start, sentence[match.end() :], True, (status, False))
    if _not_a_report(masked, advice):
        return _Sentence(start, sentence, False, None)
    return _Sentence(start, sentence, True, _cue(masked))


def _settle_in_progress_section(following: _Sentence | None) -> tuple[str, bool]:
    """A cue-less sentence under a 'Follow-ups' heading: the next sentence's warning, else done."""
    if following is not None and following.cue is not None and following.cue[0] != "done":
        return following.cue
    return ("done", False)


def _may_report(block: Block) -> bool:
    """Blocks whose sentences can be progress reports: not a new action list, not advice."""
    if block.section == "action" and block.kind != "heading":
        return False  # items of a new action list are plans, even when they mention the past
    return not _ADVICE_HEADING.search(block.context)


def _sentence_cue(block: Block, sentence: _Sentence, following: _Sentence | None) -> tuple[str, bool] | None:
    """A sentence's cue; under a progress heading a cue-less statement still reports progress."""
    if (
        sentence.cue is None
        and sentence.reportable
        and block.section == "progress"
        and block.kind != "heading"
    ):
        return _settle_in_progress_section(following)
    return sentence.cue


def _block_followups(note: Note, block: Block, advice: re.Pattern[str] | None) -> Iterator[FollowUp]:
    """Follow-ups from one block: a checked box, or sentences that report progress."""
    if block.checkbox == "x":
        text = finish_text(block.text.split("\n")[0])
        yield FollowUp(text, "done", note.path, note.date, block.line, block.context)
        return
    if not _may_report(block):
        return
    read = [_read_sentence(block, start, end, advice) for start, end in sentences(block.text)]
    for sentence, following in zip(read, [*read[1:], None], strict=True):
        cue = _sentence_cue(block, sentence, following)
        if cue is not None:
            after = finish_text(following.text) if following else ""
            line = _line_at(block, sentence.offset)
            text = finish_text(sentence.text)
            yield FollowUp(text, cue[0], note.path, note.date, line, block.context, after, cue[1])


def extract_followups(note: Note, include_pending: bool = False) -> list[FollowUp]:
    """Statements in the note that report an earlier commitment done or dropped (or, optionally, pending)."""
    advice = _mentor_label(note)
    found = [f for block in parse_blocks(note) for f in _block_followups(note, block, advice)]
    return [f for f in found if include_pending or f.status != "pending"]
