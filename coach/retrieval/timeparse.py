"""Read the time a query names ("most recent", "first session", "last month", "in March") as a hint."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from coach.retrieval.keyword import tokenize

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

_RECENT = re.compile(
    r"\b(most recent(ly)?|latest|lately|recently|last (time|session|meeting|call|conversation|chat|1[:-]1)"
    r"|these days|nowadays|currently|current|newest)\b"
)
_EARLIEST = re.compile(
    r"\b(very first|first (session|meeting|call|time|conversation|chat|1[:-]1|one-on-one)"
    r"|earliest|originally|original|initially|at the (start|beginning)|in the beginning|early on)\b"
)
_MONTH_YEAR = re.compile(rf"\b(?:(early|mid|late)[- ])?({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b")
_YEAR = re.compile(r"\b(?:in|of|during|from)\s+((?:19|20)\d\d)\b|\b((?:19|20)\d\d)'s\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_AGO = re.compile(r"\b(\d+|a|one|two|three|four|six)\s+(day|week|month|year)s?\s+ago\b")
_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6}


@dataclass(frozen=True)
class TimeHint:
    """A soft preference: a date window to favour and/or an order (recent or earliest first)."""

    start: date | None = None
    end: date | None = None
    prefer: str | None = None  # "recent" | "earliest"
    topic: str = ""
    """The query with its time phrases taken out: what to match on."""

    @property
    def empty(self) -> bool:
        return self.start is None and self.end is None and self.prefer is None

    def contains(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def parse_time_hint(query: str, today: date) -> TimeHint:
    """The time hint in `query`, relative to `today`; an empty hint when the query names no time."""
    text = query.lower()
    prefer = "earliest" if _EARLIEST.search(text) else "recent" if _RECENT.search(text) else None
    start, end = _window(text, today)
    return TimeHint(start, end, prefer, _without_time_phrases(query))


_TIME_PHRASES = [_EARLIEST, _RECENT, _MONTH_YEAR, _YEAR, _ISO, _AGO, re.compile(
    r"\b(last|this|previous|past) (month|week|year)\b|\byesterday\b")]


def _without_time_phrases(query: str) -> str:
    """Remove the words that only say *when*, so 'first session' does not match a note titled 'first session'."""
    text = query.lower()
    for pattern in _TIME_PHRASES:
        text = pattern.sub(" ", text) if pattern is not _MONTH_YEAR else _drop_months(text)
    return " ".join(text.split())


def _drop_months(text: str) -> str:
    month_may = re.search(r"\bin may\b", text) is not None  # the same test _month_window uses

    def keep_may(match: re.Match) -> str:
        bare_may = match.group(2).lower() == "may" and not (match.group(1) or match.group(3))
        return match.group(0) if bare_may and not month_may else " "

    return _MONTH_YEAR.sub(keep_may, text)


def _window(text: str, today: date) -> tuple[date | None, date | None]:
    for finder in (_iso_day, _relative, _ago, _month_window, _year_window):
        found = finder(text, today)
        if found:
            return found
    return None, None


def _iso_day(text: str, today: date):
    match = _ISO.search(text)
    if not match:
        return None
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return day - timedelta(days=3), day + timedelta(days=3)


def _relative(text: str, today: date):
    if "last month" in text or "previous month" in text:
        first = today.replace(day=1)
        prev_end = first - timedelta(days=1)
        return prev_end.replace(day=1), prev_end
    if "this month" in text:
        return today.replace(day=1), today
    if "last week" in text or "past week" in text:
        return today - timedelta(days=13), today
    if "this week" in text:
        return today - timedelta(days=today.weekday()), today
    if "last year" in text:
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if "this year" in text:
        return date(today.year, 1, 1), today
    if "yesterday" in text:
        return today - timedelta(days=1), today - timedelta(days=1)
    return None


def _ago(text: str, today: date):
    match = _AGO.search(text)
    if not match:
        return None
    raw, unit = match.group(1), match.group(2)
    amount = int(raw) if raw.isdigit() else _WORDS[raw]
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * amount
    centre = today - timedelta(days=days)
    slack = max(2, days // 4)
    return centre - timedelta(days=slack), centre + timedelta(days=slack)


def _month_window(text: str, today: date):
    for match in _MONTH_YEAR.finditer(text):
        part, name, year = match.groups()
        if name == "may" and not (part or year) and not re.search(r"\bin may\b", text):
            continue  # "may" is usually the verb
        month = MONTHS[name]
        year_num = int(year) if year else _latest_year_for(month, today)
        last = calendar.monthrange(year_num, month)[1]
        lo, hi = {"early": (1, 10), "mid": (10, 20), "late": (18, last)}.get(part or "", (1, last))
        return date(year_num, month, lo), date(year_num, month, min(hi, last))
    return None


def _latest_year_for(month: int, today: date) -> int:
    """A bare month means the most recent one that has started."""
    return today.year if month <= today.month else today.year - 1


def _year_window(text: str, today: date):
    match = _YEAR.search(text)
    if not match:
        return None
    year = int(match.group(1) or match.group(2))
    return date(year, 1, 1), date(year, 12, 31)


# Re-ranking works on fused z-scores, so boosts are in standard deviations of the fused score.
WINDOW_BOOST = 0.5  # inside a named window: half a deviation, enough to break near-ties, not to rescue misses
ORDER_BOOST = 0.5  # 'first' / 'most recent': spread over the top few by date
ORDER_POOL = 6  # how many top notes compete on date

# Words that name a meeting rather than a topic: a query of only these (and names) is about *when*.
MEETING_WORDS = frozenset(tokenize(
    "session sessions meeting meetings call calls chat catch-up cover covered discuss discussed talk talked "
    "happen happened say said advice advise advised note notes agenda week month year mentor"
))


def is_time_only(topic: str, names: set[str]) -> bool:
    """True when the topic, once time words are gone, holds only meeting words and people's names."""
    return not (set(tokenize(topic)) - MEETING_WORDS - names)


def rerank_by_time(scores: dict[str, float], dates: dict[str, date], hint: TimeHint, time_only: bool) -> dict[str, float]:
    """Favour items inside a named window; for 'first'/'most recent', order the top few by date.

    When the query names only a time ("our first session of 2026"), the date decides outright."""
    out = dict(scores)
    if hint.start or hint.end:
        for key in out:
            out[key] += WINDOW_BOOST if hint.contains(dates[key]) else 0.0
    if hint.prefer:
        pool = sorted(out, key=out.get, reverse=True)[: len(out) if time_only else ORDER_POOL]
        if hint.start or hint.end:
            pool = [key for key in pool if hint.contains(dates[key])] or pool
        ordered = sorted(pool, key=lambda key: dates[key], reverse=hint.prefer == "earliest")
        if time_only:
            return _date_decides(out, ordered)
        step = ORDER_BOOST / max(len(ordered) - 1, 1)
        for position, key in enumerate(ordered):
            out[key] += step * position
    return out


def _date_decides(scores: dict[str, float], ordered: list[str]) -> dict[str, float]:
    """Put `ordered` (least preferred first) above every other item, in that order.

    The new scores stay within one unit of the old maximum: a boost of many score ranges would
    saturate the logistic display score at 1.0 for every item, and sorting on ties would lose
    the date order."""
    out = dict(scores)
    top = max(out.values())
    for position, key in enumerate(ordered, start=1):
        out[key] = top + position / len(ordered)
    return out
