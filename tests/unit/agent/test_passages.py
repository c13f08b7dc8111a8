"""Passage expansion: whole sentences, bullets and list items, verbatim, with their file lines."""

from __future__ import annotations

from coach.agent.passages import MAX_WORDS, expand, note_units, word_relevance

NOTE = """# Call with Dana

Phone, 40 minutes. Mostly about the rota.

## Dana on the rota

Her advice was quite different from Sam's:
- "Ask the team to draft the rota themselves. People defend what they built."
- "Review it after two weeks, not before."

I'm not going to impose it. Dana accepted that: "You know your team."

Then the three steps she uses for hard conversations:
1. Say what you saw, with one example.
2. Say the effect it had on the work,
   and on you.
3. Ask what they think happened.

Next time: the budget.
"""


def units():
    return note_units(NOTE, body_offset=5)  # front matter took lines 1-4: body line 1 is file line 5


def test_units_are_whole_sentences_and_items_with_file_lines():
    found = {u.text: (u.start, u.end, u.item) for u in units()}
    assert found["Phone, 40 minutes."] == (7, 7, False)
    item = '"Review it after two weeks, not before."'
    assert found[item] == (13, 13, True)
    # a wrapped list item is one unit spanning both lines, its text verbatim but for the line break
    assert found["Say the effect it had on the work, and on you."] == (19, 20, True)
    # quoted speech is not split into sentences
    assert 'Dana accepted that: "You know your team."' in found


def test_a_hit_ending_before_the_list_takes_the_list_items():
    us = units()
    lead = next(i for i, u in enumerate(us) if u.text.startswith("Then the three steps"))
    relevance = {lead: 1.0}
    passage = expand(us, us[lead].start, us[lead].end, relevance)  # the hit ends on the lead-in line
    texts = [u.text for u in passage.units]
    assert texts[0].startswith("Then the three steps")
    assert texts[1:] == ["Say what you saw, with one example.", "Say the effect it had on the work, and on you.",
                         "Ask what they think happened."]
    assert (passage.start, passage.end) == (17, 21)


def test_a_sentence_that_ends_its_paragraph_before_a_list_introduces_it():
    us = units()
    lead = next(i for i, u in enumerate(us) if u.text.startswith("Her advice"))
    passage = expand(us, us[lead].start, us[lead].start, {lead: 1.0})
    assert len(passage.units) == 3 and passage.units[1].text.startswith('"Ask the team')


def test_the_most_relevant_unit_of_the_hit_is_kept_whole():
    us = units()
    relevance = word_relevance(us, "What did Dana say about reviewing the rota after two weeks?")
    passage = expand(us, 9, 16, relevance)
    assert any("two weeks" in u.text for u in passage.units)
    assert all(u.start >= 9 for u in passage.units)
    assert len(passage.text.split()) <= MAX_WORDS


def test_blanked_lines_are_never_units():
    body = "> [!coach] coach asked\n> What went well?\n\nThe demo went well.\n"
    from coach.notes.provenance import strip_callouts

    assert [u.text for u in note_units(strip_callouts(body))] == ["The demo went well."]


def test_no_unit_in_range_gives_no_passage():
    assert expand(units(), 500, 510, {}) is None


def test_a_hit_on_a_heading_alone_quotes_the_section_under_it():
    us = units()
    heading_line = 9  # "## Dana on the rota" (body line 5)
    passage = expand(us, heading_line, heading_line, word_relevance(us, "rota advice"))
    assert passage is not None and passage.units[0].start > heading_line
    assert all(u.start <= heading_line + 12 for u in passage.units)
