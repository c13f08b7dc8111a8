"""Speech cues: the patterns that say who is speaking in a note — quotes, "X said / told me / suggested",
transcript speaker labels ("HELEN: …"), lead-in lines ("Her advice:") and sections of someone's advice.

One home for what the growth mirror's attribution, the commitment reader and the citation checks used to
write each on their own. Patterns only (and the one rule that needs nothing else: whether a quote speaks to
"you"); deciding which known person a cue names needs the people of the notes and stays above this layer."""

from __future__ import annotations

import re

SPEECH_VERBS = (r"said|says|told|tells|asked|asks|added|adds|replied|replies|answered|suggested|suggests|"
                r"pointed out|points out|reminded|put it|wrote|writes|laughed|went on")
"""Verbs that report speech, as one regex alternation."""


PRONOUNS = r"he|she|they|He|She|They"
"""Subject pronouns a speech cue may use for a speaker named earlier."""


_NOT_NAMES = r"(?!(?:Then|And|But|So|Later|Afterwards|Also|When|After|Before|Today|Yesterday|Once|Finally|Still)\b)"
# Capitalised words that open a sentence but name nobody ("Then he said …").


CUE = re.compile(
    rf"\b(?P<who>{_NOT_NAMES}(?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+)?|{PRONOUNS}|I)\s+(?:\w+,?\s+){{0,2}}?"
    rf"(?P<verb>{SPEECH_VERBS})\b(?:\s+(?:to\s+)?(?P<whom>me|us|him|her|them|the\s+[\w-]+|a\s+[\w-]+|[A-Z]\w+))?"
)
"""A speech cue before the words: who (a capitalised name of up to two words, a pronoun, or "I"), a speech
verb, and maybe whom it was said to ("Kwame told me", "she said to the class")."""


CUE_AFTER = re.compile(rf"^[,\s]*(?P<who>(?:[A-Z][\w'’-]+)|{PRONOUNS})\s+(?P<verb>{SPEECH_VERBS})\b")
"""A speech cue right after a quote: '“…,” she said'."""


NAME_LABEL = re.compile(r"^\s*(?:[-*+•]\s+|\d{1,2}[.)]\s+)?(?:\*\*)?(?P<who>[A-Z][\w'’ .-]{0,30}?)(?:\*\*)?:\s*(?:\*\*)?")
"""A line opened by a name and a colon ("Ade: “…”", "- **Helen**: …")."""


SPEAKER_LINE = re.compile(r"^\s*([A-Z][A-Za-z'’.-]{0,20}):\s+(\S.*)$")
"""A transcript line, any case of label: ("HELEN", "So. The deep dive.")."""


OTHER_PRESENT = re.compile(r"\b(?i:asked|told|with|to|from|and|by|for)\s+(?:Mr |Mrs |Ms |Dr |Miss )?([A-Z][a-z]+)")
"""Someone else present in the sentence: a pronoun may be theirs ("Asked Sue … — she said no")."""


ADVICE_WORDS = r"(?:advice|words|line|rule|rules|view|answer|take|reply|verdict)"
"""Nouns for what someone said ("Ade's advice", "her verdict")."""


LEAD_IN = re.compile(rf"(?:\b(?:{SPEECH_VERBS})\b|\bthen|\badvice|\bwords|\bline|\brule)[^:]*:\s*$", re.IGNORECASE)
"""A line that introduces what someone said, with the words below it ("He said:", "Her advice:")."""


REPORTING = re.compile(r"^(?:said|says|told|pointed out|reminded|thinks)$")
"""The speech verbs that report a view ("He pointed out that I …"), matched against a cue's verb."""


ADVICE_HEADING = re.compile(
    r"\b(?:said|says|advice|advised|suggested|suggestions?|rules|tips|recommendations?|recommended|take)\b",
    re.IGNORECASE,
)
"""A section that holds someone's advice ("What Ade said", "His rules"): it plans nothing of the writer's."""


LIST_MARKER = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+")
"""A bullet or a number opening a list item."""


LIST_MARKER_AND_BOX = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+(?:\[[ xX]?\]\s*)?")
"""A list marker with the checkbox after it, if any (to strip from a line)."""

# What is said, and to whom.

MIN_QUOTE_WORDS = 3

QUOTE = re.compile(r'"([^"\n]{8,400})"|“([^”\n]{8,400})”')
"""A quotation of at least a few words, straight or curly."""


YOU = re.compile(r"\b(?:you|your|you're|you've|you'll|yours|yourself)\b", re.IGNORECASE)
"""Words that address the listener."""


REQUEST = re.compile(r"\b(?:could|can|would|will) you\b", re.IGNORECASE)
"""A request ("could you …") is not the speaker's view of the listener."""



def to_you(quote: str) -> bool:
    """Words that speak to the listener: "you …", not a request, long enough to mean something."""
    return bool(YOU.search(quote)) and not REQUEST.search(quote) and len(quote.split()) >= MIN_QUOTE_WORDS
