"""Provider faults at the service: the real CoachService and chat-model factory against a real HTTP server
that refuses, hangs, rate-limits, fails, cuts or garbles the stream. Each gives a message naming the cause
and the fix, keeps any partial answer marked interrupted (in the event and in the saved conversation), and
asking again in the same conversation works once the server behaves."""

from __future__ import annotations

import time

import pytest

from coach.agent import history, model_stream
from coach.agent.events import DoneEvent, FailedEvent, RetryingEvent, SourcesEvent, TokenEvent
from coach.llm.errors import Cause
from tests.reliability.providers.conftest import QUESTION, anthropic_at, ollama_at, openai_at

SLOW = 1.0  # llm_timeout for the hang and stall cases: the test takes about this long


async def collect(service, question=QUESTION, conversation_id=None) -> list:
    return [event async for event in service.ask(question, [], conversation_id)]


def failure(events: list) -> FailedEvent:
    assert isinstance(events[0], SourcesEvent) and events[0].hits, "the model is only asked when notes match"
    assert isinstance(events[-1], FailedEvent), events[-1]
    return events[-1]


def shown(events: list) -> str:
    return "".join(e.text for e in events if isinstance(e, TokenEvent))


def saved_turns(service, conversation_id: str) -> list:
    return history.load_conversation(service.settings, conversation_id).turns


@pytest.fixture
def quick_backoff(monkeypatch):
    monkeypatch.setattr(model_stream, "BACKOFF_SECONDS", (0.05, 0.05))


# -- each fault: its cause, its message, what was kept ---------------------------------------------


async def test_connection_refused_names_the_url_and_keeps_the_question(server, make_service):
    service = make_service(**openai_at(server))
    server.refuse()
    failed = failure(await collect(service))
    assert failed.error.cause is Cause.UNREACHABLE and not failed.error.retryable
    assert server.url in failed.error.message and "is the server running" in failed.error.message
    assert failed.partial.status == "interrupted" and failed.partial.summary == ""
    (turn,) = saved_turns(service, failed.partial.conversation_id)
    assert (turn.question, turn.status) == (QUESTION, "interrupted")


async def test_a_hung_server_times_out_once_within_llm_timeout(server, make_service):
    service = make_service(**openai_at(server, timeout=SLOW))
    server.behaviour = "hang"
    began = time.monotonic()
    failed = failure(await collect(service))
    elapsed = time.monotonic() - began
    assert failed.error.cause is Cause.TIMEOUT
    assert f"within {SLOW:g} s" in failed.error.message and "COACH_LLM_TIMEOUT" in failed.error.message
    assert len(server.requests) == 1  # no silent SDK retries multiplying the wait
    assert SLOW * 0.9 <= elapsed < SLOW + 4


async def test_rate_limited_retries_twice_quickly_then_says_when_to_try_again(server, make_service):
    service = make_service(**openai_at(server))
    server.behaviour, server.retry_after = "429", "0"
    events = await collect(service)
    failed = failure(events)
    retries = [e for e in events if isinstance(e, RetryingEvent)]
    assert [(r.attempt, r.attempts) for r in retries] == [(1, 2), (2, 2)]
    assert len(server.requests) == 3
    assert failed.error.cause is Cause.RATE_LIMITED and "HTTP 429" in failed.error.message


async def test_a_rate_limit_that_clears_is_retried_after_retry_after(server, make_service):
    service = make_service(**openai_at(server))
    server.script, server.retry_after = ["429"], "1"
    began = time.monotonic()
    events = await collect(service)
    assert isinstance(events[-1], DoneEvent) and events[-1].result.status == "complete"
    (retry,) = [e for e in events if isinstance(e, RetryingEvent)]
    assert retry.wait == 1.0 and retry.error.cause is Cause.RATE_LIMITED
    assert time.monotonic() - began >= 1.0
    assert "hard feedback early" in events[-1].result.answer


async def test_a_long_retry_after_is_not_waited_out(server, make_service):
    service = make_service(**openai_at(server))
    server.behaviour, server.retry_after = "429", "30"
    began = time.monotonic()
    failed = failure(await collect(service))
    assert len(server.requests) == 1 and time.monotonic() - began < 5
    assert "try again in 30 s" in failed.error.message


async def test_server_errors_are_retried_at_most_twice(server, make_service, quick_backoff):
    service = make_service(**openai_at(server))
    server.behaviour = "500"
    events = await collect(service)
    failed = failure(events)
    assert len(server.requests) == 3 and sum(isinstance(e, RetryingEvent) for e in events) == 2
    assert failed.error.cause is Cause.SERVER and "HTTP 500" in failed.error.message and failed.error.retryable


async def test_a_stream_cut_mid_answer_keeps_the_partial_marked_interrupted(server, make_service):
    service = make_service(**openai_at(server))
    server.behaviour, server.cut_after = "cut", 18  # the first sentence and a few words of the second
    events = await collect(service)
    failed = failure(events)
    assert failed.error.cause is Cause.STREAM_CUT and "stopped part-way" in failed.error.message
    assert shown(events).startswith("Ade said to give hard feedback early and in private")
    assert failed.partial.summary.startswith(shown(events).strip()) and failed.partial.status == "interrupted"
    # The unfinished second sentence was never support-checked, so it is never shown or kept.
    assert "He said to talk" not in failed.partial.summary and "Then ask" not in failed.partial.summary
    (turn,) = saved_turns(service, failed.partial.conversation_id)
    assert (turn.status, turn.answer) == ("interrupted", failed.partial.answer)


async def test_a_clean_end_without_the_finish_marker_is_not_a_complete_answer(server, make_service):
    service = make_service(**openai_at(server))
    server.behaviour, server.cut_after = "eof", 18
    failed = failure(await collect(service))
    assert failed.error.cause is Cause.STREAM_CUT and "cut off" in failed.error.message
    assert failed.partial.answer and failed.partial.status == "interrupted"
    assert saved_turns(service, failed.partial.conversation_id)[0].status == "interrupted"


async def test_a_stall_mid_answer_times_out_and_keeps_the_partial(server, make_service):
    service = make_service(**openai_at(server, timeout=SLOW))
    server.behaviour, server.cut_after = "stall", 18
    failed = failure(await collect(service))
    assert failed.error.cause is Cause.TIMEOUT and "stopped sending part-way" in failed.error.message
    assert failed.partial.summary.startswith("Ade said to give hard feedback")
    assert failed.partial.status == "interrupted"


async def test_a_malformed_chunk_is_an_unreadable_reply(server, make_service):
    service = make_service(**openai_at(server))
    server.behaviour = "malformed"
    failed = failure(await collect(service))
    assert failed.error.cause is Cause.BAD_RESPONSE
    assert "could not read" in failed.error.message and "llm_base_url" in failed.error.message


# -- retry in the same conversation ---------------------------------------------------------------


async def test_asking_again_after_a_cut_completes_and_keeps_the_conversation(server, make_service):
    service = make_service(**openai_at(server))
    first = await collect(service, "What did Rachel say about a raise?")
    assert isinstance(first[-1], DoneEvent)
    conversation = first[-1].result.conversation_id
    server.behaviour, server.cut_after = "cut", 18
    failed = failure(await collect(service, QUESTION, conversation))
    server.behaviour = "ok"
    retried = await collect(service, QUESTION, conversation)
    assert isinstance(retried[-1], DoneEvent) and retried[-1].result.status == "complete"
    assert retried[-1].result.conversation_id == conversation
    turns = saved_turns(service, conversation)
    assert [(t.question, t.status) for t in turns] == [
        ("What did Rachel say about a raise?", "complete"), (QUESTION, "interrupted"), (QUESTION, "complete")]
    assert turns[1].answer == failed.partial.answer
    follow_up = history.load_conversation(service.settings, conversation).pairs()
    assert [q for q, _ in follow_up] == ["What did Rachel say about a raise?", QUESTION]  # the cut one is left out


async def test_refused_then_running_again_answers_on_the_same_url(server, make_service):
    service = make_service(**openai_at(server))
    server.refuse()
    failed = failure(await collect(service))
    server.serve_again()
    retried = await collect(service, QUESTION, failed.partial.conversation_id)
    assert isinstance(retried[-1], DoneEvent) and "hard feedback early" in retried[-1].result.answer


# -- the Ollama provider, over its NDJSON API ------------------------------------------------------


@pytest.mark.parametrize(("behaviour", "cause"), [("cut", Cause.STREAM_CUT), ("eof", Cause.STREAM_CUT),
                                                  ("500", Cause.SERVER), ("malformed", Cause.BAD_RESPONSE)])
async def test_ollama_faults(server, make_service, quick_backoff, behaviour, cause):
    service = make_service(**ollama_at(server))
    server.behaviour, server.cut_after = behaviour, 18
    failed = failure(await collect(service))
    assert failed.error.cause is cause and f"Ollama at {server.ollama_url}" in failed.error.message
    assert failed.partial.status == "interrupted"


async def test_ollama_refused_says_how_to_start_it(server, make_service):
    service = make_service(**ollama_at(server))
    server.refuse()
    failed = failure(await collect(service))
    assert failed.error.cause is Cause.UNREACHABLE and "ollama serve" in failed.error.message


async def test_ollama_ok_answers(server, make_service):
    service = make_service(**ollama_at(server))
    events = await collect(service)
    assert isinstance(events[-1], DoneEvent) and "hard feedback early" in events[-1].result.answer
    assert server.requests[-1]["path"] == "/api/chat"


# -- the Anthropic provider, over its Messages SSE API ---------------------------------------------


async def test_anthropic_ok_is_complete(server, make_service):
    """Its stop_reason counts as the finish marker: a whole answer is never mistaken for a cut one."""
    events = await collect(make_service(**anthropic_at(server)))
    assert isinstance(events[-1], DoneEvent) and "hard feedback early" in events[-1].result.answer
    assert server.requests[-1]["path"] == "/v1/messages"


@pytest.mark.parametrize(("behaviour", "cause"), [("cut", Cause.STREAM_CUT), ("eof", Cause.STREAM_CUT),
                                                  ("429", Cause.RATE_LIMITED)])
async def test_anthropic_faults(server, make_service, behaviour, cause):
    server.behaviour, server.cut_after, server.retry_after = behaviour, 18, "0"
    failed = failure(await collect(make_service(**anthropic_at(server))))
    assert failed.error.cause is cause and failed.partial.status == "interrupted"
