"""The mentee's own sentences in a note, quoted verbatim with their line, and where each one stands:
worry, intention, action or confidence (rules, not a model)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from coach.notes.model import Note
from coach.notes.provenance import is_coach_written
from coach.text import fold, mask_quotes, read_blocks, sentence_spans, stem

# How far a sentence shows the mentee has moved on something, lowest first.
STANCES = ("worry", "intention", "action", "confidence")
LEVEL = {name: level for level, name in enumerate(STANCES)}
MIN_WORDS, MAX_WORDS = 4, 60

_WORRY = re.compile(
    r"\b(?:worr(?:y|ied|ying)|afraid|scared|nervous|dread\w*|anxious|anxiety|panic\w*|imp[oa]st[eo]r|"
    r"overwhelm\w*|stuck|struggl\w*|frustrat\w*|guilty|embarrass\w*|terrif\w*|fraud|awkward|"
    r"uncomfortable|exhausted|drowning|not sure|unsure|no idea|doubt\w*|out of my depth|"
    r"(?:don't|do not|didn't) know (?:how|what|if|whether|where)|hard|difficult|feared|"
    r"bad at|fail(?:ed|ing)?|relaps\w*|lapsed|I feel like|I felt like)\b",
    re.IGNORECASE,
)
# "wasn't nervous", "don't feel like an imposter", "no longer dread": a worry named to say it has gone.
_NEGATED_WORRY = re.compile(
    r"(?:\b(?:not|never|no longer|without|stopped)\b|n't\b)(?:\W+\w+){0,4}?\W+" + _WORRY.pattern[2:-2] + r"\b",
    re.IGNORECASE,
)
_CONFIDENT = re.compile(
    r"\b(?:proud|confiden\w*|enjoy(?:ed|ing)?|calm(?:ly)?|went (?:well|fine|ok)|comfortable|easier|"
    r"relieved|pleased|passed|no regrets|felt (?:good|great|right)|got a laugh|it worked|that worked|"
    r"landed|nailed)\b",
    re.IGNORECASE,
)
_INTENT = re.compile(
    r"\bI(?:'ll| will|'m going to| am going to| want to| need to| should| plan to| intend to| mean to|"
    r"'d like to| would like to)\b",
    re.IGNORECASE,
)
# First-person past actions; verbs of thinking and wanting are not actions.
_NOT_ACTIONS = frozenset(
    "wanted needed hoped felt thought realised realized noticed worried wondered liked loved hated "
    "guessed assumed imagined expected used seemed tried feared promoted matched based supposed "
    "scheduled called named".split()
)
_IRREGULAR_PAST = frozenset(
    "did gave told said ran wrote sent led taught spoke held kept met got built made took "
    "went brought bought chose drew found paid sold won shared handed".split()
)
_I_PAST = re.compile(r"\b(?:I|we)\s+(?:\w+ly\s+|finally\s+|even\s+|also\s+|then\s+)?([a-z]+)\b")
_LABEL = re.compile(r"^[^:]{1,30}:\s+")
# The subject and verb of a sentence's main clause sit within its first few words ("Today I finally booked").
MAIN_CLAUSE_WORDS = 5
_LEAD_PAST = re.compile(r"^\W*([A-Z][a-z]+)\b")
_COUNTERFACTUAL = re.compile(r"\b(?:would|could|should|might|must)(?: not|n't)? have\b|\b(?:would|could|should)'ve\b",
                             re.IGNORECASE)
# "waiting to feel confident" is not feeling it yet.
_WISH = re.compile(r"\b(?:wait\w*|want\w*|wish\w*|hop(?:e|ed|ing)|tr(?:y|ied|ying)) to\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|myself|mine)\b")
BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+(?:\[[ xX]?\]\s*)?")
_SKIP_LINE = re.compile(r"^\s*(?:#|>|```|~~~|\||---)")
# Blocks that hold the mentee's prose; quotes, code and tables are someone else's words or not prose.
_PROSE = ("paragraph", "list_item", "checkbox", "label", "speaker")


@dataclass(frozen=True)
class Statement:
    """One sentence as written in a note (verbatim), with its place and stance."""

    text: str
    path: str
    date: date
    line: int
    """1-based line in the file."""
    stance: str
    context: str = ""
    """The heading the sentence sits under."""
    mentor: str | None = None
    topic: frozenset[str] = frozenset()
    """Stemmed words of the note's title and tags: what the whole note is about."""

    @property
    def level(self) -> int:
        return LEVEL[self.stance]

    @property
    def words(self) -> frozenset[str]:
        """Every word of the sentence and its heading, stemmed (stop words kept: "one-pager" needs "one")."""
        return stems(f"{self.context} {self.text}")

    def to_json(self) -> dict:
        return {"quote": self.text, "path": self.path, "date": self.date.isoformat(), "line": self.line,
                "stance": self.stance}


def stems(text: str) -> frozenset[str]:
    """All words of a text, stemmed the way the themes stem their terms."""
    return frozenset(stem(word) for word in re.findall(r"[a-z0-9]+", fold(text).lower()))


def _is_past(word: str) -> bool:
    lowered = word.lower()
    if lowered in _NOT_ACTIONS:
        return False
    return lowered in _IRREGULAR_PAST or (lowered.endswith("ed") and len(lowered) > 4)


def _acts(masked: str) -> bool:
    """'I booked …', 'Today we shipped …', or a note-style 'Booked the …' (the I left out): the action
    leads the sentence; 'Nobody knew, because I kept replying' is not the mentee acting."""
    masked = _LABEL.sub("", masked)
    opening = " ".join(masked.split()[:MAIN_CLAUSE_WORDS])
    if any(_is_past(m.group(1)) for m in _I_PAST.finditer(opening)):
        return True
    lead = _LEAD_PAST.match(masked)
    return lead is not None and _is_past(lead.group(1))


def stance(sentence: str) -> str | None:
    """Where a first-person sentence stands, or None when it is someone else's or says nothing of the kind."""
    masked = fold(mask_quotes(sentence))  # quoted speech is someone else's words; ’ read as '
    lead = _LEAD_PAST.match(masked)
    if _COUNTERFACTUAL.search(masked):
        return None  # "I would have been pleased" did not happen
    if not _FIRST_PERSON.search(masked) and not (lead and _is_past(lead.group(1))):
        return None
    if _NEGATED_WORRY.search(masked) or (_CONFIDENT.search(masked) and not _WORRY.search(masked)
                                         and not _INTENT.search(masked) and not _WISH.search(masked)):
        return "confidence"
    if _WORRY.search(masked):
        return "worry"
    if _acts(masked) and not _INTENT.search(masked):
        return "action"
    if _INTENT.search(masked):
        return "intention"
    return None


def heading_at(note: Note, line: int) -> str:
    """The heading that file line `line` of a note sits under (empty when none)."""
    heading = ""
    for block in read_blocks(note.body, note.body_offset, front_matter=False):
        if block.start > line:
            break
        heading = block.heading
    return heading


def note_statements(note: Note) -> list[Statement]:
    """Every first-person sentence with a stance, quoted exactly as the file has it (one line each)."""
    found: list[Statement] = []
    for block in read_blocks(note.body, note.body_offset, front_matter=False):
        if block.kind not in _PROSE:
            continue
        for index, line in enumerate(block.raw.split("\n")):
            if _SKIP_LINE.match(line):
                continue
            text = line[bullet.end():] if (bullet := BULLET.match(line)) else line
            for start, end in sentence_spans(text):
                found += _statement(note, text[start:end].strip(), block.start + index, block.heading)
    return found


def whole_sentence(sentence: str) -> bool:
    """A complete sentence of the author's: not a label ("Things that worked:"), not a piece of a quotation."""
    if sentence.endswith(":") or sentence[:1] in "\"“”'‘":
        return False
    return sentence.count('"') % 2 == 0 and sentence.count("“") == sentence.count("”")


def _statement(note: Note, sentence: str, line: int, context: str) -> list[Statement]:
    words = sentence.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or not whole_sentence(sentence):
        return []
    where = stance(sentence)
    if where is None:
        return []
    topic = stems(" ".join((note.title, *note.tags)))
    return [Statement(sentence, note.path, note.date, line, where, context, note.mentor, topic)]


def mentee_notes(notes: list[Note]) -> list[Note]:
    """Notes in the mentee's own voice: not coach's own output, not agendas, not notes where the user mentors."""
    return [n for n in notes if not is_coach_written(n) and n.kind not in ("agenda", "principle")
            and n.role != "mentor"]
