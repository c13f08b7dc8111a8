"""The support check: a model that lies (invented quote, invented meeting, unsupported advice, words put
in the wrong mentor's mouth) has those sentences removed and listed; supported sentences stay."""

from __future__ import annotations

import re

from coach.agent.answer_guard import Guard
from coach.agent.support import SupportCheck, quoted_spans, remove_unverified, unverified_quotes
from tests.conftest import HashEmbedder
from tests.unit.agent.conftest import make_hit

ADE = make_hit(text="Ade said to give hard feedback early, in private, and about the work, not the person. "
                    "He suggested the SBI model: situation, behaviour, impact.")
RACHEL = make_hit(path="2025-10-03 rachel.md", date="2025-10-03", mentor="Rachel Kim", chunk_id="c2",
                  text="Rachel said to ask for a raise with salary market data and a written list of wins.")

LIES = [
    'Ade told you: "Never give feedback in writing, ever."',  # invented quote
    "You met Ade on 2024-03-03 to rehearse the talk.",  # invented meeting
    "You should quit your job and move to Lisbon to find yourself.",  # unsupported advice
    "Ade said to bring salary market data and a written list of wins.",  # Rachel's words in Ade's mouth
]
TRUTHS = [
    "Ade suggested the SBI model: situation, behaviour, impact [2025-09-12, Ade].",
    'He said to give it "early, in private, and about the work".',
    "Rachel said to ask for a raise with market data [2025-10-03, Rachel].",
]


def check() -> SupportCheck:
    return SupportCheck([ADE, RACHEL], HashEmbedder())


def test_each_lie_is_dropped_with_a_reason():
    checker = check()
    for lie in LIES:
        assert checker.reason(lie), lie


def test_supported_sentences_stay():
    checker = check()
    for truth in TRUTHS:
        assert checker.reason(truth) is None, truth


def test_filter_keeps_the_truths_in_order_and_lists_the_lies():
    text = " ".join([TRUTHS[0], LIES[0], TRUTHS[2], LIES[1]])
    kept, dropped = check().filter(text)
    assert kept.startswith("Ade suggested the SBI model") and "Rachel said" in kept
    assert "Never give feedback" not in kept and "2024-03-03" not in kept
    assert [d.sentence for d in dropped] == [LIES[0], LIES[1]]


def test_a_cited_sentence_must_match_the_passage_it_cites():
    # true of Rachel's note, but cited to Ade's
    assert check().reason("Ask for a raise with salary market data and a list of wins [2025-09-12, Ade].")


def test_the_guard_never_shows_an_unsupported_sentence_and_reports_it():
    guard = Guard("What did Ade say about feedback?", [ADE, RACHEL], 200, check())
    script = " ".join([TRUTHS[0], LIES[2], LIES[0], TRUTHS[1]])
    shown = "".join(guard.feed(token) for token in re.split(r"(\s)", script))
    final = guard.finish().text
    for lie in (LIES[2], LIES[0]):
        assert lie not in shown and lie not in final
    assert "SBI model" in final and "early, in private" in final
    assert [d.sentence for d in guard.dropped()] == [LIES[2], LIES[0]]


def test_quotations_must_be_verbatim():
    sources = [ADE.text]
    assert quoted_spans('He said “give hard feedback early” and "the SBI model".') == [
        "give hard feedback early", "the SBI model"]
    assert unverified_quotes('He said “give hard feedback early”.', sources) == []
    assert unverified_quotes('He said “give harsh feedback early”.', sources) == ["give harsh feedback early"]
    kept, dropped = remove_unverified('He said “give harsh feedback early”. The SBI model helps.', sources)
    assert kept == "The SBI model helps." and len(dropped) == 1


def test_a_cite_stands_for_every_retrieved_passage_of_its_note():
    """Two passages of one note share its cite: a sentence citing it may stand on either (the agent's
    tools often hand over a second passage of a note the first search found)."""
    opening = make_hit(text="## Agenda\n\nCatch-up on the quarter.", chunk_id="c1")
    later = make_hit(text="I drafted the stakeholder map and sent it to Ade.", chunk_id="c9", start_line=20)
    check = SupportCheck([opening, later])
    assert check.reason("You drafted the stakeholder map and sent it to Ade [2025-09-12, Ade].") is None
    assert check.reason("You booked the Lisbon rehearsal [2025-09-12, Ade].") is not None
