"""How coach quotes and shortens text inside its own sentences."""

from __future__ import annotations


def short(text: str, limit: int = 160) -> str:
    """One line, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def quoted(text: str) -> str:
    """Text in curly quotes, for quoting a note inside a sentence of ours (on one line)."""
    return f"“{' '.join(text.split())}”"
