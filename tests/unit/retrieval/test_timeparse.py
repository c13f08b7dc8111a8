"""parse_time_hint: order preferences, date windows relative to a fixed today, and the topic left over."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from coach.retrieval.timeparse import parse_time_hint

TODAY = date(2025, 6, 15)  # mid-June: March is behind us, September is ahead


def window(query: str, today: date = TODAY) -> tuple[date | None, date | None]:
    hint = parse_time_hint(query, today)
    return hint.start, hint.end


# -- order preferences ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "most recent session about delegation",
        "latest feedback on my roadmap",
        "What did we say LATELY about hiring?",
    ],
)
def test_recent_phrases_prefer_recent_notes(query):
    hint = parse_time_hint(query, TODAY)
    assert hint.prefer == "recent"
    assert (hint.start, hint.end) == (None, None)
    assert not hint.empty


@pytest.mark.parametrize(
    "query",
    [
        "what did we discuss in our first session",
        "our very first meeting about career goals",
        "First session",
    ],
)
def test_first_meeting_phrases_prefer_the_earliest_notes(query):
    hint = parse_time_hint(query, TODAY)
    assert hint.prefer == "earliest"
    assert (hint.start, hint.end) == (None, None)


# -- windows ---------------------------------------------------------------------------------


def test_last_month_is_the_previous_calendar_month():
    assert window("what did we talk about last month") == (date(2025, 5, 1), date(2025, 5, 31))


def test_last_month_in_january_is_december_of_the_previous_year():
    assert window("feedback from last month", today=date(2026, 1, 10)) == (
        date(2025, 12, 1),
        date(2025, 12, 31),
    )


def test_a_bare_month_already_started_this_year_is_this_year():
    assert window("hiring plan in March") == (date(2025, 3, 1), date(2025, 3, 31))


def test_a_bare_month_still_ahead_means_last_year():
    assert window("hiring plan in September") == (date(2024, 9, 1), date(2024, 9, 30))


def test_the_current_month_named_bare_is_this_year():
    assert window("goals in June") == (date(2025, 6, 1), date(2025, 6, 30))


def test_month_and_year():
    assert window("March 2025 offsite") == (date(2025, 3, 1), date(2025, 3, 31))
    assert window("the offsite in february, 2024") == (date(2024, 2, 1), date(2024, 2, 29))


def test_late_november_is_the_end_of_that_month():
    start, end = window("late November 2025 review")
    assert end == date(2025, 11, 30)
    assert date(2025, 11, 15) < start < date(2025, 11, 30)
    early_start, early_end = window("early November 2025 review")
    assert early_start == date(2025, 11, 1) and early_end < start


def test_a_year():
    assert window("notes in 2024") == (date(2024, 1, 1), date(2024, 12, 31))


def test_weeks_ago_is_a_window_around_that_day():
    start, end = window("the conflict 3 weeks ago")
    centre = TODAY - timedelta(weeks=3)
    assert start <= centre <= end
    assert end < TODAY - timedelta(weeks=1)
    assert start > TODAY - timedelta(weeks=5)


def test_yesterday_is_one_day():
    assert window("yesterday's call") == (TODAY - timedelta(days=1),) * 2


def test_hint_contains_days_inside_its_window_only():
    hint = parse_time_hint("hiring plan in March", TODAY)
    assert hint.contains(date(2025, 3, 15))
    assert not hint.contains(date(2025, 4, 1))
    assert not hint.contains(date(2024, 3, 15))


# -- no hint ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "how do I give feedback to a senior engineer",
        "delegation",
        "what are my goals for the promotion case",
        "",
    ],
)
def test_plain_queries_have_no_hint(query):
    hint = parse_time_hint(query, TODAY)
    assert hint.empty
    assert hint.prefer is None and hint.start is None and hint.end is None


@pytest.mark.parametrize("query", ["I may need to delegate more", "May I ask about the promotion process?"])
def test_may_the_verb_is_not_a_month(query):
    hint = parse_time_hint(query, TODAY)
    assert hint.empty
    assert "may" in hint.topic.split()


def test_in_may_is_a_month():
    assert window("in May we talked about burnout") == (date(2025, 5, 1), date(2025, 5, 31))
    assert window("May 2024 retro") == (date(2024, 5, 1), date(2024, 5, 31))


# -- topic -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "kept", "dropped"),
    [
        ("most recent session about delegation", {"delegation"}, {"most", "recent"}),
        ("latest feedback on my roadmap", {"feedback", "roadmap"}, {"latest"}),
        ("our very first meeting about career goals", {"career", "goals"}, {"very", "first"}),
        ("what did we discuss in our first session", {"discuss"}, {"first"}),
        ("what did we talk about last month", {"talk"}, {"last", "month"}),
        ("hiring plan in March", {"hiring", "plan"}, {"march"}),
        ("March 2025 offsite", {"offsite"}, {"march", "2025"}),
        ("late November 2025 review", {"review"}, {"late", "november", "2025"}),
        ("budget notes in 2024", {"budget", "notes"}, {"2024"}),
        ("the conflict 3 weeks ago", {"conflict"}, {"weeks", "ago"}),
        ("yesterday we argued about scope", {"argued", "scope"}, {"yesterday"}),
    ],
)
def test_topic_drops_time_words_and_keeps_the_subject(query, kept, dropped):
    words = set(parse_time_hint(query, TODAY).topic.split())
    assert kept <= words
    assert not (dropped & words)


def test_topic_of_a_plain_query_keeps_every_word():
    query = "How do I give feedback to a senior engineer"
    assert parse_time_hint(query, TODAY).topic.split() == query.lower().split()


def test_a_query_that_is_only_a_time_phrase_has_an_empty_topic():
    assert parse_time_hint("first session", TODAY).topic == ""


def test_topic_drops_may_when_it_is_read_as_the_month():
    hint = parse_time_hint("in May we talked about burnout", TODAY)
    assert hint.start == date(2025, 5, 1)
    assert "may" not in hint.topic.split()


# -- re-ranking by date --------------------------------------------------------------------


def test_a_time_only_query_orders_every_note_by_date_with_distinct_display_scores():
    """Forty notes, 'our first session of 2026': the earliest in the window first, and the
    logistic display scores must not all saturate at 1.0 (ties would lose the date order)."""
    from coach.retrieval.fusion import squash
    from coach.retrieval.timeparse import rerank_by_time

    days = {f"n{i:02d}": date(2025, 6, 1) + timedelta(days=14 * i) for i in range(40)}
    scores = {key: float(i % 7) for i, key in enumerate(days)}  # relevance unrelated to date
    hint = parse_time_hint("what did we cover in our first session of 2026", TODAY)
    out = rerank_by_time(scores, days, hint, time_only=True)
    in_2026 = sorted((key for key, day in days.items() if day.year == 2026), key=days.get)
    ranked = sorted(out, key=lambda key: squash(out[key]), reverse=True)
    assert ranked[: len(in_2026)] == in_2026
    assert len({squash(out[key]) for key in in_2026}) == len(in_2026)


def test_a_topic_query_with_an_order_only_nudges_the_top_few():
    from coach.retrieval.timeparse import ORDER_BOOST, rerank_by_time

    days = {"old": date(2025, 1, 1), "new": date(2026, 1, 1), "far": date(2026, 6, 1)}
    scores = {"old": 2.0, "new": 1.9, "far": -3.0}
    out = rerank_by_time(scores, days, parse_time_hint("most recent take on delegation", TODAY), time_only=False)
    assert out["new"] > out["old"]  # a near-tie broken by date
    assert out["far"] < out["old"]  # a weak match is not rescued by being recent
    assert max(out[k] - scores[k] for k in out) <= ORDER_BOOST + 1e-9
