"""Reading questions: people named in any form, months only in date context, sessions, relationships."""

from __future__ import annotations

from datetime import date

import pytest

from coach.retrieval.people import people_from
from coach.retrieval.query import read_query
from coach.retrieval.relationship import role_asked, usual_roles
from coach.retrieval.timeparse import parse_time_hint

TODAY = date(2026, 6, 15)
SPELLINGS = ["Tomás Ruiz", "Tomás Ruiz", "Tomás", "Priya Nair-Shah", "Dr Priya Nair-Shah", "Priya N-S",
             "Will Turner", "Will Turner"]
PEOPLE = people_from(SPELLINGS)
RUIZ, NAIR, TURNER = "Tomás Ruiz", "Priya Nair-Shah", "Will Turner"


# -- people ------------------------------------------------------------------------------------


def test_spellings_of_one_person_are_grouped_under_the_fullest_name():
    assert set(PEOPLE.names) == {RUIZ, NAIR, TURNER}
    assert PEOPLE.person_of("Tomás") == RUIZ
    assert PEOPLE.person_of("Priya N-S") == NAIR  # initials of the hyphenated surname
    assert PEOPLE.person_of("Dr Priya Nair-Shah") == NAIR  # a title is not part of the name
    assert PEOPLE.person_of(None) is None


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("What did Tomás say about hiring?", [RUIZ]),
        ("what did tomas say about hiring", [RUIZ]),  # any case, accents optional
        ("What did RUIZ think?", [RUIZ]),  # surname
        ("Mr Ruiz's view on my promotion", [RUIZ]),  # title and possessive
        ("What did Dr Priya advise?", [NAIR]),
        ("what did nair-shah say", [NAIR]),  # hyphenated name in lower case
        ("Shah's advice on budgets", [NAIR]),  # one part of a hyphenated name
        ("What did Priya and Tomás say about feedback?", [NAIR, RUIZ]),  # two people, in order
        ("What did my mentor say about feedback?", []),  # no one named
    ],
)
def test_people_are_named_in_any_form(question, named):
    assert PEOPLE.named_in(question) == named


def test_a_name_that_is_an_everyday_word_needs_a_capital_or_a_title():
    assert PEOPLE.named_in("I will ask about the budget") == []
    assert PEOPLE.named_in("Will I get the promotion?") == []  # a capital at the start is the sentence's
    assert PEOPLE.named_in("What did Will say about it?") == [TURNER]
    assert PEOPLE.named_in("what did mr will say") == [TURNER]
    assert PEOPLE.named_in("what did will turner say") == [TURNER]  # the surname identifies him anyway


def test_a_first_name_two_people_share_names_neither():
    people = people_from(["Sam Green", "Sam Brown"])
    assert people.named_in("what did Sam say") == []
    assert people.named_in("what did Sam Brown say") == ["Sam Brown"]


def test_mentors_are_people_met_again_not_a_one_off_or_a_mentee():
    people = people_from(["Ana Lee", "Ana Lee", "Mrs Cole", "Ben", "Ben", "Ben"], [None, None, None, "mentor", "mentor", None])
    assert people.mentors == frozenset({"Ana Lee"})
    assert people.roles == {"Ben": "mentor"}  # most of Ben's notes: the user mentors Ben


# -- months, seasons and meetings ----------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["How do I march forward with the reorg?", "May I ask for a raise?", "I may need to delegate",
     "We will march on regardless", "an august institution like ours", "spring cleaning my backlog",
     "what did Jan say about the mar on our record"],
)
def test_month_and_season_words_without_a_date_context_are_not_times(question):
    hint = parse_time_hint(question, TODAY)
    assert (hint.start, hint.end) == (None, None)


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("what did we discuss in March", date(2026, 3, 1), date(2026, 3, 31)),
        ("notes from 5 March 2025", date(2025, 3, 1), date(2025, 3, 31)),
        ("the March session", date(2026, 3, 1), date(2026, 3, 31)),
        ("since May, how has it gone", date(2026, 5, 1), date(2026, 5, 31)),
        ("our spring term 2026 sessions", date(2026, 1, 1), date(2026, 4, 14)),
        ("what did we cover over the summer", date(2026, 6, 1), date(2026, 8, 31)),  # the latest begun
        ("autumn 2025", date(2025, 9, 1), date(2025, 11, 30)),
        ("winter 2026", date(2025, 12, 1), date(2026, 2, 28)),
    ],
)
def test_months_seasons_and_terms_in_context(question, start, end):
    hint = parse_time_hint(question, TODAY)
    assert (hint.start, hint.end) == (start, end)


@pytest.mark.parametrize(
    ("question", "prefer"),
    [
        ("What did I commit to at the last session?", "recent"),
        ("our most recent call", "recent"),
        ("the previous meeting with Tomás", "recent"),
        ("the last time we met", "recent"),
        ("What happened in our very first meeting?", "earliest"),
        ("my first coaching session", "earliest"),
    ],
)
def test_a_meeting_named_by_its_order_is_a_session_reference(question, prefer):
    hint = parse_time_hint(question, TODAY)
    assert hint.session and hint.prefer == prefer


def test_an_order_without_a_meeting_is_not_a_session_reference():
    hint = parse_time_hint("the first thing Tomás told me about hiring", TODAY)
    assert not hint.session


# -- the whole reading -----------------------------------------------------------------------


def test_a_time_and_person_question_is_time_only():
    reading = read_query("What did Priya and I work on in spring term 2026?", TODAY, PEOPLE)
    assert reading.people == (NAIR,)
    assert reading.time_only and reading.hint.start == date(2026, 1, 1)


def test_a_question_with_a_topic_is_not_time_only():
    reading = read_query("What did Tomás's say about hiring in March?", TODAY, PEOPLE)
    assert not reading.time_only
    assert "hiring" in reading.topic and "march" not in reading.topic


def test_a_session_question_is_read_as_one():
    reading = read_query("what did tomas say in our last session?", TODAY, PEOPLE)
    assert reading.session and reading.people == (RUIZ,)
    assert not read_query("What did Tomás say about hiring?", TODAY, PEOPLE).session


@pytest.mark.parametrize(
    ("question", "role"),
    [
        ("times I coached my boss on new tools", "reverse"),
        ("our reverse-mentoring sessions", "reverse"),
        ("when I taught Tomás about passkeys", "reverse"),
        ("helping a trainee who talks too much", "mentor"),
        ("what my mentee found hard", "mentor"),
        ("my first meeting as Ben's mentor", "mentor"),
        ("What did my mentor say about feedback?", None),
        ("how do I coach a junior engineer", None),
    ],
)
def test_the_relationship_a_question_is_about(question, role):
    assert role_asked(question, {"tomás", "ruiz"}) == role


def test_usual_role_needs_a_majority():
    assert usual_roles([("Ben", "mentor"), ("Ben", None)]) == {}
    assert usual_roles([("Ben", "mentor"), ("Ben", "mentor"), ("Ben", None)]) == {"Ben": "mentor"}


def test_a_follow_up_keeps_the_previous_question_s_person_and_time_unless_it_names_its_own():
    before = "What did Priya say at our last session?"
    same = read_query("and about the budget?", TODAY, PEOPLE, context=before)
    assert same.people == (NAIR,) and same.session and "budget" in same.topic
    other = read_query("And Tomás?", TODAY, PEOPLE, context=before)
    assert other.people == (RUIZ,)  # the follow-up names its own person: only that one
    assert read_query("and about the budget?", TODAY, PEOPLE).people == ()
