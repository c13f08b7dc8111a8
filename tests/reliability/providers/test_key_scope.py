"""A provider's API key from the environment goes only to that provider's own host: `coach ask` in a real
subprocess against a local server that records every header it receives."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.reliability.providers.conftest import QUESTION

pytestmark = pytest.mark.server

ENV_KEYS = {"OPENAI_API_KEY": "sk-env-openai-7f3a", "ANTHROPIC_API_KEY": "sk-ant-env-9c1d"}


def run_ask(server, provider: str, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "COACH_LLM_"))}
    env |= ENV_KEYS | {"COACH_LLM_PROVIDER": provider, "COACH_LLM_MODEL": "fault", "COACH_LLM_TIMEOUT": "10",
                       "COACH_LLM_BASE_URL": server.url if provider == "openai" else server.ollama_url} | extra
    return subprocess.run([sys.executable, "-m", "coach", "ask", QUESTION, "--json"], env=env,
                          capture_output=True, text=True, timeout=120)


def sent_headers(server) -> str:
    return "\n".join(f"{k}: {v}" for request in server.requests for k, v in request["headers"].items())


def test_openai_key_from_the_environment_never_reaches_a_custom_url(rig, server):
    result = run_ask(server, "openai")
    assert result.returncode == 0, result.stderr
    assert server.requests, "the custom server was asked"
    headers = sent_headers(server)
    assert "Bearer not-needed" in headers
    assert all(secret not in headers for secret in ENV_KEYS.values())


def test_custom_url_gets_the_coach_key(rig, server):
    result = run_ask(server, "openai", COACH_LLM_API_KEY="sk-coach-for-this-server")
    assert result.returncode == 0, result.stderr
    headers = sent_headers(server)
    assert "Bearer sk-coach-for-this-server" in headers
    assert all(secret not in headers for secret in ENV_KEYS.values())


def test_anthropic_key_from_the_environment_never_reaches_a_custom_url(rig, server):
    result = run_ask(server, "anthropic")
    assert result.returncode != 0
    assert "COACH_LLM_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr
    assert all(secret not in sent_headers(server) for secret in ENV_KEYS.values())
