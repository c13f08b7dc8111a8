"""Lead-in phrases that open a commitment ("I'll", "Action:", "Ade suggested I") and tidying its text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.notes.model import Note
from coach.text import content_words, word_set

_NOT_NAMES = word_set(
    """
    I We It This That The They He She You There Everyone Nobody Someone Somebody Team Each Both All
    Maybe Then Also Next Now Today Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    What Who When Where Why How If Which Our My Your His Her Their Nothing Everything Anyone
    Anything One Two Three Nobody Management Life Time Things
    Mondays Tuesdays Wednesdays Thursdays Fridays Saturdays Sundays Weekends Mornings Evenings
    January February March April May June July August September October November December
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
        re.compile(
            r"^I(?:'ve| have)?\s*(?:committed|promised|agreed|resolved|decided|pledged|vowed) to\s+"
            # A promise told in the past is still owed: "I said I'd send her the targets".
            r"|^I (?:said|told \w+|promised(?: \w+)?) (?:that )?I(?:'d| would)\s+"
            # ... but not "I told Ade I'd failed" (a past perfect), "I'd rather", or a quoted answer.
            r"(?!rather\b|have\b|been\b|had\b|\w+ed\b|(?:done|made|got|told|sent|given|taken|written)\b|[\"“])"
        ),
    ),
    ("need_to", re.compile(r"^I (?:really )?(?:need|have|must|'ve got|have got) to\s+|^I must\s+")),
    ("should", re.compile(r"^I (?:really )?should\s+(?!have\b|'ve\b|be\b)")),
    ("intend", re.compile(r"^I(?:'d| would)? (?:want|like|plan|intend|aim|hope|mean) to\s+")),
    (
        "suggested",
        re.compile(
            rf"^(?:he|she|they|{_NAME})\s+"
            r"(?:(?:suggested|recommended|proposed|advised)(?: that)?\s+(?:I|we)\s+"
            # "wants me to" is a request standing; "asked me to" / "told me to" narrate one, often
            # already met ("she asked me to read one out, so I did").
            r"(?:should\s+)?|(?:wants|would like|advised|encouraged|challenged) me to\s+)",
            re.IGNORECASE,
        ),
    ),
    # "Ade will send me …" records a promise; "Kwame will tell you …" speaks to a reader (a letter to
    # one's past or future self, advice to someone else): a prediction, nobody's commitment.
    ("owner_will", re.compile(rf"^{_NAME}(?: will|'ll| is going to)\s+(?![a-z]+ you(?:rself)?\b)")),
    ("owner_to", re.compile(rf"^{_NAME} to\s+(?=[a-z])")),  # minutes style: "Ade to send the paper"
    ("owner_label", re.compile(rf"^{_NAME}:\s+")),  # in action lists: "- Ade: intro to Marcus"
    ("self_label", re.compile(r"^(?:me|myself|I)\s*:\s+", re.IGNORECASE)),  # "- Me: write the RFC"
]
_PREFIX_STYLES = frozenset({"action", "todo", "agreed"})
_OWNED_STYLES = frozenset({"owner_will", "owner_to", "owner_label"})
# Styles that may begin a sentence anywhere in prose (as opposed to only inside an action list).
INLINE_STYLES = word_set(
    """
    action agreed committed going_to i_will need_to next_time owner_to owner_will should suggested
    todo
    """
)
# Verbs after "I'll" that predict or feel rather than commit ("I'll be", "I'll see").
WEAK_VERBS = word_set(
    """
    be see feel think know want like love hate probably never remember regret miss admit bet guess
    wonder believe hear find end lose forget
    """
)
OBLIGATION_WEAK = WEAK_VERBS | {"have", "accept", "understand", "do"}
# "I'd" is hypothetical ("I'd like to") unless a past participle follows ("I'd told Rachel").
HYPOTHETICAL = re.compile(
    r"^(?:if|unless|whether|what if|in case|even if|would|could|might|i would)\b"
    r"|^i'd\s+(?!\w+ed\b|(?:told|sent|met|done|made|had|written|given|taken|been|got|kept|left)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Lead:
    """What a lead-in phrase told us: where the commitment text starts, its style and owner."""

    end: int
    style: str
    owner: str = "me"


# "Maybe I should …", "Perhaps I'll …": thinking aloud, not a commitment.
HEDGE = re.compile(r"\b(?:maybe|perhaps|possibly|might)\b", re.IGNORECASE)


def skip_filler(text: str) -> int:
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
) -> Lead | None:
    """The first lead-in form (of the allowed styles) matching at start."""
    for style, pattern in _I_FORMS:
        if styles is not None and style not in styles:
            continue
        match = pattern.match(text[start:])
        if match and _is_person(match, style, names):
            owner = match.group("name") if style in _OWNED_STYLES else "me"
            return Lead(start + match.end(), style, owner)
    return None


def read_lead(
    text: str, styles: frozenset[str] | None = None, names: frozenset[str] | None = None
) -> Lead | None:
    """The commitment lead-in at the start of text ("I'll", "Action:", "Ade suggested I"), if any.
    After a label ("Action: Ade will …") a second lead-in may give the owner."""
    lead = _match_form(text, skip_filler(text), styles, names)
    if lead is None or lead.style not in _PREFIX_STYLES:
        return lead
    inner_styles = frozenset(style for style, _ in _I_FORMS) - _PREFIX_STYLES - {"intend"}
    inner = _match_form(text, lead.end + skip_filler(text[lead.end :]), inner_styles, names)
    return Lead(inner.end, lead.style, inner.owner) if inner else lead


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


def good_rest(rest: str, weak: frozenset[str]) -> bool:
    """Enough substance after the lead-in, and not a prediction or feeling."""
    words = rest.split()
    if len(words) < 2 or not content_words(rest):
        return False
    return words[0].lower().strip(",.") not in weak
