"""ChatLlamaCpp behaviour the standard suites don't cover: token streaming, stop, release, overflow."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from coach.config import load_settings
from coach.llm.errors import Cause, provider_error
from coach.llm.llamacpp import ChatLlamaCpp

pytestmark = pytest.mark.realmodel

QUESTION = [SystemMessage("You are a helpful mentor."), HumanMessage("Give me one tip for a mentor meeting.")]


@pytest.fixture
def model() -> ChatLlamaCpp:
    # Greedy decoding makes stream and invoke produce the same text.
    return ChatLlamaCpp(max_tokens=32, temperature=0.0, seed=1, n_ctx=2048, busy_timeout=5)


def test_stream_yields_tokens_then_a_closing_chunk(model):
    chunks = list(model.stream(QUESTION))
    texts = [c.content for c in chunks if c.content]
    assert len(texts) >= 5  # one chunk per token, not one blob
    last = chunks[-1]
    assert last.chunk_position == "last"
    assert last.usage_metadata["output_tokens"] == len(texts)
    assert last.usage_metadata["input_tokens"] > 10
    assert "".join(texts) == model.invoke(QUESTION).content


def test_stop_sequence_cuts_the_answer(model):
    full = model.invoke(QUESTION).content
    words = full.split()
    assert len(words) > 4
    stop_word = words[3]
    cut = model.invoke(QUESTION, stop=[stop_word]).content
    assert stop_word not in cut
    assert full.startswith(cut.rstrip())


def test_bound_max_tokens(model):
    short = model.bind(max_tokens=3).invoke(QUESTION)
    assert short.usage_metadata["output_tokens"] <= 3


def test_abandoned_stream_releases_the_model(model):
    stream = model.stream(QUESTION)
    next(stream)
    next(stream)
    stream.close()  # the UI cancels mid-answer
    assert model.invoke(QUESTION).content  # would hit busy_timeout if the lock leaked


def test_concurrent_calls_are_serialised(model):
    answers = model.batch([QUESTION] * 3, config={"max_concurrency": 3})
    assert len({a.content for a in answers}) == 1  # same greedy answer: no interleaved corruption


def test_context_overflow_maps_to_a_clear_error():
    tiny = ChatLlamaCpp(max_tokens=8, temperature=0.0, n_ctx=128)
    with pytest.raises(ValueError) as info:
        tiny.invoke("note " * 400)
    error = provider_error(info.value, load_settings(llm_context=128))
    assert error.cause is Cause.CONTEXT_OVERFLOW
    assert "llm_context" in error.message


def test_warm_up_leaves_the_ask_system_text_evaluated_in_the_bundled_model():
    from coach.agent.ask import warm_up
    from coach.agent.service import CoachService
    from coach.config import Settings
    from coach.llm.llamacpp import _CACHE

    model = ChatLlamaCpp(max_tokens=1, temperature=0.0, seed=1, n_ctx=1536, busy_timeout=5)  # its own copy
    # Extractive answers (the bundled model's default) never need the model: warming loads nothing.
    warm_up(CoachService(Settings(llm_provider="llamacpp"), engine=object(), chat_model=model))
    assert not any(k[1] == 1536 for k in _CACHE)
    # With model prose asked for, the system text is read ahead of the first question.
    warm_up(CoachService(Settings(llm_provider="llamacpp", ask_prose="always"), engine=object(), chat_model=model))
    loaded = next(v for k, v in _CACHE.items() if k[1] == 1536)
    # llama.cpp keeps the evaluated tokens: the next prompt with the same system text reuses them.
    assert loaded.llm.n_tokens > 30


async def test_cancelled_answer_stops_within_half_a_second_and_frees_the_model():
    """Esc on a long answer: the generating thread ends within 0.5 s (even mid-prompt), the next call works."""
    import asyncio
    import time

    long_prompt = [SystemMessage("You are a helpful mentor. " + "Notes: delegation, hiring, feedback. " * 150),
                   HumanMessage("Write a long list of tips for a mentor meeting.")]
    model = ChatLlamaCpp(max_tokens=400, temperature=0.0, seed=1, n_ctx=4096, busy_timeout=5)
    model.invoke(QUESTION, max_tokens=1)  # loaded first: loading the weights is not what esc interrupts
    for started in (False, True):  # stop during the prompt, then mid-answer
        seen: list = []

        async def consume(seen: list = seen) -> None:
            async for chunk in model.astream(long_prompt):
                seen.append(chunk)

        task = asyncio.create_task(consume())
        while started and len(seen) < 3:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0 if started else 0.2)
        asked = time.monotonic()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.to_thread(_wait_free, model)
        assert time.monotonic() - asked < 0.5
    assert model.invoke(QUESTION).content  # the model is free and its state sound


def _wait_free(model: ChatLlamaCpp) -> None:
    from pathlib import Path

    from coach.llm.llamacpp import _load

    loaded = _load(Path(model.model_path), model.n_ctx, model.n_threads)
    assert loaded.lock.acquire(timeout=5)
    loaded.lock.release()
