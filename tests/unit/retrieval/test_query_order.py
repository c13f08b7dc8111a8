"""order_notes: the named meeting first, named people's notes before other mentors', both of two people shown."""

from __future__ import annotations

from datetime import date

from coach.retrieval.people import people_from
from coach.retrieval.query import Candidate, order_notes, read_query

TODAY = date(2026, 6, 15)
PEOPLE = people_from(["Ana Lee", "Ana Lee", "Ben Cho", "Ben Cho"])


def note(key, score, day, person=None, kind="session", role=None):
    return Candidate(key, score, date.fromisoformat(day), kind, role, person, person in PEOPLE.mentors)


NOTES = [
    note("ana-jan", 0.9, "2026-01-10", "Ana Lee"),
    note("ana-may", 0.2, "2026-05-02", "Ana Lee"),
    note("ana-agenda", 0.5, "2026-05-20", "Ana Lee", kind="agenda"),  # an agenda is not a session
    note("ben-feb", 0.95, "2026-02-01", "Ben Cho"),
    note("ben-apr", 0.8, "2026-04-01", "Ben Cho"),
    note("reflection", 0.85, "2026-03-01"),
    note("mentee-jun", 0.7, "2026-06-01", "Cal", role="mentor"),  # someone the user mentors
]


def keys(question):
    return [key for key, _ in order_notes(NOTES, read_query(question, TODAY, PEOPLE))]


def test_the_last_session_with_a_named_person_comes_first_whatever_its_score():
    assert keys("What did Ana say at our last session?")[0] == "ana-may"
    assert keys("what did ana and I cover in our very first meeting")[0] == "ana-jan"


def test_the_last_session_without_a_name_is_the_latest_one_you_were_mentored_in():
    assert keys("What did I commit to at the last session?")[0] == "ana-may"


def test_a_named_person_s_notes_rank_above_every_other_mentor_s():
    ranked = keys("What did Ana say about feedback?")
    last_ana = max(ranked.index("ana-jan"), ranked.index("ana-may"), ranked.index("ana-agenda"))
    assert all(ranked.index(other) > last_ana for other in ("ben-feb", "ben-apr"))
    assert ranked.index("reflection") < ranked.index("ana-may")  # notes of no mentor compete on relevance


def test_two_people_take_turns():
    ranked = keys("What did Ana and Ben say about feedback?")
    # each one's best, then turns; a note of no mentor goes in where it beats both people's next notes
    assert ranked[:6] == ["ben-feb", "ana-jan", "reflection", "ana-agenda", "ben-apr", "mentee-jun"]
    tiers = dict(order_notes(NOTES, read_query("What did Ana and Ben say about feedback?", TODAY, PEOPLE)))
    assert tiers["ben-feb"] == tiers["ana-jan"] == 0


def test_the_last_session_with_each_of_two_people():
    ranked = keys("our last sessions with Ana and Ben")
    assert set(ranked[:2]) == {"ana-may", "ben-apr"}


def test_a_question_only_about_a_period_gets_that_period_oldest_first():
    ranked = keys("What did we talk about in March and April 2026?")
    assert ranked[:2] == ["reflection", "ben-apr"]


def test_a_question_about_mentoring_someone_puts_those_notes_first():
    assert keys("how is my mentee getting on")[0] == "mentee-jun"


def test_no_reading_keeps_the_score_order():
    assert keys("feedback on my roadmap") == [n.key for n in sorted(NOTES, key=lambda n: -n.score)]
