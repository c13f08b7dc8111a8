"""Embeddings cached by text hash: seen texts never reach the model again; storage trouble only costs time."""

from __future__ import annotations

import numpy as np

from coach.agent.embed_cache import EmbeddingCache
from tests.unit.agent.test_commitment_tracker import fake_embed


class Counting:
    """fake_embed that records which texts it was asked for."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.seen += texts
        return fake_embed(texts)


def test_only_new_texts_are_embedded_and_vectors_come_back_in_order(tmp_path):
    model = Counting()
    cache = EmbeddingCache(tmp_path / "cache" / "e.sqlite3", model, "fake")
    first = cache(["book the venue", "write the charter", "book the venue"])
    assert model.seen == ["book the venue", "write the charter"]
    again = EmbeddingCache(tmp_path / "cache" / "e.sqlite3", model, "fake")(["write the charter", "new one"])
    assert model.seen[2:] == ["new one"]
    assert np.allclose(again[0], first[1]) and np.allclose(
        again, fake_embed(["write the charter", "new one"])
    )


def test_another_model_does_not_reuse_the_vectors(tmp_path):
    model = Counting()
    EmbeddingCache(tmp_path / "e.sqlite3", model, "a")(["x y"])
    EmbeddingCache(tmp_path / "e.sqlite3", model, "b")(["x y"])
    assert model.seen == ["x y", "x y"]


def test_an_unusable_cache_still_embeds(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    vectors = EmbeddingCache(blocker / "e.sqlite3", fake_embed, "fake")(["a b", "c d"])
    assert np.allclose(vectors, fake_embed(["a b", "c d"]))


def test_many_new_texts_report_progress_and_keep_their_order(tmp_path):
    from coach.agent.embed_cache import PROGRESS_AFTER

    texts = [f"sentence {'x' * (i % 17)} number {i}" for i in range(PROGRESS_AFTER + 70)]
    seen: list[tuple[int, int]] = []
    cache = EmbeddingCache(tmp_path / "e.sqlite3", fake_embed, "fake", lambda done, total: seen.append((done, total)))
    vectors = cache(texts)
    assert np.allclose(vectors, fake_embed(texts))
    assert seen[0] == (0, len(texts)) and seen[-1] == (len(texts), len(texts))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) > 2
    seen.clear()
    cache(texts[:5] + ["one new"])  # few new texts: one call, no progress
    assert seen == []
