"""`coach ask` and `coach history` in-process (CliRunner), on a real index with a scripted fake model."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage
from typer.testing import CliRunner

from coach.agent.service import CoachService
from coach.cli import app
from coach.commands import ask as ask_cmd
from tests.conftest import synced_engine, write_note

runner = CliRunner()
QUESTION = "What did Ade say about hard feedback?"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, real_embedder):
    base = tmp_path_factory.mktemp("cli-ask")
    notes = base / "notes"
    write_note(notes, "2025-09-12 ade.md", "## Feedback\n\nAde said give hard feedback early and in private.\n",
               date="2025-09-12", mentor="Ade Okafor", kind="session")
    write_note(notes, "2025-10-03 rachel.md", "## Raise\n\nRachel said bring market data when asking for a raise.\n",
               date="2025-10-03", mentor="Rachel", kind="session")
    return synced_engine(notes, real_embedder, base / "data")


@pytest.fixture
def use_model(indexed, monkeypatch):
    """Make `coach ask` use this fake model; conversations go to the test's own COACH_DATA_DIR."""
    calls = []

    def install(model, **settings):
        settings = {"ask_prose": "always", **settings}  # most tests here are about the model's summary
        conf = indexed.settings.model_copy(update={"data_dir": Path(os.environ["COACH_DATA_DIR"]), **settings})
        service = CoachService(conf, engine=indexed, chat_model=model, today=date(2026, 1, 5))
        original = model.astream
        object.__setattr__(model, "astream", lambda messages, **kw: (calls.append(messages), original(messages, **kw))[1])
        monkeypatch.setattr(ask_cmd, "make_service", lambda: service)
        return calls

    return install


def fake(*answers: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(a) for a in answers]))


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=True)


def test_ask_json_has_the_documented_shape(use_model):
    use_model(fake("Early and in private [2025-09-12, Ade]. Not in a meeting [2024-04-04, Zed]."))
    result = invoke("ask", QUESTION, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"question", "answer", "sources", "citations", "status", "found_in_notes", "conversation_id"}
    assert data["question"] == QUESTION and data["status"] == "complete" and data["found_in_notes"] is True
    assert data["summary"] == "Early and in private [2025-09-12, Ade Okafor]." and data["mode"] == "prose"
    assert data["answer"].endswith(data["summary"]) and data["dropped_sentences"] == ["Not in a meeting [2024-04-04, Zed]."]
    assert data["quotes"][0]["text"] == "Ade said give hard feedback early and in private."
    assert data["quotes"][0]["lines"] == [8, 8] and data["quotes"][0]["who"] == "Ade Okafor"
    first = data["sources"][0]
    assert set(first) >= {"source", "path", "date", "mentor", "title", "snippet"}
    assert (first["source"], first["path"], first["date"], first["mentor"]) == (
        "notes", "2025-09-12 ade.md", "2025-09-12", "Ade Okafor")
    assert {"label": "2025-09-12, Ade", "path": "2025-09-12 ade.md", "verified": True} in data["citations"]


def test_ask_with_the_bundled_model_answers_from_the_passages_without_the_model(use_model):
    calls = use_model(fake("Anything at all."), ask_prose="auto")
    data = json.loads(invoke("ask", QUESTION, "--json").stdout)
    assert data["mode"] == "extractive" and data["summary"] == "" and calls == []
    assert data["answer"].startswith("Your notes touch on this in 1 session with Ade Okafor, most recently on 2025-09-12:")
    assert "> Ade said give hard feedback early and in private." in data["answer"]
    assert data["quotes"][0]["path"] == "2025-09-12 ade.md" and data["dropped_sentences"] == []


def test_ask_prints_the_answer_then_sources_and_keeps_markup_literal(use_model):
    use_model(fake("[bold]Early[/bold] [/] and in private [2025-09-12, Ade]."))
    result = invoke("ask", QUESTION)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    summary = lines.index(ask_cmd.SUMMARY_LABEL)
    assert lines[summary + 2] == "[bold]Early[/bold] [/] and in private [2025-09-12, Ade Okafor]."
    assert any(line.startswith("Your notes touch on this") for line in lines[:summary])
    assert "Sources:" in lines
    assert any("2025-09-12 ade.md:" in line and "(2025-09-12 · Ade Okafor)" in line for line in lines)
    assert any(line.strip().startswith(tuple(f"{n}. principle: " for n in range(1, 9))) for line in lines)


def test_a_terminal_sees_tokens_stream_and_the_answer_once(use_model, monkeypatch):
    use_model(fake("Early and in private [2025-09-12, Ade]."))
    monkeypatch.setattr(ask_cmd, "_is_terminal", lambda: True)
    result = invoke("ask", QUESTION)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("Early and in private [2025-09-12, Ade Okafor].") == 1
    assert result.stdout.index("Early") < result.stdout.index("Sources:")


def test_a_provider_failure_is_one_line_and_exit_1(use_model, monkeypatch, capsys):
    use_model(FakeListChatModel(responses=["Early and in private, always."], error_on_chunk_number=8))
    monkeypatch.setattr(sys, "argv", ["coach", "ask", QUESTION])
    from coach.cli import main

    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("coach: ")]
    assert len(errors) == 1 and "Traceback" not in errors[0]


def test_a_remote_provider_is_announced_on_stderr(use_model):
    use_model(fake("Give it early [2025-09-12, Ade]."), llm_provider="openai", llm_base_url="https://api.example.com/v1")
    result = invoke("ask", QUESTION, "--json")
    assert result.exit_code == 0, result.output
    assert "will be sent to https://api.example.com/v1" in " ".join(result.stderr.split())
    json.loads(result.stdout)


def test_a_follow_up_continues_the_conversation(use_model):
    calls = use_model(fake("Give it early [2025-09-12, Ade].", "Bring market data [2025-10-03, Rachel]."))
    first = json.loads(invoke("ask", QUESTION, "--json").stdout)
    second = invoke("ask", "And about the raise?", "--conversation", first["conversation_id"], "--json")
    data = json.loads(second.stdout)
    assert data["conversation_id"] == first["conversation_id"]
    assert f"Q: {QUESTION}" in calls[1][1].content


def test_history_lists_shows_exports_and_saves_only_on_request(use_model, indexed):
    use_model(fake("Give it early [2025-09-12, Ade]."))
    asked = json.loads(invoke("ask", QUESTION, "--json").stdout)
    notes = sorted(p.name for p in indexed.notes_dir().iterdir())
    listed = json.loads(invoke("history", "list", "--json").stdout)["conversations"]
    assert [(c["id"], c["turns"], c["first_question"]) for c in listed] == [(asked["conversation_id"], 1, QUESTION)]
    shown = invoke("history", "show", asked["conversation_id"])
    assert f"Q: {QUESTION}" in shown.stdout and "Give it early [2025-09-12, Ade Okafor]." in shown.stdout
    exported = invoke("history", "export", asked["conversation_id"])
    assert exported.stdout.startswith(f"# Conversation {asked['conversation_id']}") and "2025-09-12 ade.md" in exported.stdout
    assert sorted(p.name for p in indexed.notes_dir().iterdir()) == notes  # nothing became a note by itself
    saved = json.loads(invoke("history", "save", asked["conversation_id"], "--json").stdout)
    written = indexed.notes_dir() / saved["path"]
    assert written.exists() and "source: coach-conversation" in written.read_text()
    written.unlink()  # the module's index folder is shared


def test_history_needs_a_valid_id(use_model):
    result = invoke("history", "show")
    assert result.exit_code != 0 and "needs a conversation id" in str(result.exception)
    result = invoke("history", "show", "../../secret")
    assert result.exit_code != 0 and "No conversation" in str(result.exception)
