"""Query-time embeddings from an ONNX export of all-MiniLM-L6-v2, so searching never imports torch."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from coach.fsutil import TEMP_PREFIX, atomic_write, fsync_dir
from coach.paths import ensure_private_dir

ONNX_FILENAME = "all-MiniLM-L6-v2.onnx"
EMBEDDING_DIM = 384
MAX_SEQ_LENGTH = 256
"""The model's max_seq_length (sentence_bert_config.json); longer texts are truncated, as upstream."""
OPSET = 17
"""17 is the first opset with LayerNormalization, which onnxruntime runs as one fused kernel."""
EXPORT_FORMAT = 2
"""Bump when the export recipe changes, so exports made by older code count as stale.
2: the sidecar records the export's own size and hash, so a truncated or damaged model is noticed."""
_INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
_OUTPUT_NAME = "last_hidden_state"
_DYNAMIC_AXES = {name: {0: "batch", 1: "sequence"} for name in (*_INPUT_NAMES, _OUTPUT_NAME)}
_WEIGHTS_FILENAME = "model.safetensors"
_BATCH_SIZE = 32
"""Bounds the attention buffers (batch x 12 heads x 256 x 256 floats) when many texts are embedded at once."""


def onnx_cache_path(data_dir: Path) -> Path:
    """Where the exported model lives inside the (rebuildable) data folder."""
    return Path(data_dir) / "models" / ONNX_FILENAME


def sidecar_path(onnx_path: Path) -> Path:
    """The JSON file recording which weights an export was made from."""
    return onnx_path.with_name(onnx_path.name + ".json")


def installed_onnx_path() -> Path:
    """The export made once at install time (`make run` runs `python -m coach.retrieval.onnx_embedder`),
    shared by every data folder: a first run then starts indexing at once instead of exporting (~10-40 s)."""
    return Path(sys.prefix) / "share" / "coach" / "models" / ONNX_FILENAME


def existing_onnx(data_dir: Path) -> Path:
    """The export a search can load without exporting: the data folder's, else the install-time one."""
    own = onnx_cache_path(data_dir)
    return own if own.exists() or not installed_onnx_path().exists() else installed_onnx_path()


def ensure_onnx(model_dir: Path, data_dir: Path) -> Path:
    """Return a whole, current export (the data folder's, else the install-time one), exporting first
    (needs torch) if neither is. A damaged data-folder copy is removed: it would shadow the good shared one
    (existing_onnx prefers the data folder's), so every search would fall back to the slow path."""
    out_path = onnx_cache_path(data_dir)
    if usable(Path(model_dir), out_path):
        return out_path
    if usable(Path(model_dir), installed_onnx_path()):
        for stale in (out_path, sidecar_path(out_path)):
            stale.unlink(missing_ok=True)  # derived (rebuilt from the weights), never user data
        return installed_onnx_path()
    return export_onnx(Path(model_dir), out_path)


def usable(model_dir: Path, onnx_path: Path) -> bool:
    """Current (made from these weights by this recipe) and whole (its size and SHA-256 as exported)."""
    return not is_stale(model_dir, onnx_path) and damage(onnx_path) is None


def is_stale(model_dir: Path, onnx_path: Path) -> bool:
    """True when the export is missing, unreadable, from another recipe, or from other weights."""
    if not onnx_path.is_file():
        return True
    recorded = _read_sidecar(sidecar_path(onnx_path))
    if recorded is None or recorded.get("format") != EXPORT_FORMAT:
        return True
    if recorded.get("onnx_size") != onnx_path.stat().st_size:
        return True  # truncated (or replaced): cheap enough to check on every cold query
    weights = model_dir / _WEIGHTS_FILENAME
    # Same size and mtime as when exported: skip re-hashing 90 MB on every cold query.
    if recorded.get("source_stat") == _stat_key(weights):
        return False
    return recorded.get("source_sha256") != _sha256(weights)


def export_onnx(model_dir: Path, out_path: Path) -> Path:
    """Export the model's transformer (not pooling) to ONNX at out_path, atomically, with a sidecar."""
    model_dir, out_path = Path(model_dir), Path(out_path)
    weights = model_dir / _WEIGHTS_FILENAME
    ensure_private_dir(out_path.parent, root=out_path.parent.parent)  # may create the (private) data dir
    module = _load_export_module(model_dir)
    _atomic_export(out_path, lambda tmp: _trace_to_onnx(module, tmp))
    sidecar = {
        "format": EXPORT_FORMAT,
        "opset": OPSET,
        "source_sha256": _sha256(weights),
        "source_stat": _stat_key(weights),
        "onnx_size": out_path.stat().st_size,
        "onnx_sha256": _sha256(out_path),
    }
    # Written after the model: a crash in between leaves the export looking stale, never falsely fresh.
    atomic_write(sidecar_path(out_path), json.dumps(sidecar, indent=2))
    return out_path


def damage(onnx_path: Path) -> str | None:
    """Why the export cannot be trusted (missing, truncated, altered), or None: the full check, for doctor."""
    if not onnx_path.is_file():
        return "not built yet"
    recorded = _read_sidecar(sidecar_path(onnx_path)) or {}
    if recorded.get("format") != EXPORT_FORMAT:
        return "made by an older coach"
    size = onnx_path.stat().st_size
    if recorded.get("onnx_size") != size:
        return f"truncated or replaced ({size} bytes, expected {recorded.get('onnx_size')})"
    if recorded.get("onnx_sha256") != _sha256(onnx_path):
        return "damaged (its checksum does not match)"
    return None


def _load_export_module(model_dir: Path) -> Any:
    # Imported here, not at the top: embeddings.py may import this module, and this path is index-time only.
    from coach.retrieval.embeddings import force_offline

    force_offline()  # project rule: nothing is fetched from a model hub, even by accident
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # the weight-loading bar is noise in `coach index` output
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class LastHiddenState(torch.nn.Module):
        """Keyword call and a single tensor output: BertModel's positional order differs across versions."""

        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    return LastHiddenState(model).eval()


def _trace_to_onnx(module: Any, path: Path) -> None:
    import torch

    # A padded second row makes the trace keep the attention-mask path instead of specialising it away.
    input_ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.long)
    attention_mask = (input_ids != 0).long()
    token_type_ids = torch.zeros_like(input_ids)
    with warnings.catch_warnings(), torch.no_grad():
        # Expected from the TorchScript exporter (deprecation, tracer notes); the parity tests guard the result.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            (input_ids, attention_mask, token_type_ids),
            str(path),
            # The default dynamo exporter needs the onnxscript package; the TorchScript one does not.
            dynamo=False,
            input_names=list(_INPUT_NAMES),
            output_names=[_OUTPUT_NAME],
            dynamic_axes=_DYNAMIC_AXES,
            opset_version=OPSET,
            do_constant_folding=True,
        )


def _atomic_export(path: Path, write: Any) -> None:
    # fsutil.atomic_write takes bytes, but the exporter wants a path to write to; same temp+rename idea,
    # same TEMP_PREFIX so fsutil.clean_stray_temps sweeps up what a crash leaves.
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".onnx", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        _fsync_file(tmp)
        os.chmod(tmp, 0o600)  # everything in the data folder is private
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _read_sidecar(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stat_key(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


class OnnxEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings (mean pooled, L2 normalised) via onnxruntime."""

    def __init__(self, onnx_path: Path, tokenizer_path: Path, max_length: int = MAX_SEQ_LENGTH) -> None:
        from coach.retrieval.embeddings import force_offline

        force_offline()  # the ONNX path never needs the hub; make sure nothing it loads tries
        self._tokenizer = _load_tokenizer(Path(tokenizer_path), max_length)
        self._session = _open_session(Path(onnx_path))
        # Exporters may prune an input the traced graph never reads; feed only what this graph declares.
        self._input_names = {arg.name for arg in self._session.get_inputs()}

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts as float32 rows of shape (len(texts), 384), each of unit length."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        # Sorting by length keeps padding, and so wasted attention work, small within each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: np.ndarray = np.empty((len(texts), EMBEDDING_DIM), dtype=np.float32)
        for start in range(0, len(order), _BATCH_SIZE):
            chunk = order[start : start + _BATCH_SIZE]
            out[chunk] = self._embed_batch([texts[i] for i in chunk])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        attention_mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": attention_mask,
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        feeds = {name: value for name, value in feeds.items() if name in self._input_names}
        (hidden,) = self._session.run([_OUTPUT_NAME], feeds)
        return _l2_normalise(_mean_pool(hidden, attention_mask))


def _load_tokenizer(tokenizer_path: Path, max_length: int) -> Any:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    # tokenizer.json ships fixed 128-token padding/truncation; sentence-transformers pads to the
    # longest text in the batch and truncates at max_seq_length, special tokens included.
    padding = tokenizer.padding or {}
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]"))
    return tokenizer


def _open_session(onnx_path: Path) -> Any:
    import onnxruntime as ort

    from coach.privacy import quiet_onnxruntime

    quiet_onnxruntime(ort)  # before the first session; the env opt-outs (coach.privacy) cover start-up
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2  # the machine's two cores
    options.inter_op_num_threads = 1  # a single sequential graph: more threads only add spin-up cost
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(onnx_path), sess_options=options, providers=["CPUExecutionProvider"])


def _mean_pool(hidden: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    # sentence-transformers' mean Pooling: pads excluded, count clamped so an all-pad row cannot divide by 0.
    mask: np.ndarray = attention_mask[:, :, None].astype(np.float32)
    summed = (hidden * mask).sum(axis=1)
    counts = np.clip(mask.sum(axis=1), 1e-9, None)
    return (summed / counts).astype(np.float32)


def _l2_normalise(vectors: np.ndarray) -> np.ndarray:
    # torch.nn.functional.normalize's eps: a zero vector stays zero instead of becoming NaN.
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


if __name__ == "__main__":  # run at install (Makefile): export once into the environment, for every data folder
    from coach.retrieval.embeddings import bundled_model_dir

    if is_stale(bundled_model_dir(), installed_onnx_path()):
        export_onnx(bundled_model_dir(), installed_onnx_path())
    print(f"search model ready: {installed_onnx_path()}")
