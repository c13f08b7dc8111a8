"""Dates from note file names and front-matter values, validated as real calendar dates."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

# A separated date (2025-09-12, 2025_9_12, 2025.09.12) or a compact one (20250912),
# not glued to other digits so that ids like 120250912 are not misread.
_SEPARATED = re.compile(r"(?<!\d)(\d{4})([-_.])(\d{1,2})\2(\d{1,2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_VALUE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?")
# Compact digit runs are often not dates; only accept plausible years.
_MIN_YEAR, _MAX_YEAR = 1900, 2199


def _valid(year: str, month: str, day: str) -> date | None:
    """Build a date, or None when the parts are not a real calendar day."""
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if _MIN_YEAR <= found.year <= _MAX_YEAR else None


def date_from_filename(name: str) -> date | None:
    """The first valid date written anywhere in a file name, or None."""
    for match in _SEPARATED.finditer(name):
        found = _valid(match.group(1), match.group(3), match.group(4))
        if found:
            return found
    for match in _COMPACT.finditer(name):
        found = _valid(*match.groups())
        if found:
            return found
    return None


def coerce_date(value: object) -> date | None:
    """A front-matter value as a date (date, datetime, 'YYYY-MM-DD', 'YYYY/MM/DD'), else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = _VALUE.fullmatch(value.strip())
    return _valid(*match.groups()) if match else None


_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_NAMES["sept"] = 9
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?,?\s+)?"
_DAY_MONTH_YEAR = re.compile(rf"{_WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{{4}})")
_MONTH_DAY_YEAR = re.compile(rf"{_WEEKDAY}([a-z]+)\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})")


def date_from_first_line(body: str) -> date | None:
    """A date that is the whole first line of a body ("Wed 21 May 2025", "# 21 May 2025", "May 21, 2025")."""
    line = next((line for line in body.split("\n", 20)[:20] if line.strip()), "")
    text = line.strip().lstrip("#").strip().rstrip(".:").strip().lower()
    found = coerce_date(text)
    if found:
        return found
    match = _DAY_MONTH_YEAR.fullmatch(text)
    if match and match.group(2) in _MONTH_NAMES:
        return _valid(match.group(3), str(_MONTH_NAMES[match.group(2)]), match.group(1))
    match = _MONTH_DAY_YEAR.fullmatch(text)
    if match and match.group(1) in _MONTH_NAMES:
        return _valid(match.group(3), str(_MONTH_NAMES[match.group(1)]), match.group(2))
    return None
