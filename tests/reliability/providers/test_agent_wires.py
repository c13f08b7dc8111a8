"""Agent mode through the real ChatOllama and ChatAnthropic against the loopback server speaking their own
streaming tool-call formats (Ollama's NDJSON tool_calls, Anthropic's tool_use blocks with input_json_delta; the
esc and slow-first-byte tests run the OpenAI wire too):
a tool loop whose answer cites the note the tool found, and the faults — the server dropping mid-stream,
broken JSON, a slow first byte, 429/500, a stall esc must end — each a clear one-line message that loses
nothing (the quoted passages stand, the turn is saved as interrupted). The OpenAI wire: test_agent_faults."""

from __future__ import annotations

import asyncio
import time

import pytest

from coach.agent import agent_run, history, model_stream
from coach.agent.events import DoneEvent, FailedEvent, QuotesEvent, RetryingEvent, StepEvent
from coach.llm.errors import Cause
from tests.faultserver import tool_call
from tests.reliability.providers.conftest import QUESTION, anthropic_at, ollama_at, openai_at

RAISE = "What did Rachel say about asking for a raise?"
GROUNDED = "Ade said to give hard feedback early and in private, about the work [2025-09-12, Ade Okafor]."
RACHEL = "Rachel said bring market data when asking for a raise [2025-10-03, Rachel]."
WIRES = {"ollama": ollama_at, "anthropic": anthropic_at}
EVERY_WIRE = {**WIRES, "openai": lambda server, timeout=10.0: {**openai_at(server, timeout), "llm_tools": True}}


@pytest.fixture(params=sorted(WIRES))
def wire(request):
    return request.param


@pytest.fixture
def quick_backoff(monkeypatch):
    monkeypatch.setattr(model_stream, "BACKOFF_SECONDS", (0.05, 0.05))  # Ollama's errors carry no Retry-After


async def collect(service, question=QUESTION) -> list:
    return [event async for event in service.ask(question, [])]


def steps(events) -> list[str]:
    return [e.text for e in events if isinstance(e, StepEvent)]


def tool_names(wire: str, request: dict) -> list[str]:
    tools = request["body"].get("tools") or []
    return [t["name"] if wire == "anthropic" else t["function"]["name"] for t in tools]


def tool_results(wire: str, request: dict) -> list[str]:
    """What the tools returned, as the next request carried it back to the model."""
    messages = request["body"]["messages"]
    if wire == "ollama":
        return [m["content"] for m in messages if m.get("role") == "tool"]
    blocks = [b for m in messages if isinstance(m.get("content"), list) for b in m["content"]]
    results = [b["content"] for b in blocks if b.get("type") == "tool_result"]
    return [r if isinstance(r, str) else "".join(p.get("text", "") for p in r) for r in results]


def assert_kept(service, failed) -> None:
    """A failure is one line, and loses nothing: the quotes stand and the turn is saved as interrupted."""
    assert failed.error.message and "\n" not in failed.error.message and "Traceback" not in failed.error.message
    assert failed.partial.status == "interrupted" and failed.partial.quotes
    (turn,) = history.load_conversation(service.settings, failed.partial.conversation_id).turns
    assert turn.status == "interrupted"


async def test_the_answer_cites_the_note_the_tool_found(wire, server, make_service):
    server.replies = [tool_call("search_notes", {"query": "raise", "mentor": "Rachel"}), RACHEL]
    events = await collect(make_service(**WIRES[wire](server)), RAISE)
    assert isinstance(events[-1], DoneEvent), events[-1]
    result = events[-1].result
    assert result.mode == "agent" and steps(events) == ["searched notes: 'raise' with Rachel"]
    first, second = server.requests
    assert tool_names(wire, first) == ["search_notes", "search_principles", "list_commitments", "read_note"]
    (found,) = tool_results(wire, second)
    assert "bring market data" in found and "Ade" not in found  # the mentor filter reached the search
    assert result.summary.startswith("Rachel said bring market data")
    cited = [c for c in result.citations if c.verified and c.path and "rachel" in c.path]
    assert cited, result.citations


async def test_the_server_dropping_mid_tool_call_runs_no_tool_and_keeps_the_quotes(wire, server, make_service):
    server.replies = [tool_call("search_notes", {"query": "hard feedback about the work, privately"})]
    server.behaviour, server.cut_after = "cut", (1 if wire == "ollama" else 3)
    service = make_service(**WIRES[wire](server))
    events = await collect(service)
    failed = events[-1]
    assert isinstance(failed, FailedEvent), failed
    assert failed.error.cause in (Cause.STREAM_CUT, Cause.UNREACHABLE), failed.error
    assert isinstance(events[1], QuotesEvent) and steps(events) == []  # a tool call cut off never runs
    assert_kept(service, failed)


async def test_an_answer_cut_after_the_tools_is_not_passed_off_as_complete(wire, server, make_service):
    server.replies = [tool_call("search_notes", {"query": "hard feedback"}), GROUNDED]
    server.script = ["ok", "eof"]  # the answer ends without its done line / message_stop
    service = make_service(**WIRES[wire](server))
    events = await collect(service)
    assert isinstance(events[-1], FailedEvent) and events[-1].error.cause is Cause.STREAM_CUT, events[-1]
    assert steps(events) == ["searched notes: 'hard feedback'"]
    assert_kept(service, events[-1])


async def test_a_garbled_frame_is_an_unreadable_reply(wire, server, make_service):
    server.replies = [tool_call("search_notes", {"query": "hard feedback"})]
    server.behaviour = "malformed"  # the second frame of the tool-call stream is not JSON
    service = make_service(**WIRES[wire](server))
    failed = (await collect(service))[-1]
    assert isinstance(failed, FailedEvent) and failed.error.cause is Cause.BAD_RESPONSE, failed
    assert_kept(service, failed)


async def test_broken_json_arguments_never_run_a_tool_nor_crash(server, make_service):
    """Anthropic streams the arguments as partial JSON: broken JSON is a call that could not be read."""
    server.replies = [tool_call("search_notes", '{"query": hard feedback,,}'), GROUNDED]
    events = await collect(make_service(**anthropic_at(server)))
    assert isinstance(events[-1], DoneEvent), events[-1]
    assert events[-1].result.status == "complete" and events[-1].result.quotes
    assert steps(events) == ["a tool call could not be read (search_notes)"]
    assert not any(tool_results("anthropic", r) for r in server.requests)


async def test_ollama_arguments_that_are_not_an_object_never_run_a_tool(server, make_service):
    """Ollama parses the model's JSON itself; a string where the arguments object belongs is refused."""
    server.replies = [tool_call("search_notes", '{"query": hard feedback,,}'), GROUNDED]
    service = make_service(**ollama_at(server))
    events = await collect(service)
    assert not any(tool_results("ollama", r) for r in server.requests) and steps(events) == []
    failed = events[-1]
    assert isinstance(failed, FailedEvent) and failed.error.cause is Cause.BAD_RESPONSE, failed
    assert "ValidationError" not in failed.error.message
    assert_kept(service, failed)


@pytest.mark.parametrize("status", ["429", "500"])
async def test_an_error_before_anything_happened_is_retried(wire, status, server, make_service, quick_backoff):
    server.retry_after = "0"
    server.script = [status]
    server.replies = [tool_call("search_notes", {"query": "hard feedback"}), GROUNDED]
    events = await collect(make_service(**WIRES[wire](server)))
    assert isinstance(events[-1], DoneEvent), events[-1]
    assert [e.error.cause for e in events if isinstance(e, RetryingEvent)] == [
        Cause.RATE_LIMITED if status == "429" else Cause.SERVER]
    assert steps(events) == ["searched notes: 'hard feedback'"] and len(server.requests) == 3


@pytest.mark.parametrize("any_wire", sorted(EVERY_WIRE))
async def test_a_slow_first_byte_within_the_timeout_is_waited_for(any_wire, server, make_service):
    server.script, server.first_byte_delay = ["slow"], 0.4
    server.replies = [tool_call("search_notes", {"query": "hard feedback"}), GROUNDED]
    events = await collect(make_service(**EVERY_WIRE[any_wire](server, timeout=3.0)))
    assert isinstance(events[-1], DoneEvent), events[-1]
    assert events[-1].result.summary.startswith("Ade said to give hard feedback early")


@pytest.mark.parametrize("any_wire", sorted(EVERY_WIRE))
async def test_a_first_byte_slower_than_the_timeout_says_so(any_wire, server, make_service):
    server.behaviour, server.first_byte_delay = "slow", 2.0
    service = make_service(**EVERY_WIRE[any_wire](server, timeout=0.4))
    began = time.monotonic()
    failed = (await collect(service))[-1]
    assert isinstance(failed, FailedEvent) and failed.error.cause is Cause.TIMEOUT, failed
    assert time.monotonic() - began < 1.5 and "0.4 s" in failed.error.message
    assert_kept(service, failed)


async def test_a_model_that_rejects_tools_gets_the_pipeline_instead(wire, server, make_service):
    server.script = ["400"]  # Ollama: "model does not support tools"
    server.replies = [GROUNDED]
    events = await collect(make_service(**WIRES[wire](server)))
    assert isinstance(events[-1], DoneEvent), events[-1]
    assert steps(events) == [agent_run.NO_TOOLS_STEP]
    assert tool_names(wire, server.requests[0]) and not tool_names(wire, server.requests[1])
    assert events[-1].result.summary.startswith("Ade said to give hard feedback early")


@pytest.mark.parametrize("any_wire", sorted(EVERY_WIRE))
async def test_esc_during_a_stalled_agent_answer_stops_within_half_a_second(any_wire, server, make_service):
    server.replies = [tool_call("search_notes", {"query": "hard feedback"}), GROUNDED]
    server.script, server.cut_after = ["ok", "stall"], 4
    service = make_service(**EVERY_WIRE[any_wire](server, timeout=20))
    seen: list = []

    async def consume():
        async for event in service.ask(QUESTION, []):
            seen.append(event)

    task = asyncio.create_task(consume())
    for _ in range(200):
        await asyncio.sleep(0.05)
        if len(server.requests) == 2 and steps(seen):
            break
    await asyncio.sleep(0.3)  # the stalled answer is streaming
    began = time.monotonic()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    assert time.monotonic() - began < 0.5
    conversations = history.list_conversations(service.settings)
    assert conversations and conversations[0].turns[-1].status == "interrupted"
