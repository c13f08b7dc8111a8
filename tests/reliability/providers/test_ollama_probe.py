"""Ollama's word on whether a model takes tools: coach asks its /api/show once per model for the process,
with a short timeout, runs the agent when the capabilities list "tools", the pipeline when not, and the
pipeline with a quiet note when the server cannot say; `coach doctor` reports the same."""

from __future__ import annotations

import time

import pytest

from coach.agent.events import DoneEvent, StepEvent
from coach.llm import capabilities
from tests.faultserver import tool_call
from tests.reliability.providers.conftest import QUESTION, ollama_at

GROUNDED = "Ade said to give hard feedback early and in private, about the work [2025-09-12, Ade Okafor]."


@pytest.fixture(autouse=True)
def fresh_probes(monkeypatch):
    monkeypatch.setattr(capabilities, "_PROBED", {})
    monkeypatch.setattr(capabilities, "PROBE_SECONDS", 0.3)


async def collect(service) -> list:
    return [event async for event in service.ask(QUESTION, [])]


def steps(events) -> list[str]:
    return [e.text for e in events if isinstance(e, StepEvent)]


async def test_a_model_with_tools_gets_the_agent_and_is_asked_about_once(server, make_service):
    server.replies = [tool_call("search_notes", {"query": "hard feedback"}), GROUNDED, GROUNDED]
    service = make_service(**ollama_at(server))
    first = await collect(service)
    second = await collect(service)
    assert first[-1].result.mode == "agent" and server.requests[0]["body"].get("tools")
    assert isinstance(second[-1], DoneEvent) and server.shown == ["fault"]  # asked once for the process


async def test_a_model_without_tools_gets_the_pipeline_without_a_note(server, make_service):
    server.models = {"fault": ["completion"]}
    server.replies = [GROUNDED]
    events = await collect(make_service(**ollama_at(server)))
    result = events[-1].result
    assert result.mode == "prose" and steps(events) == [] and not server.requests[0]["body"].get("tools")
    assert result.summary.startswith("Ade said to give hard feedback early")


@pytest.mark.parametrize(("show", "reason"), [("hang", "no answer within 0.3 s"), ("500", "HTTP 500"),
                                              ("unknown", "model not found")])
async def test_a_probe_that_fails_is_the_pipeline_with_a_quiet_note(server, make_service, show, reason):
    server.show_behaviour = show
    if show == "unknown":
        server.models = {}
    server.replies = [GROUNDED]
    began = time.monotonic()
    events = await collect(make_service(**ollama_at(server)))
    assert isinstance(events[-1], DoneEvent), events[-1]
    (note,) = steps(events)
    assert reason in note and "fault" in note and "\n" not in note
    assert events[-1].result.steps == [note] and events[-1].result.mode == "prose"
    assert not server.requests[0]["body"].get("tools") and time.monotonic() - began < 10


def test_doctor_reports_what_ollama_said(server, rig):
    from coach.agent.doctor import run_checks, tool_calling_check
    from coach.config import load_settings

    def check(**values):
        settings = load_settings(notes_dir=rig[0], data_dir=rig[1], **{**ollama_at(server), **values})
        return tool_calling_check(settings)

    settings = load_settings(notes_dir=rig[0], data_dir=rig[1], **ollama_at(server))
    assert "tool calling" in [c.name for c in run_checks(settings)]  # doctor runs it

    said = check()
    assert said.ok and "fault takes tools (per Ollama /api/show)" in said.detail and "agent" in said.detail
    server.models = {"other": ["tools"]}
    missing = check(llm_model="gone")
    assert not missing.ok and "gone" in missing.detail and "model not found" in missing.detail
    assert missing.fix == "Run `ollama pull gone`, or set llm_model (COACH_LLM_MODEL)."
    assert check(llm_tools=False).detail.startswith("fault does not take tools (per llm_tools)")
