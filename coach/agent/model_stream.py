"""The chat model's reply stream for one answer: short retries before any text, and no cut passed off as done.

Provider SDKs' own retries are off (see coach.llm.factory.MAX_RETRIES): the OpenAI SDK retries timeouts
too and honours Retry-After up to a minute, so one ask could wait minutes. Here coach retries only
rate limits and server errors, only before the first text (so nothing is shown twice), at most twice,
and only when the wait is short; everything else goes straight to the user with its message.

Stop: when the consumer goes away (esc, quit), the stream is closed at once (aclosing): a remote model's
HTTP stream closes, and the local llama.cpp model's generating thread is told to stop (see
coach.llm.llamacpp.ThreadedStream), so it ends within a token rather than finishing the answer."""

from __future__ import annotations

import asyncio
from contextlib import aclosing

from coach.agent.events import RetryingEvent
from coach.llm.errors import Cause, provider_error, retry_after_seconds, truncated_stream_error
from coach.llm.factory import built_for

AUTO_RETRY_CAUSES = {Cause.RATE_LIMITED, Cause.SERVER}
MAX_AUTO_RETRIES = 2
BACKOFF_SECONDS = (1.0, 2.0)  # when the server sends no Retry-After
MAX_RETRY_WAIT = 5.0  # a longer Retry-After is the user's call: the message says when to try again
_FINISH_KEYS = ("finish_reason", "done_reason", "stop_reason")  # OpenAI, Ollama, Anthropic


async def model_stream(service, messages):
    """The model's chunks, with a RetryingEvent before each automatic retry; raises the final failure."""
    settings = service.settings
    for attempt in range(MAX_AUTO_RETRIES + 1):
        model = service.chat_model
        texted = finished = False
        try:
            async with aclosing(model.astream(messages)) as stream:
                async for chunk in stream:
                    texted = texted or bool(getattr(chunk, "content", ""))
                    finished = finished or _marks_finish(chunk)
                    yield chunk
        except Exception as exc:
            wait = None if texted else retry_wait(exc, settings, attempt)
            if wait is None:
                raise
            yield RetryingEvent(provider_error(exc, settings), attempt + 1, MAX_AUTO_RETRIES, wait)
            await asyncio.sleep(wait)
            continue
        if not finished and _expects_finish(model):
            raise truncated_stream_error(settings)
        return


def retry_wait(exc: BaseException, settings, attempt: int) -> float | None:
    """Seconds to wait before retry number `attempt + 1`, or None when coach should not retry."""
    error = provider_error(exc, settings)
    if attempt >= MAX_AUTO_RETRIES or getattr(error, "cause", None) not in AUTO_RETRY_CAUSES:
        return None
    after = retry_after_seconds(exc)
    wait = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)] if after is None else after
    return wait if wait <= MAX_RETRY_WAIT else None


def _marks_finish(chunk) -> bool:
    metadata = getattr(chunk, "response_metadata", None) or {}
    return any(metadata.get(key) for key in _FINISH_KEYS)


def _expects_finish(model) -> bool:
    """A network model marks its last chunk (the registry's `marks_finish`): a stream from it that ends
    without the mark was cut. The in-process llama.cpp model cannot be cut without raising, and models
    not built by the factory (test fakes) mark nothing."""
    provider = built_for(model)
    return provider is not None and provider.marks_finish
