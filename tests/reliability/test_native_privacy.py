"""Privacy proven at the syscall level: every command and the app run under `strace -f`, which sees
native code (onnxruntime's telemetry uploader, Chroma's Rust core, llama.cpp, tokenizers) that Python
socket patches cannot. Any DNS query or non-loopback destination fails the test, and so does any file
written outside the data dir, the config file and the notes folder (HOME, XDG dirs, TMPDIR, cwd)."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.reliability import crashkit, netaudit

pytestmark = pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (make test installs it)")

COMMANDS = {
    "index": ("index", "--json"),
    "search": ("search", "what did Ade say about delegation"),
    "ask": ("ask", "What did Ade say about delegation?"),
    "agenda": ("agenda",),
    "reflect": ("reflect", "--answers", "{answers}", "--json"),
    "doctor": ("doctor",),
    "commitments": ("commitments",),
    "themes": ("themes",),
    "progress": ("progress",),
    "review": ("review",),
    "history": ("history", "list"),
}


def _run(args: tuple[str, ...], env: dict, cwd: Path, log: Path, timeout: float = 300):
    command = [*netaudit.strace_prefix(log), netaudit.python(), "-m", "coach", *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def audited(tmp_path_factory, onnx_export):
    """Every command once, each under its own strace, in a user's clean environment."""
    base = tmp_path_factory.mktemp("audit")
    home, cwd, traces = base / "home", base / "cwd", base / "traces"
    for folder in (home, cwd, traces, base / "tmp"):
        folder.mkdir()
    notes, data = base / "notes", base / "data"
    crashkit.make_corpus(notes, 8, seed=31)
    crashkit.seed_models(data, onnx_export)  # a first run, minus the (torch) export: tested offline elsewhere
    answers = base / "answers.txt"
    answers.write_text("We talked about delegation.\n---\nIt felt hard.\n---\nI will delegate the rota.\n")
    env = netaudit.clean_env(home, COACH_NOTES_DIR=str(notes), COACH_DATA_DIR=str(data),
                             COACH_CONFIG_FILE=str(base / "config.toml"), COACH_LLM_MAX_TOKENS="8")
    results = {}
    for name, args in COMMANDS.items():
        args = tuple(a.replace("{answers}", str(answers)) for a in args)
        results[name] = (_run(args, env, cwd, traces / f"{name}.log"), traces / f"{name}.log")
    return base, home, cwd, results


def test_the_audit_can_see_a_dns_query():
    """The harness is sensitive: a plain name lookup is caught (else a passing test would prove nothing)."""
    assert netaudit.violations('connect(5, {sa_family=AF_INET, sin_port=htons(53), '
                               'sin_addr=inet_addr("127.0.0.53")}, 16) = 0')
    assert netaudit.violations('connect(7, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
                               'inet_pton(AF_INET6, "2603:1030::1", &sin6_addr), sin6_scope_id=0}, 28) = -1')
    assert netaudit.violations('connect(3, {sa_family=AF_UNIX, sun_path="/run/systemd/resolve/io.systemd.Resolve"}'
                               ', 110) = 0')
    assert not netaudit.violations('connect(9, {sa_family=AF_INET, sin_port=htons(8080), '
                                   'sin_addr=inet_addr("127.0.0.1")}, 16) = 0')


def test_a_real_lookup_under_strace_is_caught(tmp_path):
    log = tmp_path / "probe.log"
    code = "import socket\ntry:\n    socket.getaddrinfo('events.example.com', 443)\nexcept OSError:\n    pass\n"
    subprocess.run([*netaudit.strace_prefix(log), netaudit.python(), "-c", code], capture_output=True, timeout=60)
    assert any("DNS" in v or "name lookup" in v for v in netaudit.violations(log.read_text())), log.read_text()[-500:]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_no_command_sends_anything_off_the_machine(audited, name):
    _, _, _, results = audited
    result, log = results[name]
    assert "Traceback" not in result.stderr, result.stderr[-800:]
    assert result.returncode in (0, 1), (result.returncode, result.stderr[-400:])  # doctor/agenda may say FIX
    assert log.exists(), "strace ran the command"
    assert netaudit.violations(log.read_text()) == []


def test_nothing_is_written_outside_data_config_and_notes(audited):
    base, home, cwd, _ = audited
    assert netaudit.files_under(home, cwd, base / "tmp") == []
    assert not (home / ".cache" / "Microsoft").exists(), "onnxruntime's telemetry queue and device id"


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def _wait(session: str, text: str, timeout: float) -> str:
    end, pane = time.monotonic() + timeout, ""
    while time.monotonic() < end:
        pane = _tmux("capture-pane", "-p", "-t", session)
        if text in pane:
            return pane
        time.sleep(0.3)
    raise AssertionError(f"{text!r} never appeared:\n{pane}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_the_app_sends_nothing_off_the_machine(tmp_path, onnx_export):
    from coach.ui.sample import SAMPLE_DIR

    home, cwd = tmp_path / "home", tmp_path / "cwd"
    for folder in (home, cwd, tmp_path / "tmp"):
        folder.mkdir()
    notes, data, log = tmp_path / "notes", tmp_path / "data", tmp_path / "app.log"
    shutil.copytree(SAMPLE_DIR, notes)
    crashkit.seed_models(data, onnx_export)
    env = netaudit.clean_env(home, COACH_NOTES_DIR=str(notes), COACH_DATA_DIR=str(data),
                             COACH_CONFIG_FILE=str(tmp_path / "config.toml"), COACH_LLM_MAX_TOKENS="8",
                             TERM="xterm-256color")
    command = " ".join(["env", "-i", *(f"'{k}={v}'" for k, v in env.items()),
                        *netaudit.strace_prefix(log), netaudit.python(), "-m", "coach"])
    session = f"coach-audit-{uuid.uuid4().hex[:8]}"
    _tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-c", str(cwd), command)
    try:
        _wait(session, "index ✓", timeout=120)
        _tmux("send-keys", "-t", session, "/")
        _wait(session, "Type to search", timeout=20)
        _tmux("send-keys", "-t", session, "-l", "brag document evidence")
        time.sleep(3)
        _tmux("send-keys", "-t", session, "Escape")
        _tmux("send-keys", "-t", session, "a")
        time.sleep(1)
        _tmux("send-keys", "-t", session, "-l", "What did Rosa say about saying no?")
        _tmux("send-keys", "-t", session, "Enter")
        time.sleep(12)  # the bundled model answers (8 tokens) while the trace records
        _tmux("send-keys", "-t", session, "C-q")
        end = time.monotonic() + 30
        while time.monotonic() < end and subprocess.run(["tmux", "has-session", "-t", session],
                                                        capture_output=True).returncode == 0:
            time.sleep(0.5)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
    trace = log.read_text()
    assert log.exists(), "strace ran the app"
    assert netaudit.violations(trace) == []
    assert netaudit.files_under(home, cwd, tmp_path / "tmp") == []
