"""provider_error maps real SDK exception objects to a cause, a short message naming the fix, retryability."""

from __future__ import annotations

import anthropic
import httpx
import httpx2
import ollama
import openai
import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModelError

from coach.config import load_settings
from coach.errors import ModelError, ProviderError
from coach.llm.errors import Cause, ChatProviderError, provider_error

LOCAL = {"llm_provider": "openai", "llm_base_url": "http://127.0.0.1:8080/v1", "llm_model": "smollm2"}
OPENAI = {"llm_provider": "openai"}
ANTHROPIC = {"llm_provider": "anthropic"}
OLLAMA = {"llm_provider": "ollama", "llm_model": "llama3.2"}
LLAMA = {"llm_provider": "llamacpp", "llm_context": 4096}


def _request(lib=httpx2):
    return lib.Request("POST", "http://127.0.0.1:8080/v1/chat/completions")


def _response(status, lib=httpx2, headers=None):
    return lib.Response(status, headers=headers or {}, request=_request(lib))


def openai_status(cls, status, message="error", headers=None):
    return cls(message, response=_response(status, headers=headers), body=None)


def wrapped(outer, inner):
    """Chain `outer` to `inner` the way SDKs do with `raise outer from inner`."""
    outer.__cause__ = inner
    return outer


def openai_refused():
    return wrapped(openai.APIConnectionError(request=_request()), httpx2.ConnectError("[Errno 111] Connection refused"))


CASES = [
    # (settings, exception, cause, retryable, words the message must contain)
    (LOCAL, openai_refused(), Cause.UNREACHABLE, False, ["http://127.0.0.1:8080/v1", "is the server running"]),
    (OLLAMA, ConnectionError("Failed to connect to Ollama."), Cause.UNREACHABLE, False,
     ["Ollama", "http://127.0.0.1:11434", "ollama serve"]),
    (LOCAL, httpx.ConnectError("refused"), Cause.UNREACHABLE, False, ["is the server running", "http://127.0.0.1:8080/v1"]),
    (ANTHROPIC, anthropic.APIConnectionError(request=_request()), Cause.UNREACHABLE, False,
     ["https://api.anthropic.com"]),
    (OPENAI, openai.APITimeoutError(request=_request()), Cause.TIMEOUT, True, ["60 s", "COACH_LLM_TIMEOUT"]),
    (OLLAMA, httpx.ReadTimeout("timed out"), Cause.TIMEOUT, True, ["Ollama", "llm_timeout"]),
    (LLAMA, TimeoutError(), Cause.TIMEOUT, True, ["did not answer"]),
    (OPENAI, openai_status(openai.AuthenticationError, 401), Cause.AUTH, False, ["OPENAI_API_KEY", "401"]),
    (ANTHROPIC, openai_status(anthropic.PermissionDeniedError, 403), Cause.AUTH, False,
     ["ANTHROPIC_API_KEY", "403"]),
    (OPENAI, openai_status(openai.NotFoundError, 404), Cause.NOT_FOUND, False, ["COACH_LLM_MODEL"]),
    (LOCAL, openai_status(openai.NotFoundError, 404), Cause.NOT_FOUND, False, ["'smollm2'", "/v1"]),
    (OLLAMA, ollama.ResponseError("model 'llama3.2' not found", 404), Cause.NOT_FOUND, False,
     ["ollama pull llama3.2"]),
    (OPENAI, openai_status(openai.RateLimitError, 429, headers={"retry-after": "20"}), Cause.RATE_LIMITED,
     True, ["429", "20 s", "Retry-After"]),
    (ANTHROPIC, openai_status(anthropic.RateLimitError, 429), Cause.RATE_LIMITED, True, ["wait a minute"]),
    (OPENAI, openai_status(openai.InternalServerError, 500), Cause.SERVER, True, ["500", "try again"]),
    (ANTHROPIC, openai_status(anthropic.InternalServerError, 529, "Overloaded"), Cause.SERVER, True,
     ["Anthropic", "529"]),
    (OLLAMA, ollama.ResponseError("boom", 502), Cause.SERVER, True, ["502"]),
    (LOCAL, httpx.HTTPStatusError("bad gateway", request=_request(httpx), response=_response(503, httpx)),
     Cause.SERVER, True, ["503"]),
    (OPENAI, openai_status(openai.BadRequestError, 400, "This model's maximum context length is 8192 tokens"),
     Cause.CONTEXT_OVERFLOW, False, ["too long", "larger context"]),
    (ANTHROPIC, openai_status(anthropic.BadRequestError, 400, "prompt is too long: 210000 tokens"),
     Cause.CONTEXT_OVERFLOW, False, ["too long"]),
    (LLAMA, ValueError("Requested tokens (5000) exceed context window of 4096"), Cause.CONTEXT_OVERFLOW, False,
     ["4096", "COACH_LLM_CONTEXT"]),
    (OPENAI, openai_status(openai.BadRequestError, 400, "temperature must be <= 2"), Cause.BAD_REQUEST, False,
     ["400", "temperature must be"]),
    (LOCAL, httpx2.RemoteProtocolError("peer closed connection without sending complete message body"),
     Cause.STREAM_CUT, True, ["stopped part-way"]),
    (LOCAL, RuntimeError("something odd\nTraceback (most recent call last): ..."), Cause.UNKNOWN, False,
     ["RuntimeError: something odd"]),
]


@pytest.mark.parametrize(("values", "exc", "cause", "retryable", "words"), CASES,
                         ids=[f"{c[2].value}-{type(c[1]).__name__}" for c in CASES])
def test_mapping(values, exc, cause, retryable, words):
    error = provider_error(exc, load_settings(**values))
    assert isinstance(error, ChatProviderError) and isinstance(error, ProviderError)
    assert error.cause is cause
    assert error.retryable is retryable
    assert error.provider == values["llm_provider"]
    for word in words:
        assert word in error.message, (word, error.message)
    assert "Traceback" not in error.message and "\n" not in error.message
    assert len(error.message) < 260


def test_connection_lost_after_tokens_is_a_cut_stream():
    settings = load_settings(**LOCAL)
    assert provider_error(openai_refused(), settings, partial=True).cause is Cause.STREAM_CUT


def test_fake_model_failure_mid_stream_is_a_cut_stream():
    error = provider_error(FakeListChatModelError(), load_settings(), partial=True)
    assert error.cause is Cause.STREAM_CUT and error.retryable
    assert "local llama.cpp model stopped part-way" in error.message


def test_provider_errors_pass_through():
    original = ProviderError("No key", "API key missing")
    assert provider_error(original, load_settings()) is original


def test_model_error_keeps_its_message():
    error = provider_error(ModelError("The chat model file x is missing. Run `make run`."), load_settings())
    assert error.cause is Cause.MODEL and "make run" in error.message


def test_long_detail_is_truncated():
    error = provider_error(RuntimeError("x" * 1000), load_settings(**OPENAI))
    assert len(error.message) < 260 and error.message.endswith("…")
