"""Build the configured LangChain chat model: the bundled or a user's GGUF through coach's own ChatLlamaCpp,
the others through LangChain's init_chat_model. Which provider, its key, URL and default model come from
the registry (coach.providers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel

from coach import providers
from coach.config import Settings
from coach.errors import ProviderError
from coach.providers import LOCAL_DUMMY_KEY, is_official_host  # noqa: F401 — part of the factory's face

# The SDKs' own retries are off: they retry timeouts too and honour Retry-After up to a minute, so
# one ask could hang for minutes. coach.agent.model_stream retries 429/5xx itself, briefly, before any text.
MAX_RETRIES = 0
PROVIDER_TAG = "coach_provider"
"""The metadata key naming the registry provider a model was built for (coach.agent.model_stream reads it)."""


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model `settings` choose, constructed only: no network call is made here."""
    provider = providers.provider_for(settings)
    try:
        model = _llamacpp(settings) if provider.in_process else _init_chat_model(provider, settings)
    except ImportError as exc:
        raise ProviderError(
            f"The {settings.llm_provider} provider needs the {provider.package} package ({exc.name or exc}). "
            f"Install it with `pip install {provider.package}`, or set llm_provider = \"llamacpp\".",
            "Provider not installed",
        ) from None
    model.metadata = {**(model.metadata or {}), PROVIDER_TAG: provider.id}
    return model


def built_for(model: object) -> providers.Provider | None:
    """The registry provider `model` was built for by make_chat_model (None for anything else, e.g. fakes)."""
    metadata = getattr(model, "metadata", None) or {}
    return providers.PROVIDERS.get(metadata.get(PROVIDER_TAG, ""))


def model_name(settings: Settings) -> str:
    """The model the provider will be asked for (the configured one or the provider's default)."""
    if providers.provider_for(settings).in_process:
        return _gguf_label(_gguf_path(settings))
    return providers.model_for(settings)


def describe_provider(settings: Settings) -> str:
    """One line for the UI/CLI to show once: which model, where, and whether notes leave the machine."""
    provider, name = providers.provider_for(settings), model_name(settings)
    if provider.in_process:
        return f"{name} (local, llama.cpp)"
    where = providers.where(settings).removeprefix("the ")
    privacy = "remote: your notes are sent to it" if providers.is_remote(settings) else "local: on this machine"
    return f"{name} via {where} ({privacy})"


def model_path(settings: Settings) -> Path:
    """The .gguf file the llamacpp provider loads (raises ModelError when the bundled one is missing)."""
    return _gguf_path(settings)


def _gguf_path(settings: Settings) -> Path:
    from coach.llm.llamacpp import bundled_model_path

    if settings.llm_model and providers.is_gguf_path(settings.llm_model):
        return Path(settings.llm_model).expanduser()
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


def _init_chat_model(provider: providers.Provider, settings: Settings) -> BaseChatModel:
    from langchain.chat_models import init_chat_model

    arguments = _ARGUMENTS[provider.setting](settings)
    return init_chat_model(providers.model_for(settings), model_provider=provider.chat_provider, **arguments)


def _ollama(settings: Settings) -> dict[str, Any]:
    return {
        "base_url": providers.url_for(settings),
        "temperature": settings.llm_temperature,
        "num_ctx": settings.llm_context,
        "num_predict": settings.llm_max_tokens,
        "client_kwargs": {"timeout": settings.llm_timeout},
    }


def _openai(settings: Settings) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if settings.llm_base_url:
        # ChatOpenAI sends the limit as max_completion_tokens, which llama.cpp's server ignores.
        extra["extra_body"] = {"max_tokens": settings.llm_max_tokens}
    return {
        "api_key": _api_key(settings),
        # Passed explicitly so the SDK's own OPENAI_BASE_URL cannot redirect the key elsewhere.
        "base_url": providers.url_for(settings),
        "timeout": settings.llm_timeout,
        "max_retries": MAX_RETRIES,
        "temperature": settings.llm_temperature,
        "max_tokens": settings.llm_max_tokens,
        "stream_usage": True,
        **extra,
    }


def _anthropic(settings: Settings) -> dict[str, Any]:
    return {
        "api_key": _api_key(settings),
        "base_url": providers.url_for(settings),  # likewise ANTHROPIC_BASE_URL
        "timeout": settings.llm_timeout,
        "max_retries": MAX_RETRIES,
        "temperature": settings.llm_temperature,
        "max_tokens": settings.llm_max_tokens,
    }


_ARGUMENTS = {"ollama": _ollama, "openai": _openai, "anthropic": _anthropic}


def _api_key(settings: Settings) -> str:
    """The key the registry allows for this host (see coach.providers.api_key), or the reason there is none."""
    choice = providers.api_key(settings)
    if choice.value is None:
        raise ProviderError(choice.problem, "API key missing")
    return choice.value
