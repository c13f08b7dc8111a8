"""Which relationship a question is about: notes where you teach your mentor, or where you mentor someone.

Mirrors how notes say it (coach/notes/roles.py): "reverse mentoring", "I taught/coached my mentor";
"my mentee", "a trainee", "mentoring him", "as Josh's mentor". A question that says neither is
about any relationship. A note without a `role` takes its person's usual one: a note with someone
every other note says you mentor is a mentoring note too.
"""

from __future__ import annotations

import re
from collections import Counter

_REVERSE = re.compile(r"\breverse[ _-]?mentor(?:ing|ed|s)?\b", re.IGNORECASE)
_TAUGHT = r"\bI\s+(?:taught|showed|coached|trained|mentored)\s+(?:my\s+)?(?:{who})\b"
_SENIOR = "mentor|boss|manager|head|director|lead|vp|supervisor"
_MENTORING = re.compile(
    r"\b(?:my|a|the|our)\s+(?:mentee|trainee)s?\b|\bI(?:'m| am)\s+(?:now\s+)?mentoring\b"
    r"|\bmentoring\s+(?:him|her|them)\b|\bas\s+(?:his|her|their|[^\W\d_]+['’]s)\s+mentor\b",
    re.IGNORECASE,
)
USUAL_SHARE = 0.5  # more than half of a person's notes carry the role: it is the relationship's


def role_asked(question: str, name_words: set[str]) -> str | None:
    """'reverse' or 'mentor' when the question is about that relationship; None otherwise."""
    who = "|".join([_SENIOR, *sorted(re.escape(word) for word in name_words)])
    if _REVERSE.search(question) or re.search(_TAUGHT.format(who=who), question, re.IGNORECASE):
        return "reverse"
    if _MENTORING.search(question):
        return "mentor"
    return None


def usual_roles(people_roles: list[tuple[str, str | None]]) -> dict[str, str]:
    """Person -> the role most of their notes carry, for the people that have one."""
    totals = Counter(person for person, _ in people_roles)
    counts = Counter((person, role) for person, role in people_roles if role)
    return {person: role for (person, role), n in counts.items() if n > USUAL_SHARE * totals[person]}
