"""Commitment status carried across a sequence of notes."""

from __future__ import annotations

import copy
import re
import zlib
from datetime import date

import numpy as np
import pytest

from coach.agent.commitment_tracker import TrackedCommitment, core_text, track_commitments
from coach.notes.commitments import Commitment
from coach.notes.model import Note

TODAY = date(2024, 3, 1)


def fake_embed(texts: list[str]) -> np.ndarray:
    """Bag-of-words hashed into 512 buckets, L2-normalised: deterministic and model-free."""
    vectors = np.zeros((len(texts), 512), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            vectors[row, zlib.crc32(word.encode()) % 512] += 1.0
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def note(when: date, body: str, path: str | None = None, mentor: str | None = "Sam Reyes") -> Note:
    """A note built directly."""
    name = path or f"{when.isoformat()}.md"
    return Note(path=name, title=name, body=body, date=when, date_source="filename", mentor=mentor)


def by_text(tracked: list[TrackedCommitment], fragment: str) -> TrackedCommitment:
    """The tracked commitment whose text contains fragment."""
    (found,) = [t for t in tracked if fragment.lower() in t.text.lower()]
    return found


JAN = note(
    date(2024, 1, 1),
    "# Kick-off with Sam\n\nWe talked about the offsite and my evenings.\n\n## Actions\n"
    "- [ ] Book the offsite venue\n- Write up the team charter\n- Stop checking email after 9pm\n"
    "- Start a reading group for the juniors\n",
)
FEB = note(
    date(2024, 2, 1),
    "# Catch-up\n\n## Follow-ups\n- Booked the offsite venue at the lakeside hotel.\n"
    "- Email after 9pm: haven't checked it once in three weeks.\n"
    "- Decided not to start the reading group; nobody had the time.\n",
)


@pytest.mark.parametrize("embed", [None, fake_embed])
def test_done_dropped_and_open_across_notes(embed) -> None:
    tracked = track_commitments([FEB, JAN], TODAY, embed)
    venue, charter = by_text(tracked, "venue"), by_text(tracked, "charter")
    email, group = by_text(tracked, "email"), by_text(tracked, "reading group")
    assert (venue.status, venue.status_path, venue.status_date, venue.age_days) == (
        "done",
        "2024-02-01.md",
        date(2024, 2, 1),
        31,
    )
    assert (group.status, group.age_days) == ("dropped", 31)
    assert (charter.status, charter.status_path, charter.age_days) == (
        "open",
        None,
        (TODAY - date(2024, 1, 1)).days,
    )
    assert email.status == "done", "a 'haven't …' report keeps a 'stop …' commitment"


def test_tracked_items_keep_the_commitment_fields() -> None:
    venue = by_text(track_commitments([JAN], TODAY), "venue")
    assert (venue.path, venue.date, venue.mentor, venue.line, venue.style, venue.owner) == (
        "2024-01-01.md",
        date(2024, 1, 1),
        "Sam Reyes",
        6,
        "checkbox",
        "me",
    )
    assert venue.mentions == (("2024-01-01.md", 6),)
    assert isinstance(venue.commitment, Commitment) and venue.commitment.text == venue.text
    assert copy.deepcopy(venue) == venue and not hasattr(venue, "no_such_field")


@pytest.mark.parametrize("embed", [None, fake_embed])
def test_a_later_checked_box_with_the_same_text_marks_it_done(embed) -> None:
    later = note(date(2024, 1, 20), "## Actions\n- [x] Write up the team charter\n")
    charter = by_text(track_commitments([JAN, later], TODAY, embed), "charter")
    assert (charter.status, charter.status_date, charter.age_days) == ("done", date(2024, 1, 20), 19)


@pytest.mark.parametrize("embed", [None, fake_embed])
def test_a_repeated_commitment_merges_into_one_open_item(embed) -> None:
    first = note(date(2024, 1, 5), "Good session. I'll write the migration runbook for the payments team.")
    again = note(date(2024, 1, 19), "## Next steps\n- [ ] Write the migration runbook for payments\n")
    tracked = track_commitments([again, first], TODAY, embed)
    assert len(tracked) == 1
    (item,) = tracked
    assert (item.status, item.date, item.path) == ("open", date(2024, 1, 5), "2024-01-05.md")
    assert [path for path, _ in item.mentions] == ["2024-01-05.md", "2024-01-19.md"]
    assert item.age_days == (TODAY - date(2024, 1, 5)).days


def test_a_repeat_in_a_later_note_is_not_read_as_its_report() -> None:
    first = note(date(2024, 1, 5), "I'll write the migration runbook.")
    again = note(date(2024, 1, 19), "Talked it through again. I'll write the migration runbook.")
    (item,) = track_commitments([first, again], TODAY)
    assert item.status == "open"


def test_follow_ups_in_a_note_of_the_same_day_do_not_settle() -> None:
    morning = note(date(2024, 1, 5), "- [ ] Send the survey to the team", path="a.md")
    evening = note(date(2024, 1, 5), "Sent the survey to the team.", path="b.md")
    (item,) = track_commitments([morning, evening], TODAY)
    assert item.status == "open"


def test_an_unrelated_later_report_does_not_settle() -> None:
    later = note(date(2024, 2, 1), "Booked flights to Lisbon for the conference.")
    charter = by_text(track_commitments([JAN, later], TODAY, fake_embed), "charter")
    assert charter.status == "open"


def test_partial_progress_leaves_it_open_until_a_later_note_finishes_it() -> None:
    half = note(date(2024, 1, 10), "Team charter: half done, still need the values section.")
    done = note(date(2024, 1, 24), "Wrote up the team charter and shared it in the channel.")
    charter = by_text(track_commitments([JAN, half], TODAY), "charter")
    assert charter.status == "open"
    charter = by_text(track_commitments([JAN, half, done], TODAY), "charter")
    assert (charter.status, charter.status_date) == ("done", date(2024, 1, 24))


def test_a_named_owner_is_carried_through() -> None:
    tracked = track_commitments([note(date(2024, 1, 5), "Kim will send me the interview rubric.")], TODAY)
    assert [(t.owner, t.text) for t in tracked] == [("Kim", "Send me the interview rubric")]


def test_no_notes_no_commitments() -> None:
    assert track_commitments([], TODAY, fake_embed) == []


def test_the_core_drops_schedule_and_asides() -> None:
    assert core_text("Send the deck to Ana (the short one) by end of March").split() == [
        "Send",
        "the",
        "deck",
        "to",
        "Ana",
    ]


# A report must name the commitment in its own words: a heading sets the topic, it is not evidence.
PLAN = note(date(2024, 1, 5), "## Goals\n- Hire two engineers well. Not fast, well.\n")


@pytest.mark.parametrize("embed", [None, fake_embed])
def test_a_past_tense_line_under_a_matching_heading_does_not_close_it(embed) -> None:
    later = note(date(2024, 2, 1), "## Hiring\nTwo roles approved: a backend engineer and an SRE.\n")
    assert by_text(track_commitments([PLAN, later], TODAY, embed), "hire").status == "open"


@pytest.mark.parametrize("embed", [None, fake_embed])
def test_a_report_naming_the_commitment_still_closes_it(embed) -> None:
    later = note(date(2024, 2, 1), "## Hiring\nHired two engineers, both started in March.\n")
    hire = by_text(track_commitments([PLAN, later], TODAY, embed), "hire")
    assert (hire.status, hire.status_date) == ("done", date(2024, 2, 1))


@pytest.mark.parametrize(("report", "status"), [("Did the SBI one on Friday.", "maybe_done"),
                                                ("Ran the SBI retro on Friday.", "done"),
                                                ("Liked the SBI one on Friday.", "open")])
def test_one_shared_word_with_did_only_asks_but_the_verb_and_object_close(report: str, status: str) -> None:
    plan = note(date(2024, 1, 5), "## Actions\n- Run the SBI retro\n")
    later = note(date(2024, 2, 1), f"## Retro\n{report}\n")
    assert by_text(track_commitments([plan, later], TODAY), "SBI").status == status


@pytest.mark.parametrize("embed", [None, fake_embed])
def test_a_topic_label_settles_only_the_commitment_the_report_is_about(embed) -> None:
    """Two commitments share the topic "crit"; the labelled report is about one of them."""
    jan = note(
        date(2024, 1, 1),
        "# Session\n\n## Actions\n- Share the crit agenda template with Femi\n"
        "- Keep quiet for the first ten minutes of every crit\n",
    )
    feb = note(date(2024, 2, 1), "# Catch-up\n\nCrit: I stayed quiet for the first ten minutes three weeks running.\n")
    tracked = track_commitments([jan, feb], TODAY, embed)
    assert by_text(tracked, "keep quiet").status in ("done", "maybe_done")
    assert by_text(tracked, "template").status == "open"
