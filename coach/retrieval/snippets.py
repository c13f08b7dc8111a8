"""Pick the passage window that shows the query's words, and say which words matched."""

from __future__ import annotations

import re

from coach.text import tokenize

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


def matched_words(query: str, text: str) -> list[str]:
    """Words of `text` whose stem is a query stem, in order of first appearance."""
    wanted = set(tokenize(query))
    seen: dict[str, None] = {}
    for word in _WORD.findall(text):
        if word.lower() not in seen and set(tokenize(word)) & wanted:
            seen[word.lower()] = None
    return list(seen)


def snippet(text: str, words: list[str], width: int = 240) -> str:
    """A window of about `width` characters around the densest run of matched words."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    lowered = flat.lower()
    positions = sorted(m.start() for w in words for m in re.finditer(re.escape(w), lowered))
    start = _best_start(positions, width) if positions else 0
    start = max(0, min(start, len(flat) - width))
    start = flat.rfind(" ", 0, start) + 1 if start else 0
    piece = flat[start : start + width].rsplit(" ", 1)[0]
    return ("…" if start else "") + piece + ("…" if start + len(piece) < len(flat) else "")


def _best_start(positions: list[int], width: int) -> int:
    """Start of the window (a bit before a match) that covers the most matches."""
    best, best_count = positions[0], 0
    for i, pos in enumerate(positions):
        count = sum(1 for other in positions[i:] if other < pos + width * 0.8)
        if count > best_count:
            best, best_count = pos, count
    return max(0, best - width // 5)
