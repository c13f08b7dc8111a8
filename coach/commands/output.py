"""Terminal output for the CLI: rich text that never interprets note text as markup."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.text import Text

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one message, one line (the terminal wraps it)


# C0/C1 controls (ESC, BEL, CSI U+009B, ...) and the bidi overrides/isolates that reorder what a terminal
# shows (U+202A-U+202E, U+2066-U+2069: "Trojan Source"); newline and tab are kept.
_UNSAFE = frozenset(
    [chr(c) for c in range(0x20) if chr(c) not in "\n\t"] + [chr(0x7F)] + [chr(c) for c in range(0x80, 0xA0)]
    + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)
_JSON_ESCAPES = {ord(ch): f"\\u{ord(ch):04x}" for ch in _UNSAFE if ch >= "\x7f"}


def emit_json(data: object) -> None:
    """JSON for scripts; characters a terminal would act on are written as \\uXXXX escapes (same value)."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(text.translate(_JSON_ESCAPES) + "\n")  # C0 controls are escaped by json already
    sys.stdout.flush()


def plain(text: str, style: str = "") -> Text:
    """Untrusted text as a Text object: brackets, markup and escapes stay literal."""
    return Text(_strip_controls(text), style=style)


def _strip_controls(text: str) -> str:
    """Drop terminal control characters (ANSI escapes, C1 controls, bidi overrides) but keep newlines and tabs."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes from a file name: show them as \\xNN, never crash
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch for ch in text if ch not in _UNSAFE)


def highlighted(text: str, words: list[str] | tuple[str, ...]) -> Text:
    body = plain(text)
    for word in words:
        body.highlight_words([word], style="bold yellow", case_sensitive=False)
    return body


def error(message: str) -> None:
    err.print(plain(f"coach: {message}", "red"))


def info(message: str) -> None:
    err.print(plain(message, "dim"))
