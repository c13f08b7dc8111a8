"""Which chat models get the agent: tool calling judged from the settings alone, ask_mode on top."""

from __future__ import annotations

import sys

import pytest

from coach.config import load_settings
from coach.llm.capabilities import agent_mode, supports_tool_calling


@pytest.mark.parametrize(("values", "expected"), [
    ({}, False),  # the bundled SmolLM2
    ({"llm_model": "/models/qwen2.5-7b.gguf"}, False),  # any in-process GGUF: no tool-calling adapter
    ({"llm_provider": "openai"}, True),
    ({"llm_provider": "openai", "llm_base_url": "https://api.openai.com/v1"}, True),
    ({"llm_provider": "openai", "llm_base_url": "http://127.0.0.1:8080/v1"}, False),  # undeclared server
    ({"llm_provider": "openai", "llm_base_url": "http://127.0.0.1:8080/v1", "llm_tools": True}, True),
    ({"llm_provider": "anthropic"}, True),
    ({"llm_provider": "anthropic", "llm_tools": False}, False),
    ({"llm_provider": "ollama"}, True),  # its default model, llama3.2, has tools
    ({"llm_provider": "ollama", "llm_model": "qwen2.5:7b"}, True),
    ({"llm_provider": "ollama", "llm_model": "gemma2:9b"}, False),
    ({"llm_provider": "ollama", "llm_model": "gemma2:9b", "llm_tools": True}, True),
    ({"llm_provider": "llamacpp", "llm_tools": True}, False),
])
def test_supports_tool_calling(values, expected):
    assert supports_tool_calling(load_settings(**values)) is expected


@pytest.mark.parametrize(("values", "expected"), [
    ({"llm_provider": "openai"}, True),
    ({"llm_provider": "openai", "ask_mode": "pipeline"}, False),
    ({"llm_provider": "ollama", "llm_model": "gemma2:9b", "ask_mode": "agent"}, True),
    ({"llm_provider": "ollama", "llm_model": "gemma2:9b"}, False),
    ({"ask_mode": "agent"}, False),  # the bundled model keeps the fixed pipeline
])
def test_agent_mode(values, expected):
    assert agent_mode(load_settings(**values)) is expected


def test_a_bad_ask_mode_is_one_clear_line(monkeypatch):
    from coach.errors import ConfigError

    monkeypatch.setenv("COACH_ASK_MODE", "clever")
    with pytest.raises(ConfigError, match="ask_mode"):
        load_settings()


def test_judging_loads_no_provider_sdk_nor_langchain():
    import subprocess

    code = ("import sys; from coach.config import load_settings; from coach.llm.capabilities import agent_mode; "
            "agent_mode(load_settings(llm_provider='openai')); "
            "print(sorted(m for m in sys.modules if m.startswith(('langchain', 'openai', 'anthropic'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
