"""The rules that let a later note settle a commitment: evidence in other words, labels, threads, talk."""

from __future__ import annotations

import zlib
from datetime import date

import numpy as np
import pytest

from coach.agent.commitment_tracker import TrackedCommitment, track_commitments
from coach.notes.commitments import only_told
from coach.notes.commitments.cues import counts_only, cue
from coach.notes.model import Note

TODAY = date(2026, 1, 1)
TOPICS = ("laptop", "rocket", "crest", "markbook", "poster", "scheme")


def topic_embed(texts: list[str]) -> np.ndarray:
    """One axis per topic word (cosine 1 between texts on the same topic, 0 across topics); a text
    with no topic word goes on an axis of its own hash."""
    vectors = np.zeros((len(texts), len(TOPICS) + 256), dtype=np.float32)
    for row, text in enumerate(texts):
        hits = [i for i, word in enumerate(TOPICS) if word in text.lower()]
        vectors[row, hits[0] if hits else len(TOPICS) + zlib.crc32(text.encode()) % 256] = 1.0
    return vectors


def note(when: date, body: str, mentor: str | None = "Kwame Asante", role: str | None = None) -> Note:
    name = f"{when.isoformat()} {mentor or 'me'}.md"
    return Note(path=name, title=name, body=body, date=when, date_source="filename", mentor=mentor, role=role)


def item(tracked: list[TrackedCommitment], fragment: str) -> TrackedCommitment:
    (found,) = [t for t in tracked if fragment.lower() in t.text.lower()]
    return found


PLAN = note(date(2025, 7, 19), "## Actions\n- Take two weeks in August off, with the school laptop in the cupboard\n")
LAPTOP = "## Summer\n\nThe laptop stayed in the cupboard for sixteen days in August.\n"


def test_a_report_in_other_words_closes_it_in_the_same_thread_with_its_evidence() -> None:
    tracked = track_commitments([PLAN, note(date(2025, 9, 10), LAPTOP)], TODAY, topic_embed)
    found = item(tracked, "laptop")
    assert (found.status, found.status_date) == ("done", date(2025, 9, 10))
    assert "sixteen days" in found.evidence and found.evidence_line == 3


def test_without_meaning_the_same_words_only_ask() -> None:
    found = item(track_commitments([PLAN, note(date(2025, 9, 10), LAPTOP)], TODAY), "laptop")
    assert found.status in ("open", "maybe_done")


def test_another_mentors_note_does_not_close_it_by_meaning() -> None:
    tracked = track_commitments([PLAN, note(date(2025, 9, 10), LAPTOP, mentor="Helen Shaw")], TODAY, topic_embed)
    assert item(tracked, "laptop").status in ("open", "maybe_done")


def test_meaning_alone_does_not_reach_past_the_window() -> None:
    tracked = track_commitments([PLAN, note(date(2026, 6, 10), LAPTOP)], TODAY.replace(year=2027), topic_embed)
    assert item(tracked, "laptop").status in ("open", "maybe_done")


def test_a_mentees_own_note_belongs_to_every_thread() -> None:
    tracked = track_commitments([PLAN, note(date(2025, 9, 10), LAPTOP, mentor=None)], TODAY, topic_embed)
    assert item(tracked, "laptop").status == "done"


def test_notes_where_she_mentors_someone_are_her_own_notes() -> None:
    mentoring = note(date(2025, 9, 10), LAPTOP, mentor="Josh", role="mentor")
    assert item(track_commitments([PLAN, mentoring], TODAY, topic_embed), "laptop").status == "done"


CLUB = note(date(2025, 12, 19), "## Next steps\n- Enter three club teams for the CREST Discovery Award\n", mentor=None)


def test_a_topic_label_naming_one_commitment_drops_it() -> None:
    later = note(date(2026, 5, 19), "## Updates\n- CREST: abandoned. The club lost interest in writing up.\n")
    found = item(track_commitments([CLUB, later], TODAY.replace(year=2027), topic_embed), "crest")
    assert (found.status, found.evidence) == ("dropped", "CREST: abandoned")


def test_a_label_shared_by_two_open_commitments_settles_neither() -> None:
    two = note(date(2025, 12, 19), "## Next steps\n- Enter three teams for the CREST award\n"
               "- Order rocket badges for the CREST winners\n", mentor=None)
    later = note(date(2026, 1, 19), "## Updates\n- CREST: abandoned.\n")
    tracked = track_commitments([two, later], TODAY.replace(year=2027), topic_embed)
    assert [t.status for t in tracked] == ["open", "open"]


def test_an_explicit_drop_in_its_own_words_is_recognised() -> None:
    plan = note(date(2025, 9, 10), "## Actions\n- Make a science club poster for the Year 7 tutor rooms\n")
    later = note(date(2025, 12, 19), "## Club\n\nNever got round to the club poster - scrapped it.\n", mentor=None)
    found = item(track_commitments([plan, later], TODAY, topic_embed), "poster")
    assert found.status == "dropped" and "scrapped" in found.evidence


def test_telling_someone_about_a_plan_does_not_do_it() -> None:
    plan = note(date(2026, 1, 14), "## Actions\n- Get every KS3 class onto the shared markbook by February half term\n")
    told = note(date(2026, 1, 20), "## Markbook\n\nWhen I told her Kwame wants every KS3 class on the "
                "markbook by half term as a quick win: \"A quick win that nobody asked for.\"\n")
    assert item(track_commitments([plan, told], TODAY.replace(year=2027), topic_embed), "markbook").status != "done"


def test_partial_progress_keeps_it_open_and_is_recorded() -> None:
    plan = note(date(2026, 3, 6), "## Actions\n- Write a KS3 practical skills scheme, one skill per half term\n")
    later = note(date(2026, 4, 15), "KS3 practical skills scheme: only a rough draft of the scheme so far.\n")
    found = item(track_commitments([plan, later], TODAY.replace(year=2027), topic_embed), "scheme")
    assert found.status == "open"
    assert [p.status for p in found.progress] == ["pending"] and "rough draft" in found.progress[0].text


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Sent all six postcards home before half term", ("done", False)),
        ("Review turnaround dropped from two days to same-day", ("done", False)),
        ("Club to Josh: so that's dropped", ("dropped", False)),
        ("Never got round to the poster - scrapped it", ("dropped", False)),
        ("Only a rough draft of the scheme so far", ("pending", False)),
        ("Haven't booked the observation yet", ("pending", True)),
        ("Parked the KS3 idea till summer", ("pending", False)),
        ("Class Charts logging: patchy", ("pending", False)),
        ("Did it properly for about a week", ("pending", False)),
        ("The laptop stayed in the cupboard for sixteen days", ("done", False)),
    ],
)
def test_status_words(sentence: str, expected: tuple[str, bool]) -> None:
    assert cue(sentence) == expected


def test_talk_and_tallies() -> None:
    assert only_told("When I told her Kwame wants every class on it")
    assert not only_told("Told Kwame and then sent him the plan")
    assert not only_told("I'd written the Callum sentence the night before, the one Helen asked for")
    assert counts_only("Nine of fourteen have opened it")
    assert not counts_only("13 of 14. Not done")
