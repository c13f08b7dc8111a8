"""Provider faults through `coach ask`: exit code 1, one `coach:` line naming the cause and fix, no traceback;
the partial answer printed and marked unfinished (JSON: status "interrupted" and an error object); asking
again with --conversation completes once the server behaves."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from coach.agent import model_stream
from coach.agent.history import load_conversation
from coach.cli import app
from coach.config import load_settings
from tests.reliability import crashkit
from tests.reliability.providers.conftest import QUESTION

runner = CliRunner()


@pytest.fixture
def provider_env(rig, server, monkeypatch):
    """`coach` in this process talks to the fault server as an OpenAI-compatible provider."""
    monkeypatch.setenv("COACH_LLM_PROVIDER", "openai")
    monkeypatch.setenv("COACH_LLM_BASE_URL", server.url)
    monkeypatch.setenv("COACH_LLM_MODEL", "fault")
    monkeypatch.setenv("COACH_LLM_TIMEOUT", "1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setattr(model_stream, "BACKOFF_SECONDS", (0.05, 0.05))
    return server


def ask(*extra: str):
    return runner.invoke(app, ["ask", QUESTION, *extra])


def coach_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("coach: ")]


@pytest.mark.parametrize(("behaviour", "cause", "words"), [
    ("refuse", "unreachable", "is the server running"),
    ("hang", "timeout", "did not answer within 1 s"),
    ("429", "rate_limited", "HTTP 429"),
    ("500", "server", "HTTP 500"),
    ("cut", "stream_cut", "stopped part-way"),
    ("eof", "stream_cut", "cut off"),
    ("malformed", "bad_response", "could not read"),
])
def test_each_fault_in_json_is_interrupted_with_its_cause(provider_env, behaviour, cause, words):
    server = provider_env
    server.retry_after, server.cut_after = "0", 18
    if behaviour == "refuse":
        server.refuse()
    else:
        server.behaviour = behaviour
    result = ask("--json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "interrupted" and data["question"] == QUESTION and data["conversation_id"]
    assert data["error"]["cause"] == cause and words in data["error"]["message"]
    assert data["sources"], "the sources it stood on are still listed"
    (line,) = coach_lines(result.stderr)
    assert words in line and "Traceback" not in result.stderr + result.stdout
    assert f"--conversation {data['conversation_id']}" in " ".join(result.stderr.split())


def test_a_cut_answer_is_printed_and_marked_unfinished(provider_env):
    provider_env.behaviour, provider_env.cut_after = "cut", 18
    result = ask()
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    # The quotes come first; the model's summary follows under its label, then the unfinished marker.
    assert "> Ade said to give hard feedback early and in private, about the work." in lines
    summary = lines.index("[unfinished: the answer stopped here]") - 1
    assert lines[summary].startswith("Ade said to give hard feedback early and in private")
    assert "Sources:" in lines
    assert "stopped part-way" in coach_lines(result.stderr)[0]
    assert "partial answer was kept, marked interrupted" in " ".join(result.stderr.split())


def test_a_complete_answer_has_no_error(provider_env):
    result = ask("--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "complete" and data["error"] is None


def test_retry_with_the_conversation_id_in_a_real_process(rig, server):
    """Real `coach` processes: refused, then the server is back and the same conversation completes."""
    notes, data = rig
    env = crashkit.coach_env(data, notes, COACH_LLM_PROVIDER="openai", COACH_LLM_BASE_URL=server.url,
                             COACH_LLM_MODEL="fault", COACH_LLM_TIMEOUT="5",
                             COACH_CONFIG_FILE=os.environ["COACH_CONFIG_FILE"])
    env.pop("OPENAI_API_KEY", None)
    server.refuse()
    failed = crashkit.run_coach("ask", QUESTION, "--json", env=env, timeout=120)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert f"coach: Cannot connect to the OpenAI-compatible server at {server.url}" in failed.stderr
    conversation = json.loads(failed.stdout)["conversation_id"]
    server.serve_again()
    retried = crashkit.run_coach("ask", QUESTION, "--conversation", conversation, "--json", env=env, timeout=120)
    assert retried.returncode == 0, retried.stderr
    answer = json.loads(retried.stdout)
    assert answer["status"] == "complete" and answer["conversation_id"] == conversation
    turns = load_conversation(load_settings(data_dir=data), conversation).turns
    assert [(t.question, t.status) for t in turns] == [(QUESTION, "interrupted"), (QUESTION, "complete")]


def test_a_timeout_that_is_not_positive_is_a_clear_setting_error(rig, monkeypatch, capsys):
    monkeypatch.setenv("COACH_LLM_TIMEOUT", "0")
    monkeypatch.setattr("sys.argv", ["coach", "ask", QUESTION])
    from coach.cli import main

    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert "coach: Invalid setting — llm_timeout: Input should be greater than 0" in err and "Traceback" not in err
