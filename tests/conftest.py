"""Suite-wide fixtures: isolated coach dirs, a fake embedder, the real ONNX embedder, note writers."""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
DEV_SET = REPO.parent / "shared" / "eval" / "dev"  # CI lays shared/ beside the clone
DEV_NOTES = DEV_SET / "notes"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory, monkeypatch):
    """No test reads the developer's config or writes to their data dir; no tracing, no hub."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("COACH_CONFIG_FILE", str(home / "config.toml"))
    monkeypatch.setenv("COACH_DATA_DIR", str(home / "data"))
    monkeypatch.delenv("COACH_NOTES_DIR", raising=False)
    monkeypatch.delenv("COACH_CHROMA_URL", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    umask = os.umask(0o022)  # the CLI's main() sets 077 for its own process; run in-process, it must not leak
    yield home
    os.umask(umask)


class HashEmbedder:
    """Deterministic bag-of-words vectors (384-d, normalised): plumbing tests without a model."""

    def __init__(self) -> None:
        self.calls = 0
        self.texts = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 384] += 1.0
            out[row, 383] += 0.01  # never a zero vector
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture
def fake_embedder() -> HashEmbedder:
    return HashEmbedder()


class MemoEmbedder:
    """The real model, each distinct text embedded once per test session: every real index holds the
    principles library, and re-embedding it for each fixture was most of the service tier's time.
    Seeded with the install-time vectors of the bundled texts (the same model's, made by `make test`)."""

    def __init__(self, model) -> None:
        from coach.retrieval import vector_cache

        self.model = model
        self.cache = vector_cache.load() or vector_cache.VectorCache({})

    def embed(self, texts: list[str]) -> np.ndarray:
        from coach.retrieval.vector_cache import text_key

        out = self.cache.embed(list(texts), self.model.embed)
        self.cache.vectors.update((text_key(t), row) for t, row in zip(texts, out))
        return out


@pytest.fixture(scope="session")
def real_embedder(tmp_path_factory):
    """The real MiniLM (ONNX twin of sentence-transformers), exported once per test session."""
    from coach.retrieval.embeddings import bundled_model_dir
    from coach.retrieval.onnx_embedder import OnnxEmbedder, ensure_onnx

    data = tmp_path_factory.mktemp("onnx-cache")
    path = ensure_onnx(bundled_model_dir(), data)
    return MemoEmbedder(OnnxEmbedder(path, bundled_model_dir() / "tokenizer.json"))


@pytest.fixture
def notes_dir(tmp_path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    return folder


@pytest.fixture
def dev_notes(tmp_path) -> Path:
    """A private copy of the dev corpus (tests must never touch shared/)."""
    if not DEV_NOTES.is_dir():
        pytest.skip("shared/eval/dev is not beside this checkout")
    target = tmp_path / "dev-notes"
    shutil.copytree(DEV_NOTES, target)
    return target


def write_note(folder: Path, name: str, body: str, **front: object) -> Path:
    """Write a note with optional YAML front matter."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    head = ""
    if front:
        lines = [f"{key}: {value}" for key, value in front.items()]
        head = "---\n" + "\n".join(lines) + "\n---\n"
    path.write_text(head + body, encoding="utf-8")
    return path


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file directly in a folder, by name: to prove coach changed none of them."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


def tree_snapshot(root: Path) -> dict[str, tuple]:
    """Every file and folder under root: (type, mode, sha256 of the bytes) by relative path."""
    entries = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            info = path.lstat()
            rel = path.relative_to(root).as_posix()
            if stat.S_ISREG(info.st_mode):
                entries[rel] = ("file", stat.S_IMODE(info.st_mode), hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                entries[rel] = ("other", stat.S_IMODE(info.st_mode), None)
    entries["."] = ("dir", stat.S_IMODE(root.stat().st_mode), None)
    return entries


def unshare_prefix() -> tuple[str, ...]:
    """`unshare -rn` (a network namespace with no network) when this machine permits it, else nothing."""
    try:
        ok = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    return ("unshare", "-rn") if ok else ()


@dataclass(frozen=True)
class DevIndex:
    """A copy of the dev notes indexed by one fresh `coach index --json` process (the slow part: embedding
    every passage), then listed by one `coach commitments --json` on a cold cache (which embeds every
    commitment into the data folder's vector cache), made once per session for the CLI and reliability
    tiers; copy it, never write to it."""

    base: Path  # base/notes and base/data
    report: dict  # what that `coach index --json` said
    commitments: dict  # what the cold `coach commitments --json` said
    before: dict  # tree_snapshot of the notes before those two processes ...
    after: dict  # ... and after them: their own "notes never modified" evidence


def dev_env(base: Path) -> dict[str, str]:
    """COACH_* variables of a `coach` process on base/notes, base/data and base/config.toml."""
    return {"COACH_DATA_DIR": str(base / "data"), "COACH_CONFIG_FILE": str(base / "config.toml"),
            "COACH_NOTES_DIR": str(base / "notes")}


@pytest.fixture(scope="session")
def indexed_dev_once(tmp_path_factory) -> DevIndex:
    """Index a copy of the dev notes once per session with a real, fresh `coach index --json`, then list
    its commitments once (`coach commitments --json`): every copy starts with its vectors cached."""
    if not DEV_NOTES.is_dir():
        pytest.skip("shared/eval/dev is not beside this checkout")
    base = tmp_path_factory.mktemp("dev-indexed")
    shutil.copytree(DEV_NOTES, base / "notes")
    for path in [base / "notes", *(base / "notes").rglob("*")]:  # the shared corpus is read-only; a user's is not
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    before = tree_snapshot(base / "notes")

    def coach(*args: str) -> dict:
        # Not in a network namespace: there the fresh index costs ~40% more CPU (measured), and offline
        # indexing is proven by tests/reliability/test_privacy.py and the strace audit.
        result = subprocess.run([sys.executable, "-m", "coach", *args], capture_output=True, text=True,
                                env={**os.environ, **dev_env(base)}, cwd=REPO, timeout=600)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        return json.loads(result.stdout)

    report, commitments = coach("index", "--json"), coach("commitments", "--json")
    return DevIndex(base, report, commitments, before, tree_snapshot(base / "notes"))


_PRINCIPLES_INDEX: dict[str, Path] = {}
"""Per embedder kind, an index holding only the principles library, built once per session."""


def _principles_index(embedder) -> Path:
    """The data folder of an index of an empty notes folder (so: the principles only), made once."""
    kind = type(embedder).__name__
    if kind not in _PRINCIPLES_INDEX:
        root = Path(tempfile.mkdtemp(prefix="coach-principles-"))
        atexit.register(shutil.rmtree, root, True)
        (root / "notes").mkdir()
        _engine(root / "notes", embedder, root / "data").sync()
        _PRINCIPLES_INDEX[kind] = root / "data"
    return _PRINCIPLES_INDEX[kind]


def _engine(notes: Path, embedder, data: Path, **settings):
    from coach.config import load_settings
    from coach.retrieval.engine import Engine

    with pytest.MonkeyPatch.context() as patch:  # never the developer's config file
        patch.setenv("COACH_CONFIG_FILE", str(data.parent / "no-config.toml"))
        conf = load_settings(notes_dir=notes, data_dir=data, **settings)
    return Engine(conf, index_embedder=embedder, query_embedder=embedder)


def synced_engine(notes: Path, embedder, data: Path | None = None, **settings):
    """An Engine over `notes` with a chosen embedder, synced once; its index in `data` (default: the
    test's COACH_DATA_DIR). Module-scoped fixtures pass their own `data`.

    The data folder starts as a copy of a session-wide index of the principles (same embedder kind), so
    the sync indexes only the notes: the principles' part of every such index is identical anyway."""
    data = data or Path(os.environ["COACH_DATA_DIR"])
    if not (data / "index").exists() and not settings.get("chroma_url"):
        shutil.copytree(_principles_index(embedder), data, dirs_exist_ok=True)
    engine = _engine(notes, embedder, data, **settings)
    engine.sync()
    return engine


def synced_service(folder: Path, embedder, today, data: Path | None = None, **services):
    """A CoachService over a freshly synced index of `folder`, with a fixed today."""
    from coach.agent.service import CoachService

    engine = synced_engine(folder, embedder, data)
    return CoachService(engine.settings, engine=engine, today=today, **services)


@pytest.fixture
def make_engine(tmp_path):
    """Build an Engine on a notes folder with a chosen embedder (fake by default)."""
    from coach.config import load_settings
    from coach.retrieval.engine import Engine

    def build(notes: Path, embedder=None, **settings):
        data = Path(os.environ["COACH_DATA_DIR"])
        conf = load_settings(notes_dir=notes, data_dir=data, **settings)
        return Engine(conf, index_embedder=embedder, query_embedder=embedder)

    return build


TIERS = ("unit", "service", "cli", "ui", "realmodel", "reliability", "packaging")
"""Each test folder is a tier marker, so the slow tiers can be left out (`make test-fast`: unit and service)."""


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = Path(str(item.fspath)).relative_to(REPO / "tests").parts
        if parts and parts[0] in TIERS:
            item.add_marker(parts[0])
