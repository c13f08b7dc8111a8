"""Markdown markup stripped, quoted speech masked, and text split into sentences."""

from __future__ import annotations

import re

from coach.notes.commitments.words import fold

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
