"""The retry policy for a failed chat stream: only 429 and 5xx, at most twice, only short waits."""

from __future__ import annotations

import json

import httpx2
import openai
import pytest

from coach.agent.model_stream import MAX_AUTO_RETRIES, retry_wait
from coach.config import load_settings

SETTINGS = load_settings(llm_provider="openai", llm_base_url="http://127.0.0.1:8080/v1", llm_model="m")
REQUEST = httpx2.Request("POST", "http://127.0.0.1:8080/v1/chat/completions")


def openai_status(cls, status, message="error", headers=None):
    return cls(message, response=httpx2.Response(status, headers=headers or {}, request=REQUEST), body=None)


def openai_refused():
    error = openai.APIConnectionError(request=REQUEST)
    error.__cause__ = httpx2.ConnectError("[Errno 111] Connection refused")
    return error


@pytest.mark.parametrize(("exc", "attempt", "wait"), [
    (openai_status(openai.RateLimitError, 429, headers={"retry-after": "3"}), 0, 3.0),
    (openai_status(openai.RateLimitError, 429), 0, 1.0),
    (openai_status(openai.RateLimitError, 429), 1, 2.0),
    (openai_status(openai.InternalServerError, 503), 0, 1.0),
    (openai_status(openai.RateLimitError, 429, headers={"retry-after": "30"}), 0, None),  # too long to hold the UI
    (openai_status(openai.RateLimitError, 429), MAX_AUTO_RETRIES, None),  # retries used up
    (openai_status(openai.AuthenticationError, 401), 0, None),
    (openai_status(openai.BadRequestError, 400, "maximum context length"), 0, None),
    (openai.APITimeoutError(request=REQUEST), 0, None),  # the user already waited
    (openai_refused(), 0, None),
    (json.JSONDecodeError("Expecting value", "{oops", 1), 0, None),
])
def test_retry_wait(exc, attempt, wait):
    assert retry_wait(exc, SETTINGS, attempt) == wait
