"""Then-and-now pairs: the same subject by meaning (a fake bag-of-words embedding), later and further along."""

from __future__ import annotations

import re
import zlib
from datetime import date

import numpy as np

from coach.agent.growth.statements import Statement
from coach.agent.growth.then_and_now import same_subject, subject_label, then_and_now, without_names
from coach.agent.themes import Theme
from coach.notes.model import Note

DIM = 256


def fake_embed(texts: list[str]) -> np.ndarray:
    """Words hashed into a vector: sentences sharing words are close, others are not (a stand-in for MiniLM)."""
    rows = []
    for text in texts:
        vector = np.zeros(DIM, dtype=np.float32)
        for word in re.findall(r"[a-z]+", text.lower()):
            if len(word) > 2:
                vector[zlib.crc32(word.encode()) % DIM] += 1
        rows.append(vector / (np.linalg.norm(vector) or 1))
    return np.stack(rows)


def note(path: str, day: str, body: str, **fields) -> Note:
    fields.setdefault("kind", "session")
    return Note(path=path, title=path, body=body, date=date.fromisoformat(day), date_source="front_matter",
                body_offset=1, **fields)


THEME = Theme("public speaking", date(2025, 1, 1), date(2025, 6, 1), ("a.md", "b.md", "c.md"),
              (date(2025, 1, 1), date(2025, 3, 1), date(2025, 6, 1)), ("public speaking",))
NOTES = [
    note("a.md", "2025-01-01", "I'm nervous about public speaking at the all-hands talk.\n"),
    note("b.md", "2025-03-01", "I'll practise public speaking at the lunch-and-learn.\n"),
    note("c.md", "2025-06-01", "I gave the all-hands talk and I wasn't nervous about public speaking at all.\n"),
    note("d.md", "2025-07-01", "I'm nervous about the budget.\n"),
]


def test_pairs_the_biggest_move_on_the_same_subject():
    (pair,) = then_and_now([THEME], NOTES, fake_embed)
    assert (pair.then.path, pair.now.path) == ("a.md", "c.md")
    assert (pair.then.stance, pair.now.stance) == ("worry", "confidence")
    assert pair.theme == "public speaking" and pair.similarity >= 0.5


def test_never_pairs_backwards_or_across_subjects():
    assert then_and_now([THEME], [NOTES[2], note("z.md", "2025-08-01", NOTES[0].body)], fake_embed) == []
    assert then_and_now([THEME], [NOTES[0], NOTES[3]], fake_embed) == []  # nervous about the budget: another subject


def test_a_shared_theme_word_alone_is_not_the_same_subject():
    then = note("a.md", "2025-01-01", "I'm worried about the Year 10 seating plan for Tyler and Callum.\n")
    now = note("b.md", "2025-05-01", "I enjoyed the Year 10 trip to the science museum in York.\n")
    theme = Theme("year 10", date(2025, 1, 1), date(2025, 5, 1), ("a.md", "b.md"),
                  (date(2025, 1, 1), date(2025, 5, 1)), ("year 10",))
    assert then_and_now([theme], [then, now], fake_embed) == []


def test_the_mentors_name_does_not_make_two_sentences_one_subject():
    names = frozenset({"ade"})
    assert without_names("I told Ade's team and Ade.", names) == "I told team and"
    a, b = "I told Ade I didn't know what to talk about.", "I told Ade about the title offer on LinkedIn."
    vectors = fake_embed([without_names(a, names), without_names(b, names)])
    assert not same_subject(a, b, float(vectors[0] @ vectors[1]), names)


def test_a_kept_promise_must_be_about_the_same_thing_as_its_report():
    promise = Statement("Book the York course for March", "a.md", date(2025, 1, 1), 3, "intention")
    right = Statement("Booked the York course for March.", "b.md", date(2025, 2, 1), 4, "action")
    wrong = Statement("Sent the parents the targets on Friday.", "b.md", date(2025, 2, 1), 5, "action")
    kept = then_and_now([], [], fake_embed, kept=[(promise, right), (promise, wrong)])
    assert [(p.now.text, p.kind) for p in kept] == [("Booked the York course for March.", "kept")]


def test_coach_notes_and_notes_where_the_user_mentors_never_feed_pairs():
    generated = note("c.md", "2025-06-01", NOTES[2].body, extra={"created_by": "coach"})
    mentoring = note("c.md", "2025-06-01", NOTES[2].body, role="mentor")
    assert then_and_now([THEME], [NOTES[0], generated], fake_embed) == []
    assert then_and_now([THEME], [NOTES[0], mentoring], fake_embed) == []


def test_the_pair_is_named_by_a_theme_both_sentences_name_else_by_the_words_they_share():
    npq = Theme("npq / whether", date(2025, 1, 1), date(2025, 6, 1), ("a.md", "b.md"),
                (date(2025, 1, 1), date(2025, 6, 1)), ("npq", "whether"))
    then = Statement("Ask Sue whether the TLR continues next year", "a.md", date(2025, 1, 1), 1, "intention")
    now = Statement("Sue confirmed the TLR continues next year", "b.md", date(2025, 6, 1), 1, "action")
    assert subject_label(then, now, [npq]) == "sue tlr continues"
    assert subject_label(then, now, [npq, THEME]) == "sue tlr continues"
