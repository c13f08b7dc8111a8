"""The ONNX export (made at install time) matches sentence-transformers on the real bundled model.

Packaging tier: it exports with torch and loads sentence-transformers (~1-2 min on a loaded 2-core
machine), so `make test` runs it and the edit loop (`make test-fast`) does not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coach.retrieval.embeddings import SentenceTransformerEmbedder, TokenCounter, bundled_model_dir
from coach.retrieval.onnx_embedder import (
    EMBEDDING_DIM,
    OnnxEmbedder,
    ensure_onnx,
    existing_onnx,
    export_onnx,
    installed_onnx_path,
    is_stale,
    onnx_cache_path,
    sidecar_path,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
MIN_COSINE = 0.999

SENTENCES = [
    "hello",
    "",
    "   ",
    "?",
    "\n\t\n",
    "How do I ask my mentor for honest feedback on my first conference talk?",
    "Felt like an imposter in today's design review; Priya said that's normal.",
    "Agenda: 1) promotion case 2) reading list 3) next quarter's OKRs",
    "TODO — follow up with Sam re: the on-call rotation!!!",
    "Ünïcødé naïve café résumé façade",
    "日本語のメモ：メンターとの面談で学んだこと",
    "Заметки о встрече с наставником",
    "emoji only 🙂🚀🔥",
    "GROW model: Goal, Reality, Options, Will.",
    "Kolb's cycle: concrete experience, reflective observation, abstract conceptualisation, experimentation.",
    "x" * 600,
    "she said: \"don't optimise for being liked; optimise for being useful\"",
    # Past 256 word pieces: both sides must truncate at the same place.
    "We talked about how to give corrective feedback without crushing motivation. " * 40,
    " ".join(f"item{i}" for i in range(400)),
    "Reflection. " + "What went well, what did not, and what will I try next time? " * 30,
]


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return bundled_model_dir()


@pytest.fixture(scope="module")
def onnx_path(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Export once per module (it loads torch and takes seconds): this module tests the export itself, so
    # not the install-time one ensure_onnx would return.
    return export_onnx(model_dir, onnx_cache_path(tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="module")
def onnx_embedder(onnx_path: Path, model_dir: Path) -> OnnxEmbedder:
    return OnnxEmbedder(onnx_path, model_dir / "tokenizer.json")


@pytest.fixture(scope="module")
def ours(onnx_embedder: OnnxEmbedder) -> np.ndarray:
    """The export's vectors of SENTENCES, computed once for the tests that only read them."""
    return onnx_embedder.embed(SENTENCES)


def test_long_sentences_really_exceed_the_limit(model_dir: Path) -> None:
    counts = TokenCounter(model_dir)
    assert sum(counts(text) > 256 for text in SENTENCES) >= 3


def test_matches_sentence_transformers(ours: np.ndarray, model_dir: Path) -> None:
    reference = SentenceTransformerEmbedder(model_dir).embed(SENTENCES)
    assert ours.shape == reference.shape == (len(SENTENCES), EMBEDDING_DIM)
    assert ours.dtype == np.float32
    cosines = np.sum(ours * reference, axis=1) / (
        np.linalg.norm(ours, axis=1) * np.linalg.norm(reference, axis=1)
    )
    worst = int(np.argmin(cosines))
    assert cosines.min() >= MIN_COSINE, f"cosine {cosines[worst]:.6f} for {SENTENCES[worst][:60]!r}"


def test_rows_are_unit_length(ours: np.ndarray) -> None:
    norms = np.linalg.norm(ours, axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)


def test_padding_does_not_change_a_vector(onnx_embedder: OnnxEmbedder) -> None:
    # Alone (no padding) versus beside a long text (heavily padded): the mask must hide the pads.
    alone = onnx_embedder.embed(["hello"])[0]
    batched = onnx_embedder.embed(["hello", SENTENCES[17]])[0]
    assert float(alone @ batched) >= 0.99999


def test_order_is_preserved(onnx_embedder: OnnxEmbedder) -> None:
    texts = SENTENCES * 3  # more than one internal batch, and sorted by length inside
    together = onnx_embedder.embed(texts)
    alone = np.vstack([onnx_embedder.embed([text]) for text in SENTENCES])  # each text embedded by itself ...
    one_by_one = np.vstack([alone] * 3)  # ... is the expected row wherever that text appears in `texts`
    np.testing.assert_allclose(together, one_by_one, atol=1e-4)


def test_empty_list_gives_empty_matrix(onnx_embedder: OnnxEmbedder) -> None:
    assert onnx_embedder.embed([]).shape == (0, EMBEDDING_DIM)


def test_export_is_reused_until_stale(onnx_path: Path, model_dir: Path) -> None:
    data_dir = onnx_path.parent.parent
    assert onnx_cache_path(data_dir) == onnx_path
    assert not is_stale(model_dir, onnx_path)
    sidecar = sidecar_path(onnx_path)
    recorded = json.loads(sidecar.read_text("utf-8"))
    try:
        sidecar.write_text(json.dumps({**recorded, "source_stat": None, "source_sha256": "0" * 64}), "utf-8")
        assert is_stale(model_dir, onnx_path)
        sidecar.write_text(json.dumps({**recorded, "source_stat": None}), "utf-8")
        assert not is_stale(model_dir, onnx_path)  # stat changed but the bytes did not
    finally:
        sidecar.write_text(json.dumps(recorded), "utf-8")
    assert not list(onnx_path.parent.glob(".coach-tmp-*"))


def test_a_fresh_data_folder_uses_the_install_time_export(model_dir: Path, tmp_path: Path) -> None:
    installed = installed_onnx_path()
    if is_stale(model_dir, installed):
        pytest.skip("no install-time export in this environment (make run / make test make one)")
    assert ensure_onnx(model_dir, tmp_path / "data") == installed
    assert existing_onnx(tmp_path / "data") == installed
    assert not (tmp_path / "data" / "models").exists()  # nothing exported, nothing copied


def test_query_path_never_imports_torch(onnx_path: Path, model_dir: Path) -> None:
    # The whole point of this module: a cold `coach search` must not pay for torch or transformers.
    script = (
        "import sys; from pathlib import Path\n"
        "from coach.retrieval.onnx_embedder import OnnxEmbedder\n"
        "assert 'onnxruntime' not in sys.modules, 'module import must stay cheap'\n"
        f"e = OnnxEmbedder(Path({str(onnx_path)!r}), Path({str(model_dir / 'tokenizer.json')!r}))\n"
        "assert e.embed(['hello']).shape == (1, 384)\n"
        "heavy = sorted({'torch', 'transformers', 'sentence_transformers'} & set(sys.modules))\n"
        "assert not heavy, heavy\n"
    )
    # A checkout need not be pip-installed: let the child find `coach` the way this process did.
    path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
