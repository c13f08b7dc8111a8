"""Agent mode through the real ChatOpenAI against a loopback server that streams OpenAI tool-call deltas:
a tool loop that works, and the faults — the server dropping mid-stream, broken JSON arguments, a model
that never stops calling tools (a stall that esc must end at once: test_agent_wires, for every wire)."""

from __future__ import annotations

from coach.agent import agent_run, history
from coach.agent.events import DoneEvent, FailedEvent, QuotesEvent, StepEvent
from coach.llm.errors import Cause
from tests.faultserver import tool_call
from tests.reliability.providers.conftest import QUESTION, openai_at
from tests.reliability.providers.test_cli_faults import provider_env  # noqa: F401 — a fixture

GROUNDED = "Ade said to give hard feedback early and in private, about the work [2025-09-12, Ade Okafor]."


def agent_at(server, **more) -> dict:
    return {**openai_at(server), "llm_tools": True, **more}  # a server of one's own that declares tools


async def collect(service, question=QUESTION) -> list:
    return [event async for event in service.ask(question, [])]


def steps(events) -> list[str]:
    return [e.text for e in events if isinstance(e, StepEvent)]


def tool_results(request: dict) -> list[str]:
    return [m["content"] for m in request["body"]["messages"] if m.get("role") == "tool"]


async def test_a_tool_loop_over_the_openai_wire_format(server, make_service):
    server.replies = [tool_call("search_notes", {"query": "hard feedback", "mentor": "Ade"}), GROUNDED]
    events = await collect(make_service(**agent_at(server)))
    assert isinstance(events[-1], DoneEvent), events[-1]
    result = events[-1].result
    assert steps(events) == ["searched notes: 'hard feedback' with Ade"] and result.mode == "agent"
    assert result.summary.startswith("Ade said to give hard feedback early")
    first, second = server.requests
    assert [t["function"]["name"] for t in first["body"]["tools"]] == [
        "search_notes", "search_principles", "list_commitments", "read_note"]
    (found,) = tool_results(second)
    assert "hard feedback early and in private" in found and 'cite="[2025-09-12, Ade Okafor]"' in found
    assert "Rachel" not in found  # the mentor filter reached the search


async def test_auto_mode_runs_the_agent_only_when_the_model_declares_tools(server, make_service):
    server.replies = [GROUNDED]
    result = (await collect(make_service(**openai_at(server))))[-1].result
    assert result.mode == "prose" and "tools" not in server.requests[0]["body"]


async def test_the_server_dropping_mid_tool_call_is_a_cut_answer_kept_as_interrupted(server, make_service):
    server.replies = [tool_call("search_notes", {"query": "hard feedback about the work, privately"})]
    server.behaviour, server.cut_after = "cut", 3
    service = make_service(**agent_at(server))
    events = await collect(service)
    failed = events[-1]
    assert isinstance(failed, FailedEvent), failed
    assert failed.error.cause in (Cause.STREAM_CUT, Cause.UNREACHABLE) and failed.partial.status == "interrupted"
    assert isinstance(events[1], QuotesEvent) and failed.partial.quotes  # the passages stand
    assert steps(events) == []  # a half-streamed tool call never runs
    (turn,) = history.load_conversation(service.settings, failed.partial.conversation_id).turns
    assert turn.status == "interrupted"


async def test_an_answer_cut_after_the_tools_is_not_passed_off_as_complete(server, make_service):
    server.replies = [tool_call("search_notes", {"query": "hard feedback"}), GROUNDED]
    server.script = ["ok", "eof"]  # the answer ends without finish_reason or [DONE]
    events = await collect(make_service(**agent_at(server)))
    assert isinstance(events[-1], FailedEvent) and events[-1].error.cause is Cause.STREAM_CUT
    assert steps(events) == ["searched notes: 'hard feedback'"]


async def test_broken_json_arguments_never_run_a_tool_nor_crash(server, make_service):
    server.replies = [tool_call("search_notes", '{"query": hard feedback,,}'), GROUNDED]
    events = await collect(make_service(**agent_at(server)))
    assert isinstance(events[-1], DoneEvent), events[-1]
    result = events[-1].result
    assert result.status == "complete" and result.quotes
    assert steps(events) == ["a tool call could not be read (search_notes)"]
    assert not any(tool_results(r) for r in server.requests)


async def test_a_model_that_keeps_calling_tools_is_stopped(server, make_service):
    server.replies = [tool_call("search_notes", {"query": f"feedback {n}"}) for n in range(12)]
    events = await collect(make_service(**agent_at(server)))
    assert isinstance(events[-1], DoneEvent), events[-1]
    ran = [s for s in steps(events) if s.startswith("searched notes")]
    assert len(ran) == agent_run.MAX_TOOL_CALLS
    assert len(server.requests) <= agent_run.MAX_MODEL_CALLS
    assert events[-1].result.quotes  # the passages stand; nothing the model never wrote is shown


async def test_a_rate_limit_before_anything_happened_is_retried(server, make_service):
    server.retry_after = "0"
    server.script = ["429"]
    server.replies = [tool_call("search_notes", {"query": "hard feedback"}), GROUNDED]
    events = await collect(make_service(**agent_at(server)))
    assert isinstance(events[-1], DoneEvent), events[-1]
    assert any(type(e).__name__ == "RetryingEvent" for e in events)
    assert steps(events) == ["searched notes: 'hard feedback'"] and len(server.requests) == 3


def test_coach_ask_json_reports_the_agent_and_its_steps(provider_env, monkeypatch):  # noqa: F811
    from typer.testing import CliRunner

    from coach.cli import app

    monkeypatch.setenv("COACH_LLM_TOOLS", "true")
    monkeypatch.setenv("COACH_LLM_TIMEOUT", "10")
    provider_env.replies = [tool_call("list_commitments", {"status": "open"}), GROUNDED]
    result = CliRunner().invoke(app, ["ask", QUESTION, "--json"])
    assert result.exit_code == 0, result.output
    data = __import__("json").loads(result.stdout)
    assert data["mode"] == "agent" and data["steps"] == ["listed commitments (open)"]
    assert data["status"] == "complete" and data["summary"].startswith("Ade said to give hard feedback early")


async def test_a_server_that_rejects_tools_gets_the_pipeline_instead(server, make_service):
    server.script = ["400"]
    server.replies = [GROUNDED]
    events = await collect(make_service(**agent_at(server)))
    assert isinstance(events[-1], DoneEvent), events[-1]
    assert steps(events) == [agent_run.NO_TOOLS_STEP]
    assert "tools" in server.requests[0]["body"] and "tools" not in server.requests[1]["body"]
    assert events[-1].result.summary.startswith("Ade said to give hard feedback early")


def test_coach_ask_prints_what_the_agent_looked_up(provider_env, monkeypatch):  # noqa: F811
    from typer.testing import CliRunner

    from coach.cli import app

    monkeypatch.setenv("COACH_LLM_TOOLS", "true")
    monkeypatch.setenv("COACH_LLM_TIMEOUT", "10")
    provider_env.replies = [tool_call("search_notes", {"query": "hard feedback", "mentor": "Ade"}), GROUNDED]
    result = CliRunner().invoke(app, ["ask", QUESTION])
    assert result.exit_code == 0, result.output
    assert "Looked up: searched notes: 'hard feedback' with Ade" in result.stdout
    assert "Ade said to give hard feedback early" in result.stdout
