"""The install-time vectors of bundled texts: only unknown texts reach the model; a stale cache is ignored."""

from __future__ import annotations

import numpy as np

from coach.retrieval import vector_cache
from tests.conftest import HashEmbedder


def test_only_the_texts_it_does_not_know_are_computed():
    model = HashEmbedder()
    known = model.embed(["a known passage"])[0]
    cache = vector_cache.VectorCache({vector_cache.text_key("a known passage"): known})
    asked: list[list[str]] = []

    def compute(texts):
        asked.append(list(texts))
        return model.embed(texts)

    out = cache.embed(["new one", "a known passage", "another new"], compute)
    assert asked == [["new one", "another new"]]
    assert np.allclose(out[1], known)
    assert np.allclose(out[0], model.embed(["new one"])[0]) and np.allclose(out[2], model.embed(["another new"])[0])
    assert cache.hits == 1


def test_a_fully_cached_batch_never_calls_the_model():
    model = HashEmbedder()
    cache = vector_cache.VectorCache({vector_cache.text_key(t): model.embed([t])[0] for t in ("x", "y")})
    out = cache.embed(["y", "x"], lambda texts: (_ for _ in ()).throw(AssertionError("model called")))
    assert out.shape == (2, 384) and cache.hits == 2


def test_a_cache_from_other_weights_or_damaged_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setattr(vector_cache, "weights_id", lambda: "weights-now")
    path = tmp_path / "v.npz"
    np.savez(path, keys=np.array([vector_cache.text_key("t")]), vectors=np.ones((1, 384), np.float32),
             weights=np.array("weights-then"))
    assert vector_cache.load(path) is None
    np.savez(path, keys=np.array([vector_cache.text_key("t")]), vectors=np.ones((1, 384), np.float32),
             weights=np.array("weights-now"))
    assert vector_cache.load(path).vectors.keys() == {vector_cache.text_key("t")}
    monkeypatch.setattr(vector_cache, "weights_id", lambda: None)  # no install-time export to vouch for it
    assert vector_cache.load(path) is None
    monkeypatch.setattr(vector_cache, "weights_id", lambda: "weights-now")
    path.write_bytes(b"not an npz")
    assert vector_cache.load(path) is None
    assert vector_cache.load(tmp_path / "missing.npz") is None
