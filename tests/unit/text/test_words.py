"""coach.text.words: one stop list, one stemmer, folding, tokens for BM25 and word sets for matching."""

from __future__ import annotations

from coach.text import STOP_WORDS, VAGUE_WORDS, containment, content_words, fold, stem, tokenize, words


def test_inflections_share_a_stem():
    assert len(set(tokenize("Delegating delegation delegated delegates"))) == 1
    assert tokenize("meetings") == tokenize("meeting")


def test_irregular_forms_meet_their_base():
    assert stem("wrote") == stem("written") == stem("write")
    assert content_words("I wrote the draft") == content_words("write the draft")


def test_accents_and_case_fold_in_tokens_and_content_words():
    assert tokenize("café") == tokenize("CAFÉ") == ["cafe"]
    assert content_words("Café résumé") == content_words("cafe resume")


def test_stop_words_are_dropped_but_repeats_kept_for_bm25():
    assert tokenize("What is the point of the meeting?") == tokenize("point meeting")
    assert tokenize("budget budget") == ["budget", "budget"]
    assert {"the", "what", "because"} <= STOP_WORDS
    assert "one" not in content_words("the first one")


def test_possessives_and_contractions_keep_the_word_only():
    assert tokenize("the manager’s feedback") == tokenize("manager feedback")
    assert tokenize("don't we're") == []
    assert content_words("Ade's plan") == content_words("Ade plan")
    assert "don't" not in content_words("I don't know")


def test_content_words_keep_meeting_ids_and_money_whole():
    found = content_words("Book a 1:1 for £40")
    assert {"1:1", "£40", "book"} <= found
    assert content_words("our 1:1s") == frozenset({"1:1"})


def test_words_split_on_punctuation_and_underscores():
    assert words("on-call/roadmap_review") == ["on", "call", "roadmap", "review"]


def test_fold_plain_punctuation_and_symbols_keeping_case_by_default():
    assert fold("“Hi” – it’s 🎉 Done") == "\"Hi\" - it's  Done"
    assert fold("Café", lower=True, accents=True) == "cafe"


def test_containment_is_the_share_of_the_small_set():
    assert containment(frozenset({"a", "b"}), frozenset({"a", "c"})) == 0.5
    assert containment(frozenset(), frozenset({"a"})) == 0.0
