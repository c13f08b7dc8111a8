"""The provider registry: which provider settings choose, what each can do, where its key may come from,
and the readers that follow it (ask budget, prose choice, finish markers, doctor)."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest
from langchain_core.language_models import FakeListChatModel

from coach import providers
from coach.config import load_settings
from coach.providers import LOCAL_DUMMY_KEY, api_key, declared_tool_calling, provider_for


@pytest.fixture(autouse=True)
def no_shell_keys(monkeypatch):
    for var in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "COACH_LLM_API_KEY", "COACH_LLM_PROVIDER",
                "COACH_LLM_MODEL", "COACH_LLM_BASE_URL"):
        monkeypatch.delenv(var, raising=False)


def settings(**values):
    return load_settings(**values)


@pytest.mark.parametrize(("values", "provider"), [
    ({}, "bundled"),
    ({"llm_model": "llama3.2"}, "bundled"),  # not a file: llama.cpp still runs the bundled model
    ({"llm_model": "/models/qwen.Q4.gguf"}, "gguf"),
    ({"llm_model": "~/qwen.gguf"}, "gguf"),
    ({"llm_provider": "ollama"}, "ollama"),
    ({"llm_provider": "openai"}, "openai"),
    ({"llm_provider": "openai", "llm_base_url": "https://API.openai.com/v1"}, "openai"),
    ({"llm_provider": "openai", "llm_base_url": "http://api.openai.com/v1"}, "openai-compatible"),
    ({"llm_provider": "openai", "llm_base_url": "http://127.0.0.1:8080/v1"}, "openai-compatible"),
    ({"llm_provider": "anthropic"}, "anthropic"),
    ({"llm_provider": "anthropic", "llm_base_url": "https://proxy.example.net"}, "anthropic"),
])
def test_settings_choose_one_provider(values, provider):
    assert provider_for(settings(**values)).id == provider


def test_every_setting_value_has_a_provider_and_a_choice():
    from typing import get_args

    names = set(get_args(providers.ProviderSetting))
    assert names == set(providers.CHOICES) == {p.setting for p in providers.PROVIDERS.values()}
    assert {p.id for p in providers.PROVIDERS.values()} == {
        "bundled", "gguf", "ollama", "openai", "openai-compatible", "anthropic"}


def test_config_rejects_a_provider_the_registry_does_not_know():
    from coach.errors import ConfigError

    with pytest.raises(ConfigError, match="llm_provider"):
        settings(llm_provider="gemini")


@pytest.mark.parametrize(("values", "tools"), [
    ({}, False),
    ({"llm_model": "/models/qwen.gguf"}, False),
    ({"llm_provider": "openai"}, True),
    ({"llm_provider": "openai", "llm_base_url": "http://127.0.0.1:8080/v1"}, False),
    ({"llm_provider": "anthropic"}, True),
    ({"llm_provider": "ollama"}, None),  # per model: the server is asked (coach.llm.capabilities)
    ({"llm_provider": "ollama", "llm_model": "gemma2:2b", "llm_tools": False}, False),
])
def test_tool_calling(values, tools):
    assert declared_tool_calling(settings(**values)) is tools


def test_a_declared_llm_tools_wins_except_for_the_in_process_model():
    server = settings(llm_provider="openai", llm_base_url="http://127.0.0.1:8080/v1")
    declared = SimpleNamespace(**{**server.__dict__, "llm_tools": True})
    assert declared_tool_calling(declared)
    local = SimpleNamespace(**{**settings().__dict__, "llm_tools": True})
    assert declared_tool_calling(local) is False


@pytest.mark.parametrize(("values", "remote"), [
    ({}, False),
    ({"llm_provider": "ollama"}, False),
    ({"llm_provider": "ollama", "llm_base_url": "http://10.0.0.9:11434"}, True),
    ({"llm_provider": "openai", "llm_base_url": "http://localhost:8000/v1"}, False),
    ({"llm_provider": "openai", "llm_base_url": "http://[::1]:8000/v1"}, False),
    ({"llm_provider": "openai"}, True),
    ({"llm_provider": "anthropic"}, True),
])
def test_remote_means_notes_leave_the_machine(values, remote):
    assert settings(**values).is_remote_llm is remote


# -- the key rule: a provider's own variable goes only to its own host ---------------------------


ENV = {"OPENAI_API_KEY": "sk-env", "ANTHROPIC_API_KEY": "sk-ant-env"}


def test_the_own_variable_goes_to_the_own_host():
    choice = api_key(settings(llm_provider="openai"), ENV)
    assert (choice.value, choice.source) == ("sk-env", "OPENAI_API_KEY")
    assert api_key(settings(llm_provider="anthropic"), ENV).value == "sk-ant-env"


@pytest.mark.parametrize("url", ["https://llm.example.net/v1", "http://api.openai.com/v1", "http://127.0.0.1:8080/v1"])
def test_a_custom_url_never_gets_the_environment_key(url):
    choice = api_key(settings(llm_provider="openai", llm_base_url=url), ENV)
    assert choice.value == LOCAL_DUMMY_KEY and "sk-env" not in choice.source
    anthropic = api_key(settings(llm_provider="anthropic", llm_base_url=url), ENV)
    assert anthropic.value is None and "COACH_LLM_API_KEY" in anthropic.problem
    assert "ANTHROPIC_API_KEY is sent only to Anthropic" in anthropic.problem


def test_the_coach_key_goes_anywhere_it_is_set_for():
    choice = api_key(settings(llm_provider="openai", llm_base_url="https://llm.example.net/v1",
                              llm_api_key="sk-coach"), ENV)
    assert (choice.value, choice.source) == ("sk-coach", "llm_api_key (COACH_LLM_API_KEY)")


def test_no_key_names_the_variable_and_the_offline_way_out():
    choice = api_key(settings(llm_provider="openai"), {})
    assert choice.value is None
    assert "OPENAI_API_KEY" in choice.problem and "COACH_LLM_PROVIDER=llamacpp" in choice.problem
    assert api_key(settings(), {}).problem == "" and api_key(settings(llm_provider="ollama"), {}).problem == ""


def test_a_rejected_key_is_fixed_where_that_host_reads_it():
    assert providers.key_hint(settings(llm_provider="openai")) == "OPENAI_API_KEY (or COACH_LLM_API_KEY)"
    custom = settings(llm_provider="openai", llm_base_url="https://llm.example.net/v1")
    assert providers.key_hint(custom) == "COACH_LLM_API_KEY"


def test_there_is_one_list_of_key_variables():
    assert providers.key_variables() == ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"]
    from coach.llm import errors, factory

    assert not hasattr(factory, "_KEY_ENV") and not hasattr(errors, "_KEY_ENV")


# -- readers ---------------------------------------------------------------------------------------


def test_the_ask_budget_follows_the_registry():
    from coach.agent.context import context_tokens

    assert context_tokens(settings()) == 300  # the bundled model: its first token within ~2 s
    assert context_tokens(settings(llm_model="/m/q.gguf", llm_context=2048, llm_max_tokens=320)) == 1028
    assert context_tokens(settings(llm_provider="openai", llm_context=2048)) == 3000  # its own window
    assert context_tokens(settings(llm_provider="openai", ask_context_tokens=800)) == 800


def test_only_models_the_registry_trusts_write_a_summary():
    from coach.agent.ask import prose_enabled

    assert not prose_enabled(settings())
    assert prose_enabled(settings(llm_model="/m/q.gguf")) and prose_enabled(settings(llm_provider="ollama"))
    assert prose_enabled(settings(ask_prose="always")) and not prose_enabled(settings(llm_provider="openai",
                                                                                      ask_prose="never"))


def test_a_missing_finish_mark_counts_only_for_models_built_for_a_network_provider(monkeypatch):
    from coach.agent.model_stream import _expects_finish
    from coach.llm.factory import make_chat_model

    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    assert _expects_finish(make_chat_model(settings(llm_provider="openai")))
    assert _expects_finish(make_chat_model(settings(llm_provider="ollama")))
    assert not _expects_finish(make_chat_model(settings()))  # in-process: a cut raises instead
    assert not _expects_finish(FakeListChatModel(responses=["x"]))


def test_doctor_names_a_missing_key_and_never_shows_one(monkeypatch):
    from coach.agent.doctor import _chat_model

    check = _chat_model(settings(llm_provider="anthropic"))
    assert not check.ok and "ANTHROPIC_API_KEY" in check.fix
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-secret-42")
    check = _chat_model(settings(llm_provider="anthropic"))
    assert check.ok and "key: ANTHROPIC_API_KEY" in check.detail and "calls tools" in check.detail
    assert "sk-ant-secret-42" not in check.detail + check.fix


def test_the_registry_and_config_import_no_sdk():
    code = "import sys, coach.providers, coach.config\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert not {name for name in out.split() if name.split(".")[0] in {
        "langchain", "langchain_core", "openai", "anthropic", "ollama", "llama_cpp"}}
