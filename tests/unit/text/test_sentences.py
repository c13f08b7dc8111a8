"""coach.text.sentences: one splitter with spans, markup stripping and quote masking."""

from __future__ import annotations

from coach.text import mask_quotes, sentence_spans, split_sentences, strip_markup


def test_spans_index_the_original_text():
    text = "First one.  Second one!\nThird?"
    spans = sentence_spans(text)
    assert [text[a:b].strip() for a, b in spans] == ["First one.", "Second one!", "Third?"]


def test_abbreviations_do_not_end_a_sentence():
    assert split_sentences("Dr. Okafor and Mr. Lee agreed, e.g. on dates. Then we left.") == [
        "Dr. Okafor and Mr. Lee agreed, e.g. on dates.", "Then we left."]


def test_times_numbers_and_ellipses():
    assert split_sentences("Meet at 9 a.m. tomorrow. It costs 3.5k.") == ["Meet at 9 a.m. tomorrow.", "It costs 3.5k."]
    assert split_sentences("I wasn't sure... but it worked. Next.") == ["I wasn't sure... but it worked.", "Next."]
    assert split_sentences("See ch. 3 for that. Done.") == ["See ch. 3 for that.", "Done."]


def test_a_short_common_word_before_a_stop_still_ends_the_sentence():
    assert split_sentences("I told him all. then I left.") == ["I told him all.", "then I left."]


def test_quoted_speech_never_splits_a_sentence():
    assert split_sentences('He said "Stop. Now." and left. Fine.') == ['He said "Stop. Now." and left.', "Fine."]


def test_lines_starting_with_a_capital_or_a_bullet_are_new_sentences():
    assert split_sentences("book the room\nCall Ade\n- send notes\n- plan") == [
        "book the room", "Call Ade", "- send notes", "- plan"]
    assert split_sentences("a line that wraps\nonto the next") == ["a line that wraps\nonto the next"]


def test_transcript_lines_split_per_speaker():
    assert split_sentences("HELEN: So. Tell me\nME: I was nervous") == ["HELEN: So.", "Tell me", "ME: I was nervous"]


def test_empty_text_has_no_sentences():
    assert sentence_spans("  \n ") == []


def test_strip_markup_keeps_text_of_emphasis_links_and_wikilinks():
    assert strip_markup("**Book** the _room_ via [form](http://x) and [[Ade|him]] `now`") == (
        "Book the room via form and him now")
    assert strip_markup("**_both_**") == "both"


def test_mask_quotes_keeps_length_and_final_stop():
    text = 'She said "I will go." then “we’ll see”'
    masked = mask_quotes(text)
    assert len(masked) == len(text)
    assert "will" not in masked and '"xxxxxxxxx."' in masked
