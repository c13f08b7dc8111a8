"""Reliability-tier fixtures: one ONNX export per session, shared by every real-embedder test here."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def onnx_export(tmp_path_factory):
    """Path of the real MiniLM ONNX export, made once; `seed_models` hard-links it into a data dir."""
    from coach.retrieval.embeddings import bundled_model_dir
    from coach.retrieval.onnx_embedder import ensure_onnx

    return ensure_onnx(bundled_model_dir(), tmp_path_factory.mktemp("onnx-export"))


@pytest.fixture(scope="session")
def real_embedder(onnx_export):
    """The suite's real_embedder, built from this tier's export (so the tier exports only once)."""
    from coach.retrieval.embeddings import bundled_model_dir
    from coach.retrieval.onnx_embedder import OnnxEmbedder

    return OnnxEmbedder(onnx_export, bundled_model_dir() / "tokenizer.json")


@pytest.fixture(scope="session")
def baseline_data(tmp_path_factory, onnx_export):
    """A data dir with the model exported and the principles indexed (no notes): copy it, never use it."""
    from tests.reliability.crashkit import build_baseline

    return build_baseline(tmp_path_factory.mktemp("baseline") / "data", onnx_export)


@pytest.fixture
def fresh_data(tmp_path, baseline_data):
    """A private copy of the baseline data dir for one test."""
    from tests.reliability.crashkit import copy_data

    target = tmp_path / "data"
    copy_data(baseline_data, target)
    return target
