"""Read the time a query names ("most recent", "first session", "last month", "in March") as a hint."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from coach.retrieval.keyword import tokenize
from coach.retrieval.timewindows import find_windows

_MEETING = r"(?:sessions?|meetings?|calls?|catch[- ]?ups?|check[- ]ins?|chats?|conversations?|1[:-]1s?|one[- ]on[- ]ones?|meet[- ]?ups?)"
# "last session", "our most recent call", "the first coaching session", "last time we met": one dated meeting.
_SESSION_REF = re.compile(
    rf"\b(very first|first|earliest|very last|last|latest|most recent|previous|prior|newest|final)"
    rf"\s+(?:[a-z0-9]+\s+)?{_MEETING}\b|\b(last) time (?:we|i) (?:met|spoke|talked|had a)"
)
_RECENT = re.compile(
    r"\b(most recent(ly)?|latest|lately|recently|last (time|session|meeting|call|conversation|chat|1[:-]1)"
    r"|these days|nowadays|currently|current|newest)\b"
)
_EARLIEST = re.compile(
    r"\b(very first|first (session|meeting|call|time|conversation|chat|1[:-]1|one-on-one)"
    r"|earliest|originally|original|initially|at the (start|beginning)|in the beginning|early on)\b"
)


@dataclass(frozen=True)
class TimeHint:
    """A soft preference: a date window to favour and/or an order (recent or earliest first)."""

    start: date | None = None
    end: date | None = None
    prefer: str | None = None  # "recent" | "earliest"
    topic: str = ""
    """The query with its time phrases taken out: what to match on."""
    session: bool = False
    """The query points at one meeting by its order ("our last session", "the first call")."""

    @property
    def empty(self) -> bool:
        return self.start is None and self.end is None and self.prefer is None

    def contains(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def parse_time_hint(query: str, today: date) -> TimeHint:
    """The time hint in `query`, relative to `today`; an empty hint when the query names no time."""
    text = query.lower()
    session = _SESSION_REF.search(text)
    prefer = _order(session.group(1) or session.group(2)) if session else None
    prefer = prefer or ("earliest" if _EARLIEST.search(text) else "recent" if _RECENT.search(text) else None)
    windows = find_windows(text, today)
    start, end = (windows[0].start, windows[0].end) if windows else (None, None)
    spans = [w.span for w in windows] + [m.span() for p in (_SESSION_REF, _EARLIEST, _RECENT) for m in p.finditer(text)]
    return TimeHint(start, end, prefer, _without(text, spans), session is not None)


def _order(word: str) -> str:
    return "earliest" if word in ("very first", "first", "earliest") else "recent"


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    """Remove the words that only say *when*, so 'first session' does not match a note titled 'first session'."""
    keep = [True] * len(text)
    for start, end in spans:
        keep[start:end] = [False] * (end - start)
    return " ".join("".join(ch if k else " " for ch, k in zip(text, keep)).split())


# Re-ranking works on fused z-scores, so boosts are in standard deviations of the fused score.
WINDOW_BOOST = 0.5  # inside a named window: half a deviation, enough to break near-ties, not to rescue misses
ORDER_BOOST = 0.5  # 'first' / 'most recent': spread over the top few by date
ORDER_POOL = 6  # how many top notes compete on date

# Words that name a meeting rather than a topic: a query of only these (and names) is about *when*.
MEETING_WORDS = frozenset(tokenize(
    "session sessions meeting meetings call calls chat catch-up check-in cover covered discuss discussed talk talked "
    "happen happened say said advice advise advised note notes agenda week month year mentor met meet "
    # what a question about a meeting asks for, not what it is about
    "work worked commit committed promise promised agree agreed decide decided plan planned suggest suggested "
    "recommend recommended tell told ask asked mention mentioned go went come came think thought want wanted "
    "do did done focus focused learn learned term semester"
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
        pool = sorted(out, key=lambda key: out[key], reverse=True)[: len(out) if time_only else ORDER_POOL]
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
