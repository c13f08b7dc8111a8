"""Vectors of the bundled texts (the principles and the sample notes), computed once at install time.

A first run then indexes them without running the model: the sample notes are searchable a few seconds
after the user picks them, and the principles of any first run are in at once. Vectors are looked up by
the SHA-256 of the exact text the embedder would see, and trusted only while the installed model export
was made from the same weights; anything else (a user's note, an edited principle) is embedded as usual.

`python -m coach.retrieval.vector_cache` (run by the Makefile after the model export) writes the file."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from coach.fsutil import atomic_write

CACHE_FILENAME = "bundled-vectors.npz"


def cache_path() -> Path:
    """Beside the install-time model export, shared by every data folder."""
    from coach.retrieval.onnx_embedder import installed_onnx_path

    return installed_onnx_path().with_name(CACHE_FILENAME)


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class VectorCache:
    """Known vectors by text hash; `embed` computes only the texts it does not know."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors
        self.hits = 0

    def embed(self, texts: list[str], compute: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        keys = [text_key(text) for text in texts]
        missing = [i for i, key in enumerate(keys) if key not in self.vectors]
        out: np.ndarray = np.empty((len(texts), _DIM), dtype=np.float32)
        for i, key in enumerate(keys):
            if key in self.vectors:
                out[i] = self.vectors[key]
        if missing:  # the model loads only when something is not cached
            out[missing] = np.asarray(compute([texts[i] for i in missing]), dtype=np.float32)
        self.hits += len(texts) - len(missing)
        return out


_DIM = 384


def weights_id() -> str | None:
    """The weights the installed export was made from, if that export is there and current."""
    from coach.retrieval import onnx_embedder as onnx
    from coach.retrieval.embeddings import bundled_model_dir

    target = onnx.installed_onnx_path()
    try:
        if onnx.is_stale(bundled_model_dir(), target):
            return None
    except Exception:
        return None
    recorded = onnx._read_sidecar(onnx.sidecar_path(target)) or {}
    return recorded.get("source_sha256")


def load(path: Path | None = None) -> VectorCache | None:
    """The install-time cache, or None when it is missing, unreadable or from other weights."""
    path = path or cache_path()
    try:
        if not path.is_file():
            return None
        current = weights_id()
        with np.load(path, allow_pickle=False) as data:
            if not current or str(data["weights"]) != current:  # no verifiable model: no borrowed vectors
                return None
            keys, vectors = data["keys"], data["vectors"]
            if vectors.shape != (len(keys), _DIM):
                return None
            return VectorCache({str(key): vectors[i] for i, key in enumerate(keys)})
    except Exception:  # a damaged cache only costs the time it was meant to save
        return None


def bundled_texts(folders: Iterable[Path]) -> list[str]:
    """What the indexer embeds for every note in `folders`: the same reader, chunker and token counter."""
    from coach.notes.reader import scan_folder
    from coach.retrieval.chunking import chunk_note, embed_text
    from coach.retrieval.engine import _lazy_counter
    from coach.retrieval.indexer import MAX_PASSAGES_PER_NOTE

    counter = _lazy_counter()
    texts: list[str] = []
    for folder in folders:
        if not Path(folder).is_dir():
            continue
        for note in scan_folder(Path(folder)).notes:
            chunks = chunk_note(note, counter)[:MAX_PASSAGES_PER_NOTE]
            texts += [embed_text(note.title, chunk, note.tags) for chunk in chunks]
    return list(dict.fromkeys(texts))


def build(folders: Iterable[Path], embedder, path: Path | None = None) -> int:
    """Embed the bundled texts once and write the cache (atomically); returns how many vectors."""
    path = path or cache_path()
    texts = bundled_texts(folders)
    vectors = np.asarray(embedder.embed(texts), dtype=np.float32).reshape(len(texts), _DIM)
    buffer = io.BytesIO()
    np.savez(buffer, keys=np.array([text_key(t) for t in texts]), vectors=vectors,
             weights=np.array(weights_id() or ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, buffer.getvalue(), mode=0o644)  # public texts' vectors, like the export
    return len(texts)


if __name__ == "__main__":  # run at install (Makefile), after the model export
    from coach import paths
    from coach.retrieval import onnx_embedder as onnx
    from coach.retrieval.embeddings import bundled_model_dir

    model = onnx.OnnxEmbedder(onnx.installed_onnx_path(), bundled_model_dir() / "tokenizer.json")
    count = build([paths.knowledge_dir(), paths.sample_notes_dir()], model)
    print(f"bundled vectors ready: {count} passages in {cache_path()}")
