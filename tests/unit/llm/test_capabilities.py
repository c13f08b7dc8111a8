"""Which chat models get the agent: tool calling judged from the settings and the registry, or for Ollama
from the server's word on the model (its /api/show, stubbed here; the real probe: tests/reliability/providers),
ask_mode on top."""

from __future__ import annotations

import sys

import pytest

from coach.config import load_settings
from coach.llm import capabilities
from coach.llm.capabilities import agent_choice, agent_mode, supports_tool_calling

OLLAMA_SAYS = {"llama3.2": True, "qwen2.5:7b": True, "gemma2:9b": False}  # what a stub /api/show answers


@pytest.fixture(autouse=True)
def ollama_stub(monkeypatch):
    """Ollama's answer per model without a server; a model it does not know: the probe failed."""
    asked: list[str] = []

    def ask(url, model):
        asked.append(model)
        known = model in OLLAMA_SAYS
        return capabilities._Probe(OLLAMA_SAYS[model] if known else None, "" if known else "not reachable")

    monkeypatch.setattr(capabilities, "_PROBED", {})
    monkeypatch.setattr(capabilities, "_ask_ollama", ask)
    return asked


@pytest.mark.parametrize(("values", "expected"), [
    ({}, False),  # the bundled SmolLM2
    ({"llm_model": "/models/qwen2.5-7b.gguf"}, False),  # any in-process GGUF: no tool-calling adapter
    ({"llm_provider": "openai"}, True),
    ({"llm_provider": "openai", "llm_base_url": "https://api.openai.com/v1"}, True),
    ({"llm_provider": "openai", "llm_base_url": "http://127.0.0.1:8080/v1"}, False),  # undeclared server
    ({"llm_provider": "openai", "llm_base_url": "http://127.0.0.1:8080/v1", "llm_tools": True}, True),
    ({"llm_provider": "anthropic"}, True),
    ({"llm_provider": "anthropic", "llm_tools": False}, False),
    ({"llm_provider": "ollama"}, True),  # its default model, llama3.2, has tools (Ollama says)
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


def test_ollama_is_asked_once_per_model(ollama_stub):
    for _ in range(3):
        assert supports_tool_calling(load_settings(llm_provider="ollama"))
    assert not supports_tool_calling(load_settings(llm_provider="ollama", llm_model="gemma2:9b"))
    assert ollama_stub == ["llama3.2", "gemma2:9b"]


def test_a_declared_llm_tools_is_not_asked_about(ollama_stub):
    assert not supports_tool_calling(load_settings(llm_provider="ollama", llm_tools=False))
    assert ollama_stub == []


def test_a_failed_probe_means_the_pipeline_with_a_quiet_note():
    choice = agent_choice(load_settings(llm_provider="ollama", llm_model="mystery:1b"))
    assert not choice.tools
    assert "mystery:1b" in choice.note and "not reachable" in choice.note and "\n" not in choice.note
    assert not agent_choice(load_settings(llm_provider="ollama", llm_model="gemma2:9b")).note  # an answer, not a failure


def test_a_failed_probe_is_asked_again_after_a_while_an_answer_never(ollama_stub, monkeypatch):
    mystery = load_settings(llm_provider="ollama", llm_model="mystery:1b")
    assert not supports_tool_calling(mystery) and not supports_tool_calling(mystery)
    assert ollama_stub == ["mystery:1b"]  # the failure stands for a while: no second wait
    OLLAMA_SAYS["mystery:1b"] = True  # Ollama has started, the model is pulled
    try:
        later = capabilities._clock() + capabilities.RETRY_FAILED_AFTER + 1
        monkeypatch.setattr(capabilities, "_clock", lambda: later)
        assert supports_tool_calling(mystery) and supports_tool_calling(mystery)
    finally:
        del OLLAMA_SAYS["mystery:1b"]
    assert ollama_stub == ["mystery:1b", "mystery:1b"]


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
