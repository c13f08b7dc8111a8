"""Build the configured LangChain chat model (llama.cpp, Ollama, OpenAI or compatible, Anthropic)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

from langchain_core.language_models import BaseChatModel

from coach.config import Settings
from coach.errors import ProviderError

OLLAMA_URL = "http://127.0.0.1:11434"
DEFAULT_MODELS = {"ollama": "llama3.2", "openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5"}
# The SDKs' own retries are off: they retry timeouts too and honour Retry-After up to a minute, so
# one ask could hang for minutes. coach.agent.model_stream retries 429/5xx itself, briefly, before any text.
MAX_RETRIES = 0
# OpenAI-compatible servers (vLLM, llama.cpp, LM Studio) accept any key when they check none.
LOCAL_DUMMY_KEY = "not-needed"
_PIP_NAMES = {"ollama": "langchain-ollama", "openai": "langchain-openai", "anthropic": "langchain-anthropic"}
_KEY_ENV = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
# A provider's environment key goes only to that provider's own host: a custom llm_base_url gets
# llm_api_key / COACH_LLM_API_KEY or nothing. The SDKs' own OPENAI_BASE_URL / ANTHROPIC_BASE_URL
# variables are overridden by passing these hosts explicitly (else the env key would follow them).
OFFICIAL_URLS = {"openai": "https://api.openai.com/v1", "anthropic": "https://api.anthropic.com"}


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model `settings.llm_provider` names, constructed only: no network call is made here."""
    builders = {
        "llamacpp": _llamacpp,
        "ollama": _ollama,
        "openai": _openai,
        "anthropic": _anthropic,
    }
    try:
        return builders[settings.llm_provider](settings)
    except ImportError as exc:
        package = _PIP_NAMES.get(settings.llm_provider, "llama-cpp-python")
        raise ProviderError(
            f"The {settings.llm_provider} provider needs the {package} package ({exc.name or exc}). "
            f"Install it with `pip install {package}`, or set llm_provider = \"llamacpp\".",
            "Provider not installed",
        ) from None


def model_name(settings: Settings) -> str:
    """The model the provider will be asked for (the configured one or the provider's default)."""
    if settings.llm_provider == "llamacpp":
        return _gguf_label(_gguf_path(settings))
    return settings.llm_model or DEFAULT_MODELS[settings.llm_provider]


def describe_provider(settings: Settings) -> str:
    """One line for the UI/CLI to show once: which model, where, and whether notes leave the machine."""
    name = model_name(settings)
    where = {
        "llamacpp": "local, llama.cpp",
        "ollama": f"via Ollama at {settings.llm_base_url or OLLAMA_URL}",
        "openai": f"via OpenAI-compatible server at {settings.llm_base_url}" if settings.llm_base_url else "via OpenAI",
        "anthropic": "via Anthropic",
    }[settings.llm_provider]
    if settings.llm_provider == "llamacpp":
        return f"{name} ({where})"
    privacy = "remote: your notes are sent to it" if settings.is_remote_llm else "local: on this machine"
    return f"{name} {where} ({privacy})"


def model_path(settings: Settings) -> Path:
    """The .gguf file the llamacpp provider loads (raises ModelError when the bundled one is missing)."""
    return _gguf_path(settings)


def is_official_host(provider: str, base_url: str | None) -> bool:
    """True when `base_url` is unset or points at the provider's own API host (https only)."""
    if not base_url:
        return True
    official = urlparse(OFFICIAL_URLS[provider])
    given = urlparse(base_url)
    return given.scheme == "https" and (given.hostname or "").lower() == official.hostname


def _gguf_path(settings: Settings) -> Path:
    from coach.llm.llamacpp import bundled_model_path

    model = settings.llm_model
    if model and (model.endswith(".gguf") or os.sep in model or "/" in model):
        return Path(model).expanduser()
    return bundled_model_path()


def _gguf_label(path: Path) -> str:
    from coach.llm.llamacpp import BUNDLED_FILE

    if path.name == BUNDLED_FILE:
        return "SmolLM2-135M"
    return path.stem


def _llamacpp(settings: Settings) -> BaseChatModel:
    from coach.llm.llamacpp import ChatLlamaCpp

    return ChatLlamaCpp(
        model_path=_gguf_path(settings),
        n_ctx=settings.llm_context,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
    )


def _ollama(settings: Settings) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=model_name(settings),
        base_url=settings.llm_base_url or OLLAMA_URL,
        temperature=settings.llm_temperature,
        num_ctx=settings.llm_context,
        num_predict=settings.llm_max_tokens,
        client_kwargs={"timeout": settings.llm_timeout},
    )


def _openai(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    base_url = settings.llm_base_url
    extra: dict = {}
    if base_url:
        # ChatOpenAI sends the limit as max_completion_tokens, which llama.cpp's server ignores.
        extra["extra_body"] = {"max_tokens": settings.llm_max_tokens}
    return ChatOpenAI(
        model=model_name(settings),
        api_key=_api_key(settings, "openai", allow_dummy=bool(base_url)),
        base_url=base_url or OFFICIAL_URLS["openai"],
        timeout=settings.llm_timeout,
        max_retries=MAX_RETRIES,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        stream_usage=True,
        **extra,
    )


def _anthropic(settings: Settings) -> BaseChatModel:
    from langchain_anthropic import ChatAnthropic

    extra = {"base_url": settings.llm_base_url or OFFICIAL_URLS["anthropic"]}
    return ChatAnthropic(
        model=model_name(settings),
        api_key=_api_key(settings, "anthropic", allow_dummy=False),
        timeout=settings.llm_timeout,
        max_retries=MAX_RETRIES,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        **extra,
    )


def _api_key(settings: Settings, provider: str, *, allow_dummy: bool) -> str:
    """The key from settings; else the provider's own variable, but only for the provider's own host
    (a custom llm_base_url never receives OPENAI_API_KEY / ANTHROPIC_API_KEY); a custom server may need none."""
    if settings.llm_api_key is not None and settings.llm_api_key.get_secret_value():
        return settings.llm_api_key.get_secret_value()
    env = _KEY_ENV[provider]
    if os.environ.get(env) and is_official_host(provider, settings.llm_base_url):
        return os.environ[env]
    if allow_dummy:
        return LOCAL_DUMMY_KEY
    if not is_official_host(provider, settings.llm_base_url):
        raise ProviderError(
            f"No API key for {settings.llm_base_url}. {env} is sent only to {provider.capitalize()} itself; "
            "for another server set COACH_LLM_API_KEY (or llm_api_key in the config file).",
            "API key missing",
        )
    raise ProviderError(
        f"No {provider.capitalize()} API key. Set {env} in your environment "
        f"(or COACH_LLM_API_KEY, or llm_api_key in the config file), "
        f"or switch to the offline model with COACH_LLM_PROVIDER=llamacpp.",
        "API key missing",
    )

