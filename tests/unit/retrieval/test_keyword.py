"""The keyword side: tokenize (stemming, accent folding, stopwords) and KeywordIndex persistence."""

from __future__ import annotations

import numpy as np
import pytest

from coach.retrieval.keyword import KeywordIndex, tokenize
from coach.text import STOP_WORDS as STOPWORDS

# -- tokenize --------------------------------------------------------------------------------


def test_inflections_share_a_stem():
    stems = tokenize("Delegating delegation delegated delegates")
    assert len(stems) == 4
    assert len(set(stems)) == 1
    assert tokenize("meetings") == tokenize("meeting")


def test_accents_are_folded_and_case_ignored():
    assert tokenize("café") == tokenize("cafe") == tokenize("CAFÉ") == ["cafe"]
    assert tokenize("résumé naïve") == tokenize("resume naive")


def test_stopwords_and_question_words_are_dropped():
    assert tokenize("What is the point of the meeting?") == tokenize("point meeting")
    assert tokenize("the and of what when how") == []
    assert "the" in STOPWORDS


def test_contractions_and_possessives_keep_only_the_stem_word():
    assert tokenize("the manager’s feedback") == tokenize("manager feedback")
    assert tokenize("don't we're") == []


def test_punctuation_and_underscores_split_words():
    assert tokenize("on-call/roadmap_review") == tokenize("on call roadmap review")


def test_empty_text_gives_no_tokens():
    assert tokenize("") == []
    assert tokenize("  ,.;!  ") == []


# -- index -----------------------------------------------------------------------------------

IDS = ["n1-0000", "n2-0000", "n3-0000", "n4-0000"]
TEXTS = [
    "Delegation to the team lead went well; delegating the launch next.",
    "Café budget review with finance.",
    "The and of what how",  # only stopwords
    "Promotion case: sponsorship and visibility.",
]


@pytest.fixture
def index() -> KeywordIndex:
    return KeywordIndex.build(IDS, TEXTS)


def test_scores_rank_the_matching_chunk_first(index):
    scores = index.scores("How do I get better at delegating?")
    assert scores.shape == (len(IDS),)
    assert int(np.argmax(scores)) == 0
    assert scores[0] > 0
    assert np.all(scores[1:] == 0)


def test_accented_query_matches_unaccented_text_and_back(index):
    assert int(np.argmax(index.scores("cafe"))) == 1
    other = KeywordIndex.build(["x", "y"], ["cafe hours", "nothing here"])
    assert other.scores("CAFÉ")[0] > 0


def test_queries_with_no_known_or_content_words_score_zero(index):
    assert not index.scores("zebra").any()
    assert not index.scores("what is the").any()
    assert not index.scores("").any()


def test_save_and_load_round_trip_gives_the_same_scores(index, tmp_path):
    folder = tmp_path / "index" / "keyword"
    folder.parent.mkdir()
    index.save(folder)
    loaded = KeywordIndex.load(folder)
    assert loaded is not None
    assert loaded.ids == IDS
    for query in ("delegation", "café budget", "sponsorship visibility promotion", "zebra"):
        np.testing.assert_allclose(loaded.scores(query), index.scores(query), rtol=1e-6)
    assert list(loaded.positions(["n4-0000", "unknown", "n1-0000"])) == [3, 0]


def test_saving_again_replaces_the_old_index_and_leaves_no_staging(index, tmp_path):
    folder = tmp_path / "keyword"
    index.save(folder)
    KeywordIndex.build(["only"], ["budget"]).save(folder)
    loaded = KeywordIndex.load(folder)
    assert loaded.ids == ["only"]
    assert loaded.scores("budget")[0] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keyword"]


def test_load_of_a_missing_or_damaged_index_is_none(index, tmp_path):
    assert KeywordIndex.load(tmp_path / "absent") is None
    folder = tmp_path / "keyword"
    index.save(folder)
    (folder / "ids.json").write_text("{not json", encoding="utf-8")
    assert KeywordIndex.load(folder) is None


def test_an_empty_corpus_builds_saves_and_scores_nothing(tmp_path):
    empty = KeywordIndex.build([], [])
    assert empty.ids == []
    assert empty.scores("delegation").shape == (0,)
    empty.save(tmp_path / "kw")
    loaded = KeywordIndex.load(tmp_path / "kw")
    assert loaded is not None and loaded.ids == []
    assert loaded.scores("delegation").shape == (0,)
    assert list(loaded.positions(["x"])) == []


def test_a_corpus_of_only_stopword_chunks_scores_zero():
    only_stop = KeywordIndex.build(["a", "b"], ["the and of", ""])
    assert only_stop.scores("the budget").tolist() == [0.0, 0.0]
