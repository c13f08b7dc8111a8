"""The agenda's ranking rules: this mentor's items only, open ones only, agreed first, ten at most."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from coach.agent.agenda_questions import agenda_note_questions, for_someone_else, latest_agenda_note
from coach.agent.agenda_rank import (
    MAX_ITEMS,
    Thread,
    fit,
    keeps_coming_up,
    needs_confirmation,
    phrase,
    rank_commitments,
    subject_words,
)
from coach.agent.people import people_of
from coach.notes.model import Note

TODAY = date(2026, 6, 1)


def note(path: str, day: str, body: str = "", **fields) -> Note:
    fields.setdefault("kind", "session")
    return Note(path=path, title=fields.pop("title", path), body=body, date=date.fromisoformat(day),
                date_source="front_matter", body_offset=1, **fields)


NOTES = [note("k1.md", "2026-01-10", mentor="Kwame Asante"), note("k2.md", "2026-05-01", mentor="Kwame"),
         note("k1-quick.md", "2026-01-10", mentor="Kwame Asante"), note("x.md", "2026-03-01", kind="reflection"),
         note("y.md", "2026-03-02", kind="reflection"),
         note("h1.md", "2026-02-01", mentor="Helen Okonkwo-Shaw"), note("h2.md", "2026-05-10", mentor="Helen O-S"),
         note("r.md", "2026-05-05", kind="reflection")]
PEOPLE = people_of(NOTES)


def thread(mentor: str) -> Thread:
    return Thread(mentor, PEOPLE, {n.path: PEOPLE.note_person(n) for n in NOTES}, {n.path: n.date for n in NOTES})


def item(text: str, path: str, day: str, status: str = "open", owner: str = "me", line: int = 1, **more):
    mentions = more.pop("mentions", ((path, line),))
    return SimpleNamespace(text=text, path=path, date=date.fromisoformat(day), status=status, owner=owner,
                           line=line, mentions=mentions, **more)


def test_agreed_at_the_last_session_comes_first_then_at_most_three_long_running():
    tracked = [item(f"Old thing {i}", "k1.md", "2026-01-10", line=i, mentions=(("k1.md", i), ("r.md", i)))
               for i in range(1, 6)]
    tracked += [item("Send the unit plan", "k2.md", "2026-05-01", line=9)]
    ranked = rank_commitments(tracked, thread("Kwame Asante"), {"k2.md"})
    assert [t.text for t in ranked.agreed] == ["Send the unit plan"]
    assert len(ranked.long_running) == 3 and len(ranked.rest) == 2


def test_never_another_mentors_items_nor_settled_ones_nor_someone_elses():
    again = lambda line: (("x.md", line), ("y.md", line))  # noqa: E731 - written down twice: long-running
    tracked = [item("Send Helen my timetable", "h1.md", "2026-02-01", mentions=again(1)),
               item("Ask Kwame about the deep dive", "h1.md", "2026-02-01", line=2, mentions=again(2)),  # his
               item("Write the report", "k1.md", "2026-01-10", status="done", mentions=again(3)),
               item("Email the exam board", "k1.md", "2026-01-10", owner="Kwame", line=3, mentions=again(4)),
               item("Book the course", "k1.md", "2026-01-10", line=4, mentions=again(5))]
    kwame = rank_commitments(tracked, thread("Kwame Asante"), set())
    assert [t.text for t in kwame.long_running] == ["Ask Kwame about the deep dive", "Book the course"]
    helen = rank_commitments(tracked, thread("Helen Okonkwo-Shaw"), set())
    assert [t.text for t in helen.long_running] == ["Send Helen my timetable"]


def test_the_mentees_own_notes_count_only_when_they_name_the_mentor():
    tracked = [item("Tell Kwame that P5 is breaking me", "r.md", "2026-05-05", mentions=(("r.md", 1), ("x.md", 1))),
               item("Go to bed before eleven", "r.md", "2026-05-05", line=2, mentions=(("r.md", 2), ("x.md", 2)))]
    assert [t.text for t in rank_commitments(tracked, thread("Kwame Asante"), set()).long_running] == [
        "Tell Kwame that P5 is breaking me"]
    assert rank_commitments(tracked, thread("Helen Okonkwo-Shaw"), set()).long_running == []


def test_maybe_done_items_are_offered_to_confirm_not_listed():
    maybe = item("Book the course", "k2.md", "2026-05-01", status="maybe_done")
    ranked = rank_commitments([maybe], thread("Kwame Asante"), {"k2.md"})
    assert needs_confirmation(maybe) and ranked.agreed == [] and ranked.confirm == [maybe]


def test_old_items_ask_whether_they_still_matter():
    assert phrase(item("Book the course", "k1.md", "2026-05-20"), TODAY).endswith("open 12 days")
    old = phrase(item("Book the course", "k1.md", "2025-10-01"), TODAY)
    assert old.endswith("still relevant?") and "got in the way" not in old


def test_the_ranked_list_never_passes_ten():
    (a, q, lr), overflow = fit([list(range(6)), list(range(6)), list(range(3))])
    assert len(a) + len(q) + len(lr) == MAX_ITEMS and len(overflow) == 5 and lr == []


def test_questions_come_from_the_latest_agenda_note_since_the_last_session_never_for_someone_else():
    body = ("# Things to raise with Kwame\n\n1. Markbook: do I push or wait?\n2. Ask Sue whether the TLR continues\n"
            "3. Year 8 or Year 10 for the observation?\n\nWant to leave with: a yes on York. Is that fair?\n")
    old = note("a1.md", "2026-04-20", "1. Something already asked?\n", kind="agenda", mentor="Kwame Asante")
    new = note("a2.md", "2026-05-20", body, kind="agenda", mentor="Kwame Asante")
    other = note("a3.md", "2026-05-25", "1. For Helen?\n", kind="agenda", mentor="Helen Okonkwo-Shaw")
    found = latest_agenda_note([old, new, other], thread("Kwame Asante"), date(2026, 5, 1), TODAY)
    assert found is new
    assert agenda_note_questions(new, thread("Kwame Asante")) == [
        "Markbook: do I push or wait?", "Year 8 or Year 10 for the observation?", "Is that fair?"]
    assert latest_agenda_note([old], thread("Kwame Asante"), date(2026, 5, 1), TODAY) is None  # used already
    assert for_someone_else("Ask Sue whether the TLR continues", thread("Kwame Asante"))
    assert not for_someone_else("Ask Kwame about York", thread("Kwame Asante"))


def test_long_running_means_it_keeps_coming_up_not_written_once_and_forgotten():
    progress = (SimpleNamespace(status="pending", date=date(2026, 4, 15), text="The scheme: only a rough draft"),)
    abandoned = (SimpleNamespace(status="maybe_dropped", date=date(2026, 4, 15), text="Data loggers: no money"),)
    tracked = [item("Draft the scheme", "k1.md", "2026-01-10", progress=progress),
               item("Buy data loggers", "k1.md", "2026-01-10", line=2, progress=abandoned),
               item("Watch his lesson", "k1.md", "2026-01-10", line=3, mentions=(("k1.md", 3), ("k1-quick.md", 1))),
               item("Film a lesson", "k1.md", "2026-01-10", line=4, mentions=(("k1.md", 4), ("r.md", 2)))]
    ranked = rank_commitments(tracked, thread("Kwame Asante"), {"k2.md"})
    assert [t.text for t in ranked.long_running] == ["Film a lesson", "Draft the scheme"]
    assert {t.text for t in ranked.rest} == {"Buy data loggers", "Watch his lesson"}


def _reported(text: str, report: str, day: str = "2026-05-01"):
    return item(text, "k1.md", "2026-01-10",
                progress=(SimpleNamespace(status="pending", date=date.fromisoformat(day), text=report),))


def test_a_report_counts_only_when_it_is_about_the_item_not_just_the_same_person():
    assert subject_words("Josh interim report by the 14th", "Josh's final report: half written") == {"report"}
    dates = {n.path: n.date for n in NOTES}
    assert not keeps_coming_up(_reported("Josh interim report by the 14th", "Josh's final report: half written"), dates)
    assert not keeps_coming_up(_reported("Have the Kwame conversation in January", "Kwame: committee is 17 Sept"), dates)
    assert keeps_coming_up(_reported("Write up the appraisal reflection for Sue", "Appraisal reflection: still owe it"),
                           dates)


def test_long_running_items_came_up_at_the_last_session_or_since_and_are_not_restated_agreements():
    fresh = _reported("Write the 2027 page", "The 2027 page: still a rough draft", "2026-05-01")
    stale = _reported("Write the decision-rights list", "Decision-rights list half written", "2026-03-01")
    restated = _reported("Keep the evidence log going", "Evidence log: lapsed, need to restart", "2026-05-01")
    agreed = item("Restart the Friday evidence log", "k2.md", "2026-05-01", line=7)
    ranked = rank_commitments([fresh, stale, restated, agreed], thread("Kwame Asante"), {"k2.md"}, date(2026, 5, 1))
    assert [t.text for t in ranked.agreed] == ["Restart the Friday evidence log"]
    assert [t.text for t in ranked.long_running] == ["Write the 2027 page"]
    assert {t.text for t in ranked.rest} == {"Write the decision-rights list", "Keep the evidence log going"}


def test_own_words_undo_only_what_phrase_added():
    from coach.agent.agenda_rank import own_words

    recent = item("Book the course", "k1.md", "2026-05-20")
    old = item("Write the plan", "k2.md", "2025-01-02")
    assert own_words(phrase(recent, TODAY), recent.text) == "Book the course"
    assert own_words(phrase(old, TODAY), old.text) == "Write the plan"
    # the user's own edits are kept whole, even when they end like a phrase
    assert own_words("Book the course with Sam — open 12 days", "Book the course") == (
        "Book the course with Sam — open 12 days")
    assert own_words("Book the course — open 12 days, then tell Ade", "Book the course") == (
        "Book the course — open 12 days, then tell Ade")
    assert own_words("Why is it open — open 3 days?", None) == "Why is it open — open 3 days?"
