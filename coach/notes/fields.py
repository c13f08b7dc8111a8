"""Note metadata from front matter, file name and body, with type checks that warn instead of crash."""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePosixPath

from coach.notes.dates import coerce_date, date_from_filename, date_from_first_line
from coach.notes.model import KINDS
from coach.notes.roles import ROLES, infer_role, role_value

HANDLED_KEYS = frozenset({"date", "mentor", "mentors", "kind", "tags", "role", "title"})
_SCALARS = (str, int, float, bool, date)
_HEADING = re.compile(r"#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*")
_FENCE = re.compile(r"[ \t]{0,3}(```|~~~)")
_WITH_NAME = re.compile(
    r"(?<![^\W_])(?i:with)[ _-]+([^\W\d_][^\W_]*(?:[ _][^\W\d_][^\W_]*)?)"
)
_MENTOR_LINE = re.compile(
    r"[ \t]*(?:[-*+][ \t]+)?[*_]*(?i:mentor)[*_]*[ \t]*:[*_]*[ \t]*(.+?)[ \t]*"
)
_SESSION_WORDS = re.compile(
    r"(?<![a-z])(?:sessions?|call|catch-?ups?)(?![a-z])|(?<!\d)1[-:]1(?!\d)"
)
# A "Mentor:" line is header material; deeper in the body it is more likely prose.
_MENTOR_LINE_WINDOW = 20
_MAX_NAME_WORDS = 4


def _show(value: object) -> str:
    """A short repr for warnings, so a huge value cannot flood the log."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def lowered_keys(fields: dict) -> dict:
    """Front-matter keys matched case-insensitively; the first spelling wins."""
    lowered: dict = {}
    for key, value in fields.items():
        lowered.setdefault(key.strip().lower(), value)
    return lowered


def extra_fields(fields: dict) -> dict:
    """Front-matter keys the Note does not model, as parsed."""
    return {
        key: value
        for key, value in fields.items()
        if key.strip().lower() not in HANDLED_KEYS
    }


def resolve_date(
    value: object, name: str, mtime: float, warn: list[str], body: str = ""
) -> tuple[date, str]:
    """Front-matter date, else a date in the file name, else a first line that is only a date,
    else the modification time."""
    found = coerce_date(value)
    if found:
        return found, "front_matter"
    if value is not None:
        warn.append(f"front matter 'date' is not a date: {_show(value)}; ignored")
    found = date_from_filename(name)
    if found:
        return found, "filename"
    found = date_from_first_line(body)
    if found:
        return found, "body"
    return _mtime_date(mtime), "mtime"


def _mtime_date(mtime: float) -> date:
    """Local calendar day of a modification time; the epoch for an impossible timestamp."""
    try:
        return date.fromtimestamp(mtime)
    except (OverflowError, OSError, ValueError):
        return date(1970, 1, 1)


def _name_value(value: object, key: str, warn: list[str]) -> str | None:
    """A person's name from a string or the first string of a list."""
    if isinstance(value, str):
        first = value.split(",")[0] if key == "mentors" else value
        return first.strip() or None
    if isinstance(value, list) and value and isinstance(value[0], str):
        if key == "mentor":
            warn.append("front matter 'mentor' is a list; using its first item")
        return value[0].strip() or None
    if value not in (None, [], ""):
        warn.append(f"front matter '{key}' is not a name: {_show(value)}; ignored")
    return None


def front_matter_mentor(meta: dict, warn: list[str]) -> str | None:
    """`mentor`, else the first of `mentors`."""
    return _name_value(meta.get("mentor"), "mentor", warn) or _name_value(
        meta.get("mentors"), "mentors", warn
    )


def _capitalised_words(text: str) -> str | None:
    """The leading run of capitalised words (a name), or None."""
    words = []
    for word in re.split(r"[ _]", text):
        if not word[:1].isupper():
            break
        words.append(word)
    return " ".join(words) or None


def _mentor_from_line(body: str) -> str | None:
    """A `Mentor: Name` line near the top of the body."""
    for line in body.split("\n", _MENTOR_LINE_WINDOW)[:_MENTOR_LINE_WINDOW]:
        match = _MENTOR_LINE.fullmatch(line)
        if match:
            name = match.group(1).strip("*_ \t")
            words = name.split()
            if name[:1].isalpha() and 0 < len(words) <= _MAX_NAME_WORDS:
                return name
    return None


def infer_mentor(stem: str, body: str) -> str | None:
    """A conservative guess: "with Name" in the file name or a `Mentor: Name` line."""
    match = _WITH_NAME.search(stem)
    if match:
        name = _capitalised_words(match.group(1))
        if name:
            return name
    return _mentor_from_line(body)


def front_matter_kind(value: object, warn: list[str]) -> str | None:
    """A valid lowercase kind, "other" for unknown strings, None when absent or not text."""
    if value is None:
        return None
    if not isinstance(value, str):
        warn.append(
            f"front matter 'kind' is not text: {_show(value)}; inferred instead"
        )
        return None
    kind = value.strip().lower()
    if kind in KINDS:
        return kind
    warn.append(f"unknown kind {_show(value)}; using 'other'")
    return "other"


def infer_kind(stem: str, heading: str | None, mentor: str | None) -> str:
    """Guess the kind from the file name and first heading."""
    text = f"{stem}\n{heading or ''}".lower()
    if "reflection" in text:
        return "reflection"
    if "agenda" in text:
        return "agenda"
    if mentor or _SESSION_WORDS.search(text):
        return "session"
    return "other"


def parse_tags(value: object, warn: list[str]) -> tuple[str, ...]:
    """Tags from a list or a comma-separated string, de-duplicated in order."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        warn.append(f"front matter 'tags' is not a list: {_show(value)}; ignored")
        return ()
    if not all(isinstance(item, _SCALARS) for item in value):
        warn.append("front matter 'tags' has nested items; they were ignored")
    tags = (str(item).strip() for item in value if isinstance(item, _SCALARS))
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def parse_role(value: object, warn: list[str]) -> str | None:
    """Front-matter role: mentee, reverse or mentor (lowercased); anything else warns and is ignored."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        role = role_value(value)
        if role is None:
            warn.append(f"front matter 'role' must be one of {', '.join(ROLES)}: {_show(value)}; ignored")
        return role
    warn.append(f"front matter 'role' is not text: {_show(value)}; ignored")
    return None


def first_heading(body: str) -> str | None:
    """Text of the first `# ` heading outside code fences."""
    in_fence = False
    for line in body.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.fullmatch(line)
        if match:
            return match.group(1).strip()
    return None


def choose_title(value: object, heading: str | None, stem: str, warn: list[str]) -> str:
    """Front-matter title, else the first heading, else the file stem."""
    if (
        isinstance(value, _SCALARS)
        and not isinstance(value, bool)
        and str(value).strip()
    ):
        return str(value).strip()
    if value is not None:
        warn.append(f"front matter 'title' is not usable text: {_show(value)}; ignored")
    return heading or stem


def describe(fields: dict, body: str, rel_path: str, mtime: float) -> dict:
    """Keyword arguments for Note (everything but path, body, sha256 and body_offset)."""
    warn: list[str] = []
    meta = lowered_keys(fields)
    name = PurePosixPath(rel_path).name
    stem = PurePosixPath(rel_path).stem
    heading = first_heading(body)
    day, source = resolve_date(meta.get("date"), name, mtime, warn, body)
    mentor = front_matter_mentor(meta, warn) or infer_mentor(stem, body)
    kind = front_matter_kind(meta.get("kind"), warn) or infer_kind(
        stem, heading, mentor
    )
    tags = parse_tags(meta.get("tags"), warn)
    title = choose_title(meta.get("title"), heading, stem, warn)
    role = parse_role(meta.get("role"), warn) or infer_role(title, stem, tags, body, mentor)
    return {
        "date": day,
        "date_source": source,
        "mentor": mentor,
        "kind": kind,
        "tags": tags,
        "role": role,
        "title": title,
        "extra": extra_fields(fields),
        "warnings": warn,
    }
