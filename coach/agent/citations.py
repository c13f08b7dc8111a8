"""Checks the model's text against what was retrieved: real citations kept, invented ones and
exfiltration links (images, links to URLs nobody gave it) removed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from coach.agent.context import note_label
from coach.agent.events import Citation
from coach.retrieval.search import Hit

_DATE = r"(?:\d{4}-\d{2}-\d{2}|YYYY-MM-DD)"  # the prompt's placeholder, copied literally, is a citation too
# [2025-09-12, Ade] / [2025-09-12] / [principle: GROW] / [2025-09-12, Ade; 2025-10-03] — not a link's text
BRACKET = re.compile(r"\[([^\[\]\n]{1,160})\](?!\()")
# Loose forms a small model writes: (2025-09-12), (2025-09-12, Ade), (principle: GROW)
PAREN = re.compile(rf"\((\s*(?:{_DATE}|principle\s*:)[^()\n]{{0,140}})\)", re.IGNORECASE)
IMAGE = re.compile(r"!\[[^\]\n]*\]\s*(?:\([^)\n]*\)|\[[^\]\n]*\])")
LINK = re.compile(r"\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?[^)\n]*\)")
REF_DEF = re.compile(r"^[ \t]*\[[^\]\n]+\]:[ \t]*\S+.*$", re.MULTILINE)
BARE_URL = re.compile(r"(?:https?|ftp)://[^\s<>()\[\]]+|\bwww\.[^\s<>()\[\]]+", re.IGNORECASE)
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
DELIMITER = re.compile(r"<</?(?:note|principle)\b[^<>]*>>?", re.IGNORECASE)
_PRINCIPLE = re.compile(r"^\s*principle\s*:\s*(.+?)\s*$", re.IGNORECASE)
HOLD_LIMIT = 300  # an unclosed '[' or '(' longer than this is prose, not a citation being written
_DATED = re.compile(rf"^\s*({_DATE})\s*(?:[,;:–—-]\s*(.*?))?\s*$")
# A bracket opening with a year written some other way ("[2019-JAN, 4/7]", "[2025/09/12, Ade]") is a
# citation the model garbled: it can never be verified, so it goes like any invented one.
_YEAR_FIRST = re.compile(r"^\s*(?:19|20)\d{2}(?:[-/.,\s]|$)")


class CitationKind(StrEnum):
    """What a bracket's text cites, judged by its shape alone (whether it matches a source is `_match`'s job)."""

    NOTE = "note"  # [2025-09-12, Ade], [2025-09-12], a garbled year-first date
    PRINCIPLE = "principle"  # [principle: The GROW model]


@dataclass(frozen=True)
class Checked:
    """The answer as it may be shown, and every citation found in it."""

    text: str
    citations: list[Citation]


def check_answer(text: str, sources: list[Hit], question: str = "") -> Checked:
    """Strip exfiltration channels, then verify every citation against `sources`."""
    text = strip_exfiltration(text, allowed_urls(sources, question))
    found: list[Citation] = []
    text = BRACKET.sub(lambda m: _replace(m, sources, found), text)
    text = PAREN.sub(lambda m: _replace(m, sources, found), text)
    return Checked(_tidy(text), _unique(found))


def _replace(match: re.Match, sources: list[Hit], found: list[Citation]) -> str:
    """A verified citation is rewritten in canonical form; an unverified one disappears.
    Bracketed text that is no citation at all (no date, no 'principle:') is left alone."""
    parts = [part for part in re.split(r";", match.group(1)) if part.strip()]
    checked = [verify(part) for part in parts]
    if not any(c is not None for c in checked):
        return match.group(0)
    kept = []
    for part, target in zip(parts, checked):
        hit = _match(part, sources) if target else None
        found.append(Citation(label=part.strip(), path=hit.path if hit else None, verified=hit is not None))
        if hit is not None:
            kept.append(f"[{note_label(hit)}]")
    return " ".join(dict.fromkeys(kept))


def verify(label: str) -> CitationKind | None:
    """The kind of citation the label has the shape of, else None (bracketed text that cites nothing)."""
    if _PRINCIPLE.match(label):
        return CitationKind.PRINCIPLE
    if _DATED.match(label) or _YEAR_FIRST.match(label):
        return CitationKind.NOTE
    return None


def _match(label: str, sources: list[Hit]) -> Hit | None:
    principle = _PRINCIPLE.match(label)
    if principle:
        return _match_principle(principle.group(1), sources)
    dated = _DATED.match(label)
    return _match_note(dated.group(1), dated.group(2) or "", sources) if dated else None


def _match_principle(title: str, sources: list[Hit]) -> Hit | None:
    want = _norm(title)
    for hit in sources:
        have = _norm(hit.title or hit.path)
        if hit.source == "knowledge" and _contains(want, have):
            return hit
    return None


def _match_note(day: str, who: str, sources: list[Hit]) -> Hit | None:
    """Same date as a retrieved note, and the name (if any) agrees with its mentor, title or kind."""
    for hit in sources:
        if hit.source == "notes" and hit.date == day and _agrees(who, hit):
            return hit
    return None


def _agrees(who: str, hit: Hit) -> bool:
    want = _norm(who)
    if not want:
        return True
    for field in (hit.mentor, hit.title, hit.kind, hit.path):
        have = _norm(field or "")
        if _contains(want, have) or _shares_name(want, have):
            return True
    return False


def _contains(a: str, b: str) -> bool:
    """Whole-word containment either way: 'grow' is in 'the grow model', 'a' is not in 'ade'."""
    if not a or not b:
        return False
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "


def _shares_name(want: str, have: str) -> bool:
    """'Ade O' and 'Dr. Ade Okafor' share the name 'ade' (a word of 3+ letters)."""
    return bool({w for w in want.split() if len(w) >= 3} & set(have.split()))


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _unique(citations: list[Citation]) -> list[Citation]:
    return list(dict.fromkeys(citations))


# -- exfiltration ------------------------------------------------------------------------------


def allowed_urls(sources: list[Hit], question: str) -> set[str]:
    """URLs that appear verbatim in what the user gave or what was retrieved: the only ones allowed."""
    texts = [question, *(hit.text for hit in sources)]
    return {url.rstrip(".,;:!?'\"") for text in texts for url in BARE_URL.findall(text)}


def strip_exfiltration(text: str, allowed: set[str]) -> str:
    """No images at all; links and bare URLs only when allowed; no raw HTML; no echoed delimiters."""
    text = IMAGE.sub("", text)
    text = LINK.sub(lambda m: m.group(0) if _ok(m.group(2), allowed) else m.group(1), text)
    text = REF_DEF.sub("", text)
    text = DELIMITER.sub("", text)
    text = HTML_TAG.sub("", text)
    return BARE_URL.sub(lambda m: m.group(0) if _ok(m.group(0), allowed) else "[link removed]", text)


def _ok(url: str, allowed: set[str]) -> bool:
    url = url.rstrip(".,;:!?'\"")
    return bool(url) and url in allowed


def _tidy(text: str) -> str:
    """Close the gaps a removed citation leaves ('word  .' -> 'word.')."""
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    text = re.sub(r"(?<=\S)[ \t]{2,}", " ", text)
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    return text.strip()


# -- streaming: constructs still being written -------------------------------------------------


def open_construct(text: str) -> int:
    """Where an unclosed '[', '(', '<' or a trailing '!'/']' starts (it may become a citation or link)."""
    cut = len(text)
    for opener, closer in (("[", "]"), ("(", ")"), ("<", ">")):
        at = text.rfind(opener)
        if at >= 0 and text.find(closer, at) < 0 and len(text) - at < HOLD_LIMIT:
            cut = min(cut, at)
    stripped = text.rstrip()
    if stripped.endswith(("!", "]")):
        cut = min(cut, stripped.rfind("[") if stripped.endswith("]") else len(stripped) - 1)
    return max(cut, 0)


def drop_dangling(text: str) -> str:
    """A citation or link cut off mid-way (interruption, word cap) is dropped, not shown half-written."""
    pattern = r"!?\[[^\]\n]{0,160}(?:\]\([^)\n]*)?$|\((?:\d{4}-|principle)[^)\n]{0,140}$|<[^>\n]*$"
    return re.sub(pattern, "", text).rstrip()
