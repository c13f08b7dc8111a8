"""Agent mode: a LangChain agent (`create_agent`) that searches the notes itself through coach's tools.

What it yields, for ask's guard to show: a StepEvent per tool call (a quiet line: "searched notes:
'raise' with Ade"), NEW_TURN when the model is called again after its tools ran (what it wrote before
was thinking aloud, not the answer), the text chunks of each model turn, and RetryingEvents. The last
model turn without tool calls is the answer; ask checks it like any summary, against every passage
the tools returned.

Bounded: at most MAX_TOOL_CALLS tools run (more are refused to the model, which must then answer),
at most MAX_MODEL_CALLS model calls, and AGENT_SECONDS for the whole run. Closing the stream (esc)
cancels it at once: tools run on a pool nobody waits for on the way out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coach.agent.events import RetryingEvent, StepEvent
from coach.agent.model_stream import (
    MAX_AUTO_RETRIES,
    _expects_finish,
    _marks_finish,
    model_stream,
    retry_wait,
)
from coach.llm.errors import Cause, ChatProviderError, provider_error, truncated_stream_error

if TYPE_CHECKING:
    from coach.agent.tools import Toolbox

MAX_TOOL_CALLS = 6
MAX_MODEL_CALLS = MAX_TOOL_CALLS + 2  # one call per tool at worst, plus the answer, plus one refused
AGENT_SECONDS = 90.0
"""The whole run, tools and every model call; each call also has llm_timeout between parts of a reply."""
NEW_TURN = object()
_END = object()


@dataclass(frozen=True)
class _Turn:
    """One finished model call: its tool calls (none for the answer) and whether it was cut."""

    tool_calls: list
    invalid: list
    finished: bool


NO_TOOLS_STEP = "the model did not take tools: it answers from the passages above"


async def agent_stream(service, toolbox, messages, fallback=None):
    """The agent's events (see the module docstring); raises the final failure like model_stream.

    A server that rejects the request with tools (HTTP 400) before anything happened gets `fallback`,
    the pipeline's messages, without tools instead."""
    settings = service.settings
    deadline = asyncio.get_running_loop().time() + AGENT_SECONDS
    for attempt in range(MAX_AUTO_RETRIES + 1):
        progressed = False
        try:
            async with aclosing(_run_once(service, toolbox, messages)) as run:
                while (item := await _next_before(run, deadline)) is not _END:
                    progressed = True
                    yield item
            return
        except _PastDeadline:
            raise agent_timeout_error(settings) from None
        except Exception as exc:
            if not progressed and fallback is not None and _rejected(exc, settings):
                toolbox.steps.append(NO_TOOLS_STEP)
                yield StepEvent(NO_TOOLS_STEP)
                async for chunk in model_stream(service, fallback):
                    yield chunk
                return
            wait = None if progressed else retry_wait(exc, settings, attempt)
            if wait is None:
                raise
            yield RetryingEvent(provider_error(exc, settings), attempt + 1, MAX_AUTO_RETRIES, wait)
            await asyncio.sleep(wait)


async def _next_before(run, deadline: float):
    """The run's next item, or _END; _PastDeadline past the deadline. Only the wait for the agent is
    timed, never the consumer's work between items (a timeout there would cancel the consumer instead)."""
    try:
        async with asyncio.timeout_at(deadline):
            return await anext(run)
    except StopAsyncIteration:
        return _END
    except TimeoutError:
        if asyncio.get_running_loop().time() < deadline:
            raise  # a provider's own timeout: its own message
        raise _PastDeadline from None


class _PastDeadline(Exception):
    """The whole run took longer than AGENT_SECONDS."""


async def _run_once(service, toolbox: Toolbox, messages: list) -> AsyncIterator[object]:
    """One run of the agent: its text chunks, StepEvents and NEW_TURN markers (see the module docstring)."""
    agent = build_agent(service.chat_model, toolbox, messages[0].content)
    expects_finish = _expects_finish(service.chat_model)
    steps_shown = 0
    last: _Turn | None = None
    async for mode, data in agent.astream({"messages": list(messages[1:])}, stream_mode=["messages", "updates"]):
        if mode == "messages":
            chunk, meta = data
            if meta.get("langgraph_node") == "model" and type(chunk).__name__.startswith("AIMessage"):
                text = _text(chunk.content)
                if text and not getattr(chunk, "tool_call_chunks", None):
                    yield text
            continue
        turn = _model_turn(data)
        if turn is not None:
            last = turn
            for call in turn.invalid:
                yield StepEvent(f"a tool call could not be read ({call.get('name') or 'unknown tool'})")
            if turn.tool_calls:
                yield NEW_TURN
        for step in toolbox.steps[steps_shown:]:
            yield StepEvent(step)
        steps_shown = len(toolbox.steps)
    if last is not None and not last.tool_calls and expects_finish and not last.finished:
        raise truncated_stream_error(service.settings)


def _rejected(exc: BaseException, settings) -> bool:
    return getattr(provider_error(exc, settings), "cause", None) is Cause.BAD_REQUEST


def build_agent(model, toolbox, system_prompt: str):
    """The LangChain agent over the toolbox, with coach's bounds as middleware."""
    from langchain.agents import create_agent
    from langchain.agents.middleware import ModelCallLimitMiddleware, ToolCallLimitMiddleware

    return create_agent(
        model,
        toolbox.tools(),
        system_prompt=system_prompt,
        middleware=[
            ToolCallLimitMiddleware(run_limit=MAX_TOOL_CALLS, exit_behavior="continue"),
            ModelCallLimitMiddleware(run_limit=MAX_MODEL_CALLS, exit_behavior="end"),
        ],
    )


def _model_turn(update) -> _Turn | None:
    """The model node's finished message in an 'updates' item, if this is one."""
    if not isinstance(update, dict) or not isinstance(update.get("model"), dict):
        return None
    found = [m for m in update["model"].get("messages", []) if type(m).__name__.startswith("AIMessage")]
    if not found:
        return None
    message = found[-1]
    return _Turn(list(message.tool_calls or []), list(getattr(message, "invalid_tool_calls", None) or []),
                 _marks_finish(message))


def _text(content) -> str:
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else []
    return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in parts
                   if isinstance(p, str) or (isinstance(p, dict) and p.get("type") in (None, "text")))


def agent_timeout_error(settings) -> ChatProviderError:
    """The run took longer than AGENT_SECONDS in all: stopped, the quoted passages stand."""
    message = (f"The model took longer than {AGENT_SECONDS:g} s searching and answering, so it was stopped; "
               "the passages above are from your notes. Ask again, or set ask_mode = \"pipeline\".")
    return ChatProviderError(message, "Answer took too long", Cause.TIMEOUT, settings.llm_provider)
