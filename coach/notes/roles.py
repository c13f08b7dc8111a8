"""Who mentors whom in a note: `role:` front matter (mentee | reverse | mentor), else inferred when the
note clearly says so ("reverse mentoring", "I taught Ade …", "my mentee")."""

from __future__ import annotations

import re

ROLES = ("mentee", "reverse", "mentor")
DEFAULT_ROLE = "mentee"
"""The user is the mentee unless a note says otherwise."""
_ALIASES = {"reverse-mentoring": "reverse", "reverse mentoring": "reverse", "reverse-mentor": "reverse",
            "mentoring": "mentor"}
_REVERSE = re.compile(r"\breverse[ _-]?mentor(?:ing|ed)?\b", re.IGNORECASE)
_MENTORING_OTHERS = re.compile(r"\bmy mentee\b|\bmentee session\b|\bI(?:'m| am) (?:now )?mentoring\b", re.IGNORECASE)
# How many lines of the body count as its header, where a note says what kind of meeting it was.
HEAD_LINES = 8


def role_value(value: str) -> str | None:
    """A front-matter role, normalised; None when it is not one coach knows."""
    role = value.strip().lower()
    role = _ALIASES.get(role, role)
    return role if role in ROLES else None


def _taught_mentor(text: str, mentor: str | None) -> bool:
    """'I taught Ade …' / 'I showed Ade how …' / 'I was Ade's mentor' with the note's own mentor named."""
    if not mentor:
        return False
    names = {w for w in re.findall(r"[^\W\d_]+", mentor) if len(w) > 1 and w[0].isupper()}
    if not names:
        return False
    who = "|".join(re.escape(n) for n in names)
    pattern = rf"\bI (?:taught|showed|coached|mentored|walked) (?:{who})\b|\bI was (?:{who})'s mentor\b"
    return re.search(pattern, text) is not None


def infer_role(title: str, stem: str, tags: tuple[str, ...], body: str, mentor: str | None) -> str | None:
    """'reverse' or 'mentor' when the name, title, tags or header say so; None (the default) otherwise."""
    head = "\n".join(body.split("\n", HEAD_LINES)[:HEAD_LINES])
    where = "\n".join((stem, title, " ".join(tags), head))
    if _REVERSE.search(where) or _taught_mentor(f"{title}\n{head}", mentor):
        return "reverse"
    if _MENTORING_OTHERS.search(where):
        return "mentor"
    return None


def effective_role(role: str | None) -> str:
    """A note's role with the default filled in."""
    return role or DEFAULT_ROLE
