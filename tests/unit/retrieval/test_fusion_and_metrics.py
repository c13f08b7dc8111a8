"""Reciprocal rank fusion and the retrieval-quality metrics used by `coach eval`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from coach.errors import ConfigError
from coach.retrieval.evaluate import (
    Query,
    load_queries,
    ndcg_at,
    recall_at,
    reciprocal_rank,
    score_queries,
)
from coach.retrieval.fusion import max_rrf, reciprocal_rank_fusion

# -- fusion ----------------------------------------------------------------------------------


def test_an_item_first_in_both_lists_beats_one_first_in_one():
    scores = reciprocal_rank_fusion([["both", "dense-only", "x"], ["both", "kw-only", "y"]])
    assert scores["both"] > scores["dense-only"]
    assert scores["both"] > scores["kw-only"]
    assert max(scores, key=scores.get) == "both"


def test_fused_score_falls_with_rank_and_sums_over_lists():
    single = reciprocal_rank_fusion([["a", "b", "c"]])
    assert single["a"] > single["b"] > single["c"] > 0
    double = reciprocal_rank_fusion([["a", "b", "c"], ["a", "b", "c"]])
    assert double["b"] == pytest.approx(2 * single["b"])


def test_fusion_scores_only_listed_items():
    scores = reciprocal_rank_fusion([["a"], [], ["b"]])
    assert set(scores) == {"a", "b"}
    assert scores["a"] == pytest.approx(scores["b"])
    assert reciprocal_rank_fusion([]) == {}


def test_max_rrf_is_the_score_of_an_item_first_everywhere():
    lists = [["top", "z"], ["top"], ["top", "q"]]
    assert reciprocal_rank_fusion(lists)["top"] == pytest.approx(max_rrf(len(lists)))


# -- metrics ---------------------------------------------------------------------------------


def test_recall_at_counts_relevant_items_within_k():
    ranked = ["x", "a", "y", "b", "z"]
    assert recall_at(ranked, ("a", "b"), 5) == 1.0
    assert recall_at(ranked, ("a", "b"), 2) == 0.5
    assert recall_at(ranked, ("a", "b"), 1) == 0.0
    assert recall_at([], ("a",), 10) == 0.0


def test_reciprocal_rank_uses_the_first_relevant_hit():
    assert reciprocal_rank(["a", "b"], ("a",)) == 1.0
    assert reciprocal_rank(["x", "y", "b", "a"], ("a", "b")) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x", "y"], ("a",)) == 0.0


def test_ndcg_is_one_for_the_perfect_ranking_and_lower_when_reversed():
    relevant = ("a", "b", "c")
    assert ndcg_at(["a", "b", "c", "x"], relevant) == pytest.approx(1.0)
    reversed_ = ndcg_at(["c", "b", "a"], relevant)
    assert 0 < reversed_ < 1
    pushed_down = ndcg_at(["x", "y", "a", "b", "c"], relevant)
    assert pushed_down < 1
    assert ndcg_at(["x", "y"], relevant) == 0.0


def test_ndcg_only_looks_at_the_top_k():
    relevant = ("a",)
    ranked = [f"x{i}" for i in range(10)] + ["a"]
    assert ndcg_at(ranked, relevant, k=10) == 0.0
    assert 0 < ndcg_at(ranked, relevant, k=11) < 1


def _q(qid: str, relevant: tuple[str, ...], kind: str = "fact") -> Query:
    return Query(qid, f"query {qid}", relevant, kind)


def test_score_queries_averages_positives_and_rates_negatives():
    queries = [
        _q("p1", ("a.md",), "fact"),
        _q("p2", ("b.md",), "temporal"),
        _q("n1", ()),
        _q("n2", ()),
        _q("n3", ()),
        _q("n4", ()),
    ]
    results = {
        "p1": (["a.md", "x.md"], False),  # perfect
        "p2": (["x.md", "b.md"], True),  # found second, yet flagged nothing-relevant
        "n1": ([], True),
        "n2": (["x.md"], True),
        "n3": (["x.md"], False),
        "n4": (["y.md"], True),
    }
    report = score_queries(queries, results)

    overall = report["overall"]
    assert overall["queries"] == 2
    assert overall["mrr"] == pytest.approx((1 + 0.5) / 2)
    assert overall["recall@5"] == pytest.approx(1.0)
    assert overall["recall@10"] == pytest.approx(1.0)
    assert overall["ndcg@10"] == pytest.approx((1 + 1 / math.log2(3)) / 2)

    assert set(report["by_kind"]) == {"fact", "temporal"}
    assert report["by_kind"]["fact"]["mrr"] == 1.0
    assert report["by_kind"]["temporal"]["mrr"] == 0.5

    negatives = report["negatives"]
    assert negatives["count"] == 4
    assert negatives["nothing_relevant_rate"] == pytest.approx(0.75)
    assert negatives["false_positive_rate"] == pytest.approx(0.25)
    assert report["positives_flagged_nothing"] == 1


def test_score_queries_without_negatives_has_no_rate():
    report = score_queries([_q("p", ("a.md",))], {"p": (["a.md"], False)})
    assert report["negatives"]["count"] == 0
    assert report["negatives"]["nothing_relevant_rate"] is None


# -- loading ---------------------------------------------------------------------------------


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_queries_strips_the_notes_prefix(tmp_path):
    path = _write_lines(
        tmp_path / "queries.jsonl",
        [
            json.dumps(
                {
                    "id": 1,
                    "query": "first session goals",
                    "relevant": ["notes/2025/a.md", "b.md"],
                    "kind": "temporal",
                }
            ),
            "",
            json.dumps({"id": "neg", "query": "salsa recipes"}),
        ],
    )
    queries = load_queries(path)
    assert queries == [
        Query("1", "first session goals", ("2025/a.md", "b.md"), "temporal"),
        Query("neg", "salsa recipes", (), "other"),
    ]


def test_load_queries_only_strips_a_leading_notes_folder(tmp_path):
    path = _write_lines(
        tmp_path / "q.jsonl", [json.dumps({"id": 1, "query": "q", "relevant": ["old/notes/a.md"]})]
    )
    assert load_queries(path)[0].relevant == ("old/notes/a.md",)


@pytest.mark.parametrize(
    "bad",
    [
        "{not json",
        json.dumps({"id": 3}),
        json.dumps({"query": "no id"}),
        json.dumps({"id": 1, "query": "q", "relevant": None}),
    ],
    ids=["syntax", "no-query", "no-id", "null-relevant"],
)
def test_load_queries_names_the_malformed_line(tmp_path, bad):
    path = _write_lines(
        tmp_path / "queries.jsonl",
        [json.dumps({"id": 1, "query": "ok", "relevant": ["a.md"]}), "", bad],
    )
    with pytest.raises(ConfigError) as caught:
        load_queries(path)
    assert f"{path}:3:" in str(caught.value)


def test_load_queries_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="queries"):
        load_queries(tmp_path / "queries.jsonl")


@pytest.mark.parametrize(
    "bad",
    ["[1, 2]", "null", json.dumps({"id": 1, "query": "q", "relevant": [3]})],
    ids=["list", "null", "int-path"],
)
def test_load_queries_rejects_non_object_lines_with_config_error(tmp_path, bad):
    path = _write_lines(tmp_path / "queries.jsonl", [bad])
    with pytest.raises(ConfigError, match=":1:"):
        load_queries(path)


def test_load_queries_rejects_relevant_given_as_a_string(tmp_path):
    path = _write_lines(
        tmp_path / "queries.jsonl", [json.dumps({"id": 1, "query": "q", "relevant": "notes/a.md"})]
    )
    try:
        queries = load_queries(path)
    except ConfigError:
        return
    assert queries[0].relevant == ("a.md",)
