"""Nothing leaves the machine: no network needed, no connection attempted, telemetry and tracing off,
the hub offline, private folders, and note text kept out of logs."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import write_note
from tests.reliability import crashkit

SENTINEL = "Our secret plan is codenamed Blue Heron Lantern 7731."
TRACING_VARS = ("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2", "LANGCHAIN_TRACING", "LANGSMITH_TRACING_V2")


def _unshare_works() -> bool:
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _notes(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    crashkit.make_corpus(folder, 12, seed=9)
    write_note(folder, "2025-10-02 private.md", f"# Private\n\n{SENTINEL}\n\nWe discussed the promotion case.\n",
               mentor="Grace Mbeki", kind="session")
    return folder


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory):
    """`coach index` then `coach search`, inside a network namespace with no network when permitted."""
    base = tmp_path_factory.mktemp("privacy")
    notes = _notes(base / "notes")
    data = base / "deep" / "er" / "data"  # none of these folders exist yet: coach creates them
    env = crashkit.coach_env(data, notes, config=base / "c.toml")
    netns = _unshare_works()
    prefix = ("unshare", "-rn") if netns else ()
    runs = {}
    # A new user's first run: no data dir and no ONNX export yet, so this also exports the model
    # (torch, local files only) with no network.
    runs["index"] = crashkit.run_coach("index", "--json", env=env, prefix=prefix)
    runs["search"] = crashkit.run_coach("search", "Blue Heron Lantern", "--json", env=env, prefix=prefix)
    runs["probe"] = subprocess.run([*prefix, "python3", "-c", _CAN_CONNECT], capture_output=True, text=True)
    return netns, notes, data, runs


_CAN_CONNECT = """
import socket
s = socket.socket()
s.settimeout(2)
try:
    s.connect(("1.1.1.1", 53))
    print("connected")
except OSError as exc:
    print("no network:", exc)
"""


def test_index_and_search_succeed_with_no_network(offline_run):
    netns, _, _, runs = offline_run
    if not netns:
        pytest.skip("`unshare -rn` is not permitted here: cannot make a namespace without network")
    assert "connected" not in runs["probe"].stdout, "the namespace must really have no network"
    assert runs["index"].returncode == 0, runs["index"].stderr
    report = next(s for s in json.loads(runs["index"].stdout)["sources"] if s["source"] == "notes")
    assert len(report["added"]) == 13
    assert runs["search"].returncode == 0, runs["search"].stderr
    assert json.loads(runs["search"].stdout)["results"][0]["path"] == "2025-10-02 private.md"


def test_data_and_index_dirs_are_created_private(offline_run, tmp_path):
    _, _, data, runs = offline_run
    assert runs["index"].returncode == 0, runs["index"].stderr
    for folder in (data.parent.parent, data.parent, data, data / "index"):
        assert _mode(folder) == 0o700, f"{folder} is {oct(_mode(folder))}"
    # A first run that fails at once (a usage error writes a crash log) still makes data/ private.
    fresh = tmp_path / "first" / "data"
    crashkit.run_coach("index", "unexpected-extra-argument", env=crashkit.coach_env(fresh, tmp_path))
    if fresh.exists():
        assert _mode(fresh) == 0o700 and _mode(fresh.parent) == 0o700


def test_no_note_text_in_any_log_file(offline_run):
    _, _, data, runs = offline_run
    assert runs["index"].returncode == 0
    logs = [p for p in data.rglob("*") if p.is_file() and (p.suffix == ".log" or "logs" in p.parts)]
    for path in logs:
        assert SENTINEL not in path.read_text(encoding="utf-8", errors="replace"), path
        assert "Blue Heron" not in path.read_text(encoding="utf-8", errors="replace"), path
    for name in ("index", "search"):
        assert "Blue Heron" not in runs[name].stderr, "nothing from a note on stderr either"


class ConnectionRecorder:
    """Records every attempt to open a network connection or resolve a name (Unix sockets allowed)."""

    def __init__(self, monkeypatch) -> None:
        self.attempts: list[str] = []
        real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
        real_create, real_getaddrinfo = socket.create_connection, socket.getaddrinfo

        def connect(sock, address):
            if sock.family != socket.AF_UNIX:
                self.attempts.append(f"connect {address}")
            return real_connect(sock, address)

        def connect_ex(sock, address):
            if sock.family != socket.AF_UNIX:
                self.attempts.append(f"connect_ex {address}")
            return real_connect_ex(sock, address)

        def create_connection(address, *args, **kwargs):
            self.attempts.append(f"create_connection {address}")
            return real_create(address, *args, **kwargs)

        def getaddrinfo(host, *args, **kwargs):
            self.attempts.append(f"getaddrinfo {host}")
            return real_getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "create_connection", create_connection)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def user_env(monkeypatch):
    """The user's shell as it might be: no offline flag, telemetry asked for, no tracing set."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.delenv("HF_HUB_DISABLE_TELEMETRY", raising=False)
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "True")
    for name in TRACING_VARS:
        monkeypatch.delenv(name, raising=False)


def test_sync_search_and_chat_open_no_connection(tmp_path, monkeypatch, fresh_data, user_env):
    """Real ONNX embedder, real Chroma, the bundled llama.cpp model: zero connection attempts."""
    from coach.config import load_settings
    from coach.llm.factory import make_chat_model
    from coach.retrieval.engine import Engine

    notes = _notes(tmp_path / "notes")
    data = fresh_data
    recorder = ConnectionRecorder(monkeypatch)
    settings = load_settings(notes_dir=notes, data_dir=data, llm_max_tokens=8)
    engine = Engine(settings)  # the production path: embedders chosen and loaded by the engine

    report = next(r for r in engine.sync() if r.source == "notes")
    hits = engine.search("Blue Heron Lantern").hits
    reply = make_chat_model(settings).invoke("Say hello.")

    assert len(report.added) == 13
    assert hits and hits[0].path == "2025-10-02 private.md"
    assert isinstance(reply.content, str)
    assert recorder.attempts == []

    # (c) Telemetry is off on the live client, even though the user's env asks for it.
    assert engine.client.get_settings().anonymized_telemetry is False
    # (d) The hub is offline (and its telemetry off) once the embedders have loaded.
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert os.environ.get("HF_HUB_DISABLE_TELEMETRY") == "1"
    # LangChain/LangSmith tracing: coach never switches it on.
    assert [name for name in TRACING_VARS if name in os.environ] == []
    from langsmith.utils import tracing_is_enabled

    assert not tracing_is_enabled()


def test_a_users_tracing_setting_is_left_exactly_as_it_was(tmp_path, monkeypatch, fake_embedder):
    from coach.config import load_settings
    from coach.llm.factory import make_chat_model
    from coach.retrieval.engine import Engine

    monkeypatch.setenv("LANGSMITH_TRACING", "false")
    monkeypatch.setenv("LANGCHAIN_TRACING_V2", "false")
    before = {name: os.environ.get(name) for name in TRACING_VARS}
    notes = _notes(tmp_path / "notes")
    settings = load_settings(notes_dir=notes, data_dir=tmp_path / "data")
    engine = Engine(settings, index_embedder=fake_embedder, query_embedder=fake_embedder)
    engine.sync()
    engine.search("promotion")
    make_chat_model(settings)
    assert {name: os.environ.get(name) for name in TRACING_VARS} == before


def test_coach_source_never_sets_tracing_or_telemetry_on():
    """A static guard: no code path assigns the tracing variables or turns Chroma telemetry on."""
    package = Path(__file__).resolve().parents[2] / "coach"
    offenders = []
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in TRACING_VARS:
            if f'environ["{name}"]' in text or f"environ['{name}']" in text or f'setdefault("{name}"' in text:
                offenders.append(f"{path.name}: sets {name}")
        if "anonymized_telemetry=True" in text:
            offenders.append(f"{path.name}: turns telemetry on")
    assert offenders == []
