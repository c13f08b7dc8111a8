"""Date windows a query names: a day, "last month", "3 weeks ago", a month, a season or school term, a year.

Month and season words are read as time only in a date context ("in March", "March 2025",
"5 March", "late November", "the March session", "spring term"): "march forward", "may I",
"an august body" and "spring cleaning" are not times. Every finder also reports where its
phrase is, so the words that only say *when* can be taken out of the topic.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_PART = r"(?:(early|mid|late|end of|start of|beginning of)[- ](?:the )?)?"
_MONTH = re.compile(rf"\b{_PART}({_MONTH_RE})\b\.?(?:,?\s+(\d{{4}})\b)?")
_MONTH_RANGE = re.compile(
    rf"\b({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\s*(?:and|to|through|till|until|-|–)\s*({_MONTH_RE})\b\.?(?:,?\s+(\d{{4}})\b)?"
)
_SEASON = re.compile(
    rf"\b{_PART}(spring|summer|autumn|fall|winter)(?:\s+(term|semester))?\b(?:,?\s+(\d{{4}})\b)?"
)
_YEAR = re.compile(r"\b(?:in|of|during|from|since|for|through|throughout)\s+((?:19|20)\d\d)\b|\b((?:19|20)\d\d)'?s\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_AGO = re.compile(r"\b(\d+|a|one|two|three|four|five|six)\s+(day|week|month|year)s?\s+ago\b")
_RELATIVE = re.compile(r"\b(last|this|previous|past) (month|week|year)\b|\byesterday\b")
_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}

# Words before a month or season that make it a time: "in March", "since May", "last spring".
_BEFORE = frozenset(
    "in during since until till before after by of from through throughout around last this next "
    "early mid late between and to over the".split()
)
_LEAD_OK = frozenset({"the", "and", "to"})  # only count when a time word precedes them too
_DAY_BEFORE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?(?: of)?\s*$")
_DAY_AFTER = re.compile(r"^\s+\d{1,2}(?:st|nd|rd|th)?\b(?!\d|:)")
_MEETING_AFTER = re.compile(
    r"^\s+(?:\w+\s+)?(?:sessions?|meetings?|calls?|catch[- ]?ups?|check[- ]ins?|reviews?|notes?|chats?|1[:-]1s?)\b"
)
# Season windows (northern hemisphere), and school terms / semesters: (start month, day), (end month, day).
_SEASONS = {"spring": ((3, 1), (5, 31)), "summer": ((6, 1), (8, 31)), "autumn": ((9, 1), (11, 30)),
            "fall": ((9, 1), (11, 30)), "winter": ((12, 1), (2, 28))}
_TERMS = {"autumn": ((9, 1), (12, 31)), "fall": ((9, 1), (12, 31)), "spring": ((1, 1), (4, 14)),
          "summer": ((4, 15), (7, 31)), "winter": ((1, 1), (3, 31))}
_SEMESTERS = {"fall": ((8, 15), (12, 31)), "autumn": ((8, 15), (12, 31)), "spring": ((1, 1), (5, 31)),
              "summer": ((6, 1), (8, 15)), "winter": ((1, 1), (3, 31))}


@dataclass(frozen=True)
class Window:
    """A date range a phrase names, and where the phrase is in the text."""

    start: date
    end: date
    span: tuple[int, int]


def find_windows(text: str, today: date) -> list[Window]:
    """Every window `text` (lowercased) names, most specific finder first."""
    found: list[Window] = []
    for finder in (_iso_days, _relative, _ago, _seasons, _month_ranges, _months, _years):
        found.extend(finder(text, today))
    return found


def _iso_days(text: str, today: date) -> list[Window]:
    out = []
    for match in _ISO.finditer(text):
        try:
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
        out.append(Window(day - timedelta(days=3), day + timedelta(days=3), match.span()))
    return out


def _relative(text: str, today: date) -> list[Window]:
    out = []
    for match in _RELATIVE.finditer(text):
        which, unit = match.group(1), match.group(2)
        start, end = _relative_window(which, unit, today)
        out.append(Window(start, end, match.span()))
    return out


def _relative_window(which: str | None, unit: str | None, today: date) -> tuple[date, date]:
    if which is None:  # yesterday
        return today - timedelta(days=1), today - timedelta(days=1)
    if unit == "month":
        if which == "this":
            return today.replace(day=1), today
        prev_end = today.replace(day=1) - timedelta(days=1)
        return prev_end.replace(day=1), prev_end
    if unit == "week":
        if which == "this":
            return today - timedelta(days=today.weekday()), today
        return today - timedelta(days=13), today
    if which == "this":
        return date(today.year, 1, 1), today
    if which == "past":
        return today - timedelta(days=365), today
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


def _ago(text: str, today: date) -> list[Window]:
    out = []
    for match in _AGO.finditer(text):
        raw, unit = match.group(1), match.group(2)
        amount = int(raw) if raw.isdigit() else _WORDS[raw]
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * amount
        centre = today - timedelta(days=days)
        slack = max(2, days // 4)
        out.append(Window(centre - timedelta(days=slack), centre + timedelta(days=slack), match.span()))
    return out


def _in_date_context(text: str, match: re.Match, part: str | None, year: str | None) -> bool:
    """A month or season word is a time only with a part, a year, a day, a meeting word or a time preposition."""
    if part or year:
        return True
    before, after = text[: match.start()], text[match.end():]
    if _DAY_BEFORE.search(before) or _DAY_AFTER.match(after) or _MEETING_AFTER.match(after):
        return True
    return _preposition_before(before)


def _preposition_before(before: str) -> bool:
    """'in March', 'since May', 'over the summer', 'between March and' — not 'to march', 'the march'."""
    words = re.findall(r"[a-z]+", before)[-2:]
    if not words or words[-1] not in _BEFORE:
        return False
    if words[-1] in _LEAD_OK:
        return len(words) == 2 and words[0] in _BEFORE - _LEAD_OK
    return True


def _month_ranges(text: str, today: date) -> list[Window]:
    """'March to May 2025', 'between March and April': one window over both months."""
    out = []
    for match in _MONTH_RANGE.finditer(text):
        name1, year1, name2, year2 = match.groups()
        if not (year1 or year2 or _preposition_before(text[: match.start()]) or "between" in text[max(0, match.start() - 9): match.start()]):
            continue
        m1, m2 = MONTHS[name1], MONTHS[name2]
        y2 = int(year2) if year2 else int(year1) + (m2 < m1) if year1 else _latest_year_for(m2, today)
        y1 = int(year1) if year1 else (y2 if m1 <= m2 else y2 - 1)
        out.append(Window(date(y1, m1, 1), date(y2, m2, calendar.monthrange(y2, m2)[1]), match.span()))
    return out


def _month_in_context(text: str, match: re.Match, part: str | None, name: str, year: str | None) -> bool:
    if name == "may" and not (part or year):
        # 'may' is usually the verb ("I may", "may I", "we may call"): only a preposition or a day makes it May.
        before = text[: match.start()]
        return bool(_DAY_BEFORE.search(before)) or _preposition_before(before) and not before.rstrip().endswith(" the")
    return _in_date_context(text, match, part, year)


def _months(text: str, today: date) -> list[Window]:
    out = []
    for match in _MONTH.finditer(text):
        part, name, year = match.groups()
        if not _month_in_context(text, match, part, name, year):
            continue
        month = MONTHS[name]
        year_num = int(year) if year else _latest_year_for(month, today)
        last = calendar.monthrange(year_num, month)[1]
        lo, hi = _part_days(part, last)
        out.append(Window(date(year_num, month, lo), date(year_num, month, hi), match.span()))
    return out


def _part_days(part: str | None, last: int) -> tuple[int, int]:
    ranges = {"early": (1, 10), "start of": (1, 10), "beginning of": (1, 10), "mid": (10, 20),
              "late": (18, last), "end of": (20, last)}
    lo, hi = ranges.get(part or "", (1, last))
    return lo, min(hi, last)


def _latest_year_for(month: int, today: date) -> int:
    """A bare month means the most recent one that has started."""
    return today.year if month <= today.month else today.year - 1


def _seasons(text: str, today: date) -> list[Window]:
    out = []
    for match in _SEASON.finditer(text):
        part, name, unit, year = match.groups()
        if not (unit or _in_date_context(text, match, part, year)):
            continue
        table = {"term": _TERMS, "semester": _SEMESTERS}.get(unit or "", _SEASONS)
        if year:
            out.append(Window(*_season_days(table[name], int(year)), match.span()))
            continue
        for end_year in (today.year + 1, today.year, today.year - 1):  # the latest one that has started
            start, end = _season_days(table[name], end_year)
            if start <= today:
                out.append(Window(start, end, match.span()))
                break
    return out


def _season_days(bounds, year: int) -> tuple[date, date]:
    """A season ending in `year` (winter starts the December before)."""
    (m1, d1), (m2, d2) = bounds
    start = date(year if m1 <= m2 else year - 1, m1, d1)
    return start, date(year, m2, min(d2, calendar.monthrange(year, m2)[1]))


def _years(text: str, today: date) -> list[Window]:
    out = []
    for match in _YEAR.finditer(text):
        year = int(match.group(1) or match.group(2))
        out.append(Window(date(year, 1, 1), date(year, 12, 31), match.span()))
    return out
