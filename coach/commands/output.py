"""Terminal output for the CLI: rich text that never interprets note text as markup."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.text import Text

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one message, one line (the terminal wraps it)


def emit_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def plain(text: str, style: str = "") -> Text:
    """Untrusted text as a Text object: brackets, markup and escapes stay literal."""
    return Text(_strip_controls(text), style=style)


def _strip_controls(text: str) -> str:
    """Drop terminal control characters (ANSI escapes etc.) but keep newlines and tabs."""
    return "".join(ch for ch in text if ch in "\n\t" or ch >= " " and ch != "\x7f")


def highlighted(text: str, words: list[str] | tuple[str, ...]) -> Text:
    body = plain(text)
    for word in words:
        body.highlight_words([word], style="bold yellow", case_sensitive=False)
    return body


def error(message: str) -> None:
    err.print(plain(f"coach: {message}", "red"))


def info(message: str) -> None:
    err.print(plain(message, "dim"))
