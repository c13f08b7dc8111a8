"""Status rules added for notes in any style: a later note naming the commitment as a fact, a
"Topic:" label told to the other mentor, and a heading that says what happened."""

from __future__ import annotations

from datetime import date

import numpy as np

from coach.agent.commitment_tracker import track_commitments
from coach.notes.commitments import report_units
from coach.notes.model import Note
from tests.unit.agent.test_status_rules import TODAY, item, note, topic_embed

SIGN_UP = note(date(2025, 9, 1), "## Actions\n- Set up the rocket club sign-up sheet on the team drive\n")


def _status(later: str, plan=SIGN_UP, **kw) -> str:
    tracked = track_commitments([plan, note(date(2025, 11, 20), later, **kw)], TODAY, topic_embed)
    return item(tracked, "rocket").status


def test_a_later_note_naming_it_as_a_fact_closes_it() -> None:
    assert _status("## Clubs\n\nRocket club sign-up sheet on the team drive: 24 names in the first week.\n") == "done"


def test_a_new_plan_that_names_it_only_asks() -> None:
    later = "## Clubs\n\nUse the rocket club sign-up sheet on the team drive for the trip too.\n"
    assert _status(later) == "maybe_done"


HANDOVER = note(date(2025, 11, 1), "## Actions\n- Hand the rocket club to Priya for the spring term\n",
                mentor="Helen Shaw")


def test_a_two_word_label_told_to_the_other_mentor_settles_it() -> None:
    later = "## Since last time\n\nRocket club: scrapped, nobody could take it on.\n"
    assert _status(later, HANDOVER) == "dropped"


def test_a_one_word_label_told_to_the_other_mentor_does_not() -> None:
    later = "## Since last time\n\nRocket: scrapped, nobody could take it on.\n"
    assert _status(later, HANDOVER) == "open"


def test_the_same_label_out_of_the_window_does_not() -> None:
    later = note(date(2026, 9, 1), "## Since last time\n\nRocket club: scrapped, nobody could take it on.\n")
    assert item(track_commitments([HANDOVER, later], date(2026, 10, 1), topic_embed), "rocket").status == "open"


MARKBOOK = note(date(2025, 9, 1), "## Actions\n- Build the shared markbook with the team at the next INSET\n")


def test_a_heading_that_says_it_happened_closes_it() -> None:
    later = note(date(2025, 9, 20), "## Shared markbook: we built it on Monday\n\nEvery teacher has a tab.\n")
    assert item(track_commitments([MARKBOOK, later], TODAY, topic_embed), "markbook").status == "done"


def test_a_heading_that_only_names_the_topic_reports_nothing() -> None:
    later = note(date(2025, 9, 20), "## Shared markbook: the plan\n\nEvery teacher will get a tab.\n")
    assert not any(u.status for u in report_units(later) if "markbook" in u.text.lower())
    assert item(track_commitments([MARKBOOK, later], TODAY, topic_embed), "markbook").status != "done"


HAND_OVER = note(date(2025, 9, 1), "## Actions\n- Hand Priya the rota spreadsheet before the summer\n")
OWNS = "## Team\n\nPriya has run the rota spreadsheet on her own since October.\n"


def angle_embed(cosine: float):
    """The plan on one axis, any sentence about Priya at `cosine` to it, everything else apart."""
    def embed(texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), 8), dtype=np.float32)
        for row, text in enumerate(texts):
            if text.startswith("Hand Priya"):
                vectors[row, 0] = 1.0
            elif "Priya" in text:
                vectors[row, :2] = (cosine, (1 - cosine**2) ** 0.5)
            else:
                vectors[row, 2 + row % 6] = 1.0
        return vectors
    return embed


def _owned(later: Note, cosine: float) -> str:
    return item(track_commitments([HAND_OVER, later], date(2026, 9, 1), angle_embed(cosine)), "priya").status


def test_an_outcome_in_its_own_words_closes_it_in_the_same_thread() -> None:
    assert _owned(note(date(2025, 10, 1), OWNS), 0.57) == "done"


def test_the_same_outcome_from_the_other_mentor_only_asks() -> None:
    assert _owned(note(date(2025, 10, 1), OWNS, mentor="Helen Shaw"), 0.57) == "maybe_done"


def test_the_same_outcome_a_year_later_only_asks() -> None:
    assert _owned(note(date(2026, 8, 1), OWNS), 0.57) == "maybe_done"


def test_a_topical_neighbour_only_asks() -> None:
    assert _owned(note(date(2025, 10, 1), OWNS), 0.3) in ("open", "maybe_done")


def test_a_terse_write_up_with_an_acronym_merges_with_the_full_one() -> None:
    """Two write-ups of one meeting, one terse: the item settled later is the same item."""
    day = date(2025, 11, 5)
    terse, full = (Note(path=f"2025-11-05 {name}.md", title=name, body=body, date=day, date_source="filename",
                        mentor="Kwame Asante")
                   for name, body in (("quick", "## Actions\n- QLA sheets for the mocks\n"),
                                      ("full", "## Actions\n- Use question-level analysis sheets for the Year 11 mocks\n")))
    tracked = track_commitments([terse, full], TODAY)
    assert len(tracked) == 1 and len(tracked[0].mentions) == 2


def test_a_terse_reports_evidence_shows_the_sentence_that_tied_it_to_the_commitment():
    from datetime import date as _date

    from coach.agent.report_match import terse_context
    from coach.notes.commitments import FollowUp

    terse = FollowUp("Booked for the 27th", "done", "n.md", _date(2025, 3, 1), 7,
                     before="The venue says yes, Thursdays work.")
    full = FollowUp("Sent the venue the signed contract on Monday", "done", "n.md", _date(2025, 3, 1), 8,
                    before="Something else entirely.")
    assert terse_context(terse) == "The venue says yes, Thursdays work."
    assert terse_context(full) is None
