"""What a follow-up and a commitment are matched on: the commitment's core and head clause, the
report's own words, and "Topic:" labels."""

from __future__ import annotations

import re
from functools import lru_cache

from coach.notes.commitments import FollowUp, content_words

# Two shared words at least, so that one shared name is never enough to say a report is about it.
MIN_SHARED = 2
# "Topic: status" lines name the commitment by a short label; a label of at most this many
# words, all of them in the commitment, is enough to say what the line is about.
LABEL_WORDS = 4
# A report sentence this short borrows its topic from the sentence after it ("Did the list. 41 things …").
SHORT_REPORT_WORDS = 4
# "Did the SBI conversation", "Marcus intro done": do/did/done stand in for the commitment's own verb.
_PRO_VERB = re.compile(r"\b(?:did|done|do)\b", re.IGNORECASE)

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    "oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_WHEN = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})|(?:{_MONTHS})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?|\w+days?|"
    r"(?:week|month|quarter|year|session|meeting|retro|time|morning|afternoon|evening|weekend)s?"
    r"|q[1-4]|h[12])"
)
# Scheduling ("by end of Feb", "this week", "before the next session") and asides in brackets
# say when, not what: a later report names the what.
_SCHEDULE = re.compile(
    r"\((?:[^()]*)\)|\b(?:by|before|after|from|on|in|at|until|within|during|this|next|every|each|"
    r"today|tomorrow|tonight)\b"
    r"(?:\s+(?:the|end|of|next|this|our|my|a|an|first|last|couple|few|one|two|three|four|five|six|\d+))*"
    rf"\s+{_WHEN}\b"
    rf"|\b(?:today|tomorrow|tonight|this week|next week)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=16384)
def core_text(commitment: str) -> str:
    """The commitment without its schedule and bracketed asides: what a later report would name."""
    core = _SCHEDULE.sub(" ", commitment)
    return core if content_words(core) else commitment


@lru_cache(maxsize=16384)
def head_text(commitment: str) -> str:
    """The first clause of the core ("Have coffee with Tom" from "…, and mostly ask questions")."""
    head = re.split(r"[,;:]|\s-\s|\s(?:and|but|so|then)\s", core_text(commitment), maxsplit=1)[0]
    return head if len(content_words(head)) >= MIN_SHARED else core_text(commitment)


def report_text(followup: FollowUp) -> str:
    """What a follow-up is embedded as: the sentence, and for a terse one the next sentence too."""
    if len(content_words(followup.text)) < SHORT_REPORT_WORDS and followup.after:
        return f"{followup.text}. {followup.after}"
    return followup.text


_LABEL = re.compile(r"^([^:]{1,40}):\s")


def _label_names(commitment: str, label: str) -> bool:
    """True when the label is one word written capitalised in the commitment: a person, who may
    figure in several commitments, so the label alone does not say which one."""
    words = label.split()
    return len(words) == 1 and re.search(rf"\b{re.escape(words[0].capitalize())}", commitment) is not None


def labels(commitment: str, followup: FollowUp) -> bool:
    """True when the report opens with a short "Topic:" label naming this commitment
    ("Rota: haven't touched it" for "Stop reviewing the rota")."""
    match = _LABEL.match(followup.text)
    if not match:
        return False
    words = content_words(match.group(1))
    if not words or len(words) > LABEL_WORDS or _label_names(commitment, match.group(1).strip()):
        return False
    return words <= content_words(core_text(commitment))


@lru_cache(maxsize=65536)
def report_words(followup: FollowUp) -> frozenset[str]:
    """What a follow-up is matched on lexically: its heading's words as well as the report's."""
    return content_words(f"{followup.context} {report_text(followup)}")


def names_itself(commitment: str, followup: FollowUp) -> bool:
    """True when the report's own words (not its heading's) name the commitment: two of the
    commitment's words, or one of them with do/did/done standing in for its verb."""
    words = content_words(core_text(commitment)) | content_words(head_text(commitment))
    shared = len(words & content_words(report_text(followup)))
    needed = min(MIN_SHARED, len(words))
    return shared >= needed or (shared >= 1 and _PRO_VERB.search(followup.text) is not None)
