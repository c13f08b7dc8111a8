"""Home's pick of open commitments: since the last session first, then the longest-waiting, then a count."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from coach.ui.glance import pick_open

TODAY = date(2026, 11, 25)


def _item(text: str, day: str):
    when = date.fromisoformat(day)
    return SimpleNamespace(text=text, date=when, age_days=(TODAY - when).days)


def _texts(items) -> list[str]:
    return [i.text for i in items]


def test_recent_ones_first_then_the_oldest_within_the_rows():
    items = [_item(f"old {n}", f"2026-0{n}-01") for n in range(1, 8)]
    items += [_item("session a", "2026-11-17"), _item("session b", "2026-11-17"), _item("reflection", "2026-11-20")]
    glance = pick_open(items, since=date(2026, 11, 17), rows=10)
    assert _texts(glance.recent) == ["reflection", "session a", "session b"]
    assert _texts(glance.oldest) == ["old 1", "old 2", "old 3", "old 4"]
    assert glance.more == 3  # 2 headings + 3 + 4 + the "more" line = 10 rows


def test_recent_ones_are_capped_so_the_oldest_keep_room():
    items = [_item(f"new {n}", "2026-11-17") for n in range(6)] + [_item("old", "2026-01-01")]
    glance = pick_open(items, since=date(2026, 11, 17), rows=10)
    assert len(glance.recent) == 3 and _texts(glance.oldest) == ["old"] and glance.more == 3


def test_without_a_last_session_only_the_oldest_fill_every_row():
    items = [_item(f"old {n}", f"2025-{n:02d}-01") for n in range(1, 13)]
    glance = pick_open(items, since=None, rows=10)
    assert glance.recent == [] and _texts(glance.oldest)[:2] == ["old 1", "old 2"]
    assert len(glance.oldest) == 9 and glance.more == 3


def test_everything_fits_without_a_more_line():
    items = [_item("a", "2026-11-17"), _item("b", "2026-03-01")]
    glance = pick_open(items, since=date(2026, 11, 17), rows=10)
    assert _texts(glance.recent) == ["a"] and _texts(glance.oldest) == ["b"] and glance.more == 0
    only_recent = pick_open([_item(f"n{k}", "2026-11-18") for k in range(12)], date(2026, 11, 17), rows=10)
    assert len(only_recent.recent) == 8 and only_recent.oldest == [] and only_recent.more == 4


def test_another_persons_promise_is_shown_behind_their_name():
    from types import SimpleNamespace

    from coach.ui.glance import owned_text

    assert owned_text(SimpleNamespace(text="Send the marking policy", owner="Kwame")) == "Kwame: Send the marking policy"
    assert owned_text(SimpleNamespace(text="Book the course", owner="me")) == "Book the course"


def test_other_peoples_promises_wait_behind_your_own():
    theirs = _item("Put 10C2 on the on-call list", "2025-01-08")
    theirs.owner = "Kwame"
    mine = [_item(f"mine {k}", "2025-06-01") for k in range(3)]
    glance = pick_open([theirs, *mine], since=None, rows=10)
    assert [i.text for i in glance.oldest] == ["mine 0", "mine 1", "mine 2", "Put 10C2 on the on-call list"]
