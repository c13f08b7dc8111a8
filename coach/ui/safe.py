"""Untrusted text (notes, model output, file names, errors) made safe to show: never markup, no escapes."""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content

# CSI / OSC / two-byte escape sequences: a note pasted from a terminal must not drive ours.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# C0 and C1 controls except tab and newline; DEL too.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A line this long is a pasted blob, not prose: shown shortened so layout stays quick.
MAX_LINE = 5_000


def clean(text: object, max_line: int = MAX_LINE) -> str:
    """Text with escapes and control characters removed and absurdly long lines shortened."""
    value = _ANSI.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n").replace("\x1b", "")
    value = _CONTROL.sub("", value)
    if len(value) > max_line and any(len(line) > max_line for line in value.split("\n")):
        value = "\n".join(_clip(line, max_line) for line in value.split("\n"))
    return value


def _clip(line: str, limit: int) -> str:
    return line if len(line) <= limit else line[:limit] + f" … ({len(line) - limit:,} more characters)"


def one_line(text: object, width: int = 200) -> str:
    """A single cleaned line of at most `width` characters (titles, list rows, notifications)."""
    flat = " ".join(clean(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def note_label(day: str | None, path: str) -> str:
    """`2026-11-17 · rosa - delegation and hiring`: the file name without its extension or a repeated date."""
    name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if day and name.startswith(day):
        name = name[len(day):].lstrip(" -_") or name
    return f"{day} · {name}" if day else name


def plain(text: object, style: str = "") -> Content:
    """Content that shows the text literally, whatever brackets it contains."""
    return Content.styled(clean(text), style) if style else Content(clean(text))


def cell(text: object, width: int = 200) -> Text:
    """A literal one-line table cell (DataTable would read a plain str as markup)."""
    return Text(one_line(text, width), no_wrap=True, overflow="ellipsis")


def highlighted(text: str, words: tuple[str, ...] | list[str], style: str = "bold $accent") -> Content:
    """Content with every case-insensitive occurrence of `words` styled (search snippets)."""
    content = Content(one_line(text, 400))
    lowered = content.plain.lower()
    for word in {w.lower() for w in words if w}:
        for match in re.finditer(re.escape(word), lowered):
            content = content.stylize(style, match.start(), match.end())
    return content
