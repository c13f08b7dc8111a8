"""Agent mode end to end over a real index: a scripted tool-calling chat model looks things up through
coach's tools (real Chroma, real MiniLM), and its answer goes through the same support and citation checks
as any summary; each lookup is a quiet step; the bounds hold."""

from __future__ import annotations

import asyncio
import json
import re
import time
from datetime import date

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage
from langchain_core.outputs import ChatGenerationChunk

from coach.agent import agent_run
from coach.agent.events import DoneEvent, FailedEvent, QuotesEvent, SourcesEvent, StepEvent, TokenEvent
from coach.agent.service import CoachService
from tests.conftest import synced_engine, write_note

QUESTION = "What did I agree with Ade last time, and have I done it?"


class ToolModel(GenericFakeChatModel):
    """GenericFakeChatModel that takes tools (it replays its script whatever it is handed) and keeps
    every list of messages it was called with."""

    calls: list = []

    def bind_tools(self, tools, **kwargs):
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.calls.append(list(messages))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        """Word by word, then the tool calls as one chunk (the parent class drops tool calls when streaming)."""
        message = self._generate(messages, stop=stop, run_manager=run_manager, **kwargs).generations[0].message
        for piece in re.split(r"(\s)", message.content) if message.content else []:
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece, id=message.id))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
        if message.tool_calls:
            calls = [{"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
                     for i, c in enumerate(message.tool_calls)]
            yield ChatGenerationChunk(message=AIMessageChunk(content="", id=message.id, tool_call_chunks=calls))

    async def _astream(self, messages, stop=None, run_manager=None, **kwargs):
        for chunk in self._stream(messages, stop=stop, **kwargs):
            if run_manager and chunk.message.content:
                await run_manager.on_llm_new_token(chunk.message.content, chunk=chunk)
            yield chunk


def call(name: str, n: int = 1, **args) -> AIMessage:
    return AIMessage("", tool_calls=[{"name": name, "args": args, "id": f"call-{name}-{n}", "type": "tool_call"}])


def scripted(*replies: AIMessage | str) -> ToolModel:
    messages = [AIMessage(r) if isinstance(r, str) else r for r in replies]
    return ToolModel(messages=iter(messages), calls=[])


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, real_embedder):
    base = tmp_path_factory.mktemp("agent")
    notes = base / "notes"
    write_note(notes, "2025-09-12 ade.md",
               "## Promotion\n\nAde said promotion is a marathon, not a sprint.\n\n"
               "## Next steps\n\n- [ ] Draft the stakeholder map for the platform team\n",
               date="2025-09-12", mentor="Ade Okafor", kind="session")
    write_note(notes, "2025-10-03 ade.md",
               "## Updates\n\nI drafted the stakeholder map for the platform team and sent it to Ade. Done.\n\n"
               "## Feedback\n\nAde said to give hard feedback early and in private.\n",
               date="2025-10-03", mentor="Ade Okafor", kind="session")
    write_note(notes, "2025-09-20 rachel.md",
               "## Raise\n\nRachel said to bring salary market data when asking for a raise.\n\n"
               "- [ ] Book the Lisbon talk rehearsal\n",
               date="2025-09-20", mentor="Rachel Lim", kind="session")
    (base / "outside.md").write_text("a secret that is not a note\n")
    return synced_engine(notes, real_embedder, base / "data")


@pytest.fixture
def service_for(indexed, tmp_path):
    def build(model, **overrides) -> CoachService:
        values = {"data_dir": tmp_path / "data", "llm_provider": "openai", "ask_mode": "agent", **overrides}
        return CoachService(indexed.settings.model_copy(update=values), engine=indexed, chat_model=model,
                            today=date(2025, 11, 1))

    return build


async def collect(service, question=QUESTION) -> list:
    return [event async for event in service.ask(question, [])]


def steps(events) -> list[str]:
    return [e.text for e in events if isinstance(e, StepEvent)]


async def test_a_multi_step_question_is_answered_from_what_the_tools_found(service_for):
    model = scripted(
        call("search_notes", query="next steps", mentor="Ade"),
        call("list_commitments", mentor="Ade"),
        "You agreed with Ade to draft the stakeholder map for the platform team [2025-09-12, Ade Okafor]. "
        "You drafted the stakeholder map for the platform team and sent it to Ade [2025-10-03, Ade Okafor]. "
        "Ade also told you to quit your job and move to Lisbon [2025-09-12, Ade Okafor].",
    )
    service = service_for(model)
    events = await collect(service)
    assert isinstance(events[0], SourcesEvent) and isinstance(events[1], QuotesEvent) and events[1].prose
    assert isinstance(events[-1], DoneEvent), events[-1]
    assert steps(events) == ["searched notes: 'next steps' with Ade", "listed commitments with Ade"]
    result = events[-1].result
    assert result.mode == "agent" and result.status == "complete" and result.steps == steps(events)
    # what the notes support stays, with its citation checked; the invented advice is dropped
    assert "draft the stakeholder map" in result.summary and "sent it to Ade" in result.summary
    assert "quit your job" not in result.summary and "quit your job" not in result.answer
    assert any("quit your job" in s for s in result.dropped_sentences)
    assert {("2025-09-12 ade.md", True), ("2025-10-03 ade.md", True)} <= {(c.path, c.verified)
                                                                          for c in result.citations}
    # the model saw the tools' output as nonce-delimited data with the cite to copy
    tool_texts = [m.content for m in model.calls[-1] if isinstance(m, ToolMessage)]
    assert len(tool_texts) == 2 and 'cite="[2025-09-12, Ade Okafor]"' in tool_texts[0]
    assert "stakeholder map" in tool_texts[1] and "status: done" in tool_texts[1]
    assert "Lisbon" not in tool_texts[1]  # Rachel's commitment is not Ade's
    streamed = "".join(e.text for e in events if isinstance(e, TokenEvent))
    assert result.summary.startswith(streamed) or events[-1].rewritten


async def test_a_quote_that_is_not_verbatim_never_reaches_the_answer(service_for):
    model = scripted(
        call("search_notes", query="promotion", mentor="Ade"),
        'Ade said "promotion is a marathon, not a sprint" [2025-09-12, Ade Okafor]. '
        'Ade said "promotion is a race you must win" [2025-09-12, Ade Okafor].',
    )
    result = (await collect(service_for(model), "What did Ade say about promotion?"))[-1].result
    assert '"promotion is a marathon, not a sprint"' in result.summary
    assert "race you must win" not in result.answer


async def test_read_note_stays_inside_the_notes_folder(service_for):
    model = scripted(
        call("read_note", 1, path="../outside.md"),
        call("read_note", 2, path="2025-10-03 ade.md", lines="1-6"),
        "You drafted the stakeholder map for the platform team and sent it to Ade [2025-10-03, Ade Okafor].",
    )
    events = await collect(service_for(model), "Did I send the stakeholder map?")
    tool_texts = [m.content for m in model.calls[-1] if isinstance(m, ToolMessage)]
    assert tool_texts[0].startswith("Error:") and "secret" not in tool_texts[0]
    assert "drafted the stakeholder map" in tool_texts[1]
    assert steps(events) == ["read ../outside.md", "read 2025-10-03 ade.md, lines 1-6"]
    assert "sent it to Ade" in events[-1].result.summary


async def test_tool_calls_stop_at_six_and_the_model_must_answer(service_for):
    loops = [call("search_notes", n, query=f"feedback {n}") for n in range(1, 10)]
    model = scripted(*loops, "Ade said to give hard feedback early and in private [2025-10-03, Ade Okafor].")
    events = await collect(service_for(model), "What did Ade say about feedback?")
    assert isinstance(events[-1], DoneEvent)
    assert len(steps(events)) == agent_run.MAX_TOOL_CALLS
    assert len(model.calls) <= agent_run.MAX_MODEL_CALLS


async def test_the_agent_is_bounded_in_time(service_for, monkeypatch):
    monkeypatch.setattr(agent_run, "AGENT_SECONDS", 0.3)

    class Slow(ToolModel):
        async def _astream(self, messages, stop=None, run_manager=None, **kwargs):
            await asyncio.sleep(1.0)
            async for chunk in super()._astream(messages, stop=stop, run_manager=run_manager, **kwargs):
                yield chunk

    model = Slow(messages=iter([AIMessage("too late")]), calls=[])
    began = time.monotonic()
    events = await collect(service_for(model), "What did Ade say about feedback?")
    assert isinstance(events[-1], FailedEvent) and "took longer" in events[-1].error.message
    assert events[-1].partial.status == "interrupted" and events[-1].partial.quotes
    assert time.monotonic() - began < 3


async def test_stopping_the_agent_mid_tool_loop_returns_at_once(service_for):
    class Stalling(ToolModel):
        async def _astream(self, messages, stop=None, run_manager=None, **kwargs):
            if self.calls:  # the answer, after the tool ran, never comes
                await asyncio.sleep(30)
            async for chunk in super()._astream(messages, stop=stop, run_manager=run_manager, **kwargs):
                yield chunk

    model = Stalling(messages=iter([call("search_notes", query="feedback"), AIMessage("never")]), calls=[])
    service = service_for(model)
    seen: list = []

    async def consume():
        async for event in service.ask("What did Ade say about feedback?", []):
            seen.append(event)

    task = asyncio.create_task(consume())
    for _ in range(200):
        await asyncio.sleep(0.05)
        if steps(seen):
            break
    assert steps(seen) == ["searched notes: 'feedback'"]
    began = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - began < 0.5


async def test_pipeline_mode_and_the_bundled_model_never_run_the_agent(service_for):
    model = scripted("Ade said to give hard feedback early and in private [2025-10-03, Ade Okafor].")
    result = (await collect(service_for(model, ask_mode="pipeline"), "What did Ade say about feedback?"))[-1].result
    assert result.mode == "prose" and result.steps == []
    model = scripted("Ade said to give hard feedback early and in private [2025-10-03, Ade Okafor].")
    bundled = service_for(model, llm_provider="llamacpp", ask_prose="always")
    result = (await collect(bundled, "What did Ade say about feedback?"))[-1].result
    assert result.mode == "prose" and result.steps == []
