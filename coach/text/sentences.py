"""Sentences: one rule-based splitter with character spans, and the markup and quote helpers it needs.

Rules, not pysbd: pysbd took 1.74 s over the 77 dev notes where these rules take 0.04 s, and this
runs over every note on `coach commitments`."""

from __future__ import annotations

import re

from coach.text.words import STOP_WORDS, fold

TOPIC_LABEL = re.compile(r"^[^:.!?]{1,40}:\s")
"""A short topic before a colon opening a sentence ("Rota: haven't touched it"); match.end() is after the colon's space."""
_LINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]|\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`|~~)(?=\S)(.+?)(?<=\S)\1")
_UNDERSCORE = re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")


def strip_markup(text: str) -> str:
    """Markdown emphasis, code ticks and links (also [[wiki|links]]) reduced to their text, after `fold`;
    the length may change."""
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
    """Text with double-quoted spans blanked to x's (same length): quoted speech is not the author's own."""
    return _QUOTED.sub(_blank, text)


_ABBREVIATIONS = (
    "e.g.", "i.e.", "dr.", "mr.", "ms.", "mrs.", "vs.", "etc.", "approx.", "no.", "st.", "a.m.", "p.m.",
)
_BULLET_START = r"[ \t]*(?:[-*+•]|\d{1,2}[.)])[ \t]"
# A sentence ends at . ! ? before any word (informal notes often start sentences in lower case),
# at a line break before a capital, a digit or a list marker, and at a line break after . ! ? : ;
_BOUNDARY = re.compile(
    r"(?<=[.!?])\s+(?=[\"'(\[]?\w)|(?<=[.!?])[\"')\]]+\s+(?=[\"'(\[]?[A-Z0-9])"
    rf"|\n(?=[A-Z0-9])|\n(?={_BULLET_START})|(?<=[.!?:;])\s*\n"
)


def _abbreviated(head: str, following: str) -> bool:
    """True when the full stop ending `head` most likely closes an abbreviation or an ellipsis that the
    sentence runs on after, not the sentence."""
    lowered = head.lower()
    if lowered.endswith(("a.m.", "p.m.", "...")):
        return not following[:1].isupper()  # "at 9 a.m. Then" ends; "at 9 a.m. tomorrow" goes on
    if lowered.endswith(_ABBREVIATIONS) or re.search(r"(?:^|\s)\w\.$", head):
        return True
    # "ch. 3", "fig. two": a short word that is no common word before a stop, then lower case or a digit.
    short = re.search(r"(?:^|\s)([a-z]{1,3})\.$", head)
    return short is not None and short.group(1) not in STOP_WORDS and (following[:1].islower() or following[:1].isdigit())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences in `text`, in order; `text[start:end]` is the sentence
    as written (strip it for display). Quoted speech never splits a sentence; "Dr.", "e.g.", "a.m.",
    "3.5" and "..." before lower case do not end one; line breaks before a capital, a digit or a list
    marker do."""
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


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped, in order."""
    return [text[start:end].strip() for start, end in sentence_spans(text)]
