"""The chat-model provider registry: each provider coach can use, what it can do, where its API key may
come from, its default model and how its failures are explained. Data and small lookups only: it imports
no SDK and nothing from coach, so config validation, doctor, the app, the ask budget and the LLM factory
can all read it (it sits below every layer, beside coach.config)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args
from urllib.parse import urlparse

if TYPE_CHECKING:
    from coach.config import Settings

ProviderSetting = Literal["llamacpp", "ollama", "openai", "anthropic"]
"""The values `llm_provider` accepts; each names one or two providers below (see `provider_for`)."""

LOCAL_DUMMY_KEY = "not-needed"
"""What an OpenAI-compatible server without keys is sent (vLLM, llama.cpp, LM Studio accept any key)."""


@dataclass(frozen=True)
class Provider:
    """One provider: its identity, its capabilities, its key rule and the words its failures use."""

    id: str
    setting: ProviderSetting
    package: str  # the pip package that brings its chat model
    chat_provider: str | None  # LangChain init_chat_model's model_provider; None: coach's own ChatLlamaCpp
    default_model: str | None
    default_url: str | None = None
    official_url: str | None = None  # the provider's own API: `key_env` is sent nowhere else
    key_env: str | None = None
    needs_key: bool = False  # a call without a key fails (else a placeholder key is sent)
    streams: bool = True
    tool_calling: bool = False
    tools_per_model: bool = False  # whether a model calls tools is the server's word (Ollama: /api/show)
    context_window: int | None = None  # tokens; None: the llm_context setting decides
    in_process: bool = False  # runs inside coach: nothing leaves the machine; loads, warms, stops by signal
    trustworthy_prose: bool = True  # its own summary is worth showing beside the quotes (ask_prose = auto)
    marks_finish: bool = True  # its stream's last chunk says it finished: a stream without it was cut
    ask_context_tokens: int | None = None  # the ask budget when ask_context_tokens is unset (None: from window)
    where: str = ""  # the provider inside a sentence; {url} is the server's address
    start_hint: str = ""  # unreachable: how to start it
    server_kind: str = "an OpenAI-compatible"  # what llm_base_url must point at, when it garbles replies
    not_found_fix: str = "Set llm_model (COACH_LLM_MODEL) to a model your account can use."
    overflow_fix: str = "Ask about fewer notes, or choose a model with a larger context window."


_FIX_MODEL_OR_URL = ("(or the URL is wrong: OpenAI-compatible URLs usually end in /v1). "
                     "Check llm_model and llm_base_url.")

PROVIDERS: dict[str, Provider] = {p.id: p for p in (
    Provider(
        "bundled", "llamacpp", "llama-cpp-python", None, "SmolLM2-135M",
        # It evaluates ~200-250 prompt tokens/s on one core: 300 tokens of notes keep the first token within ~2 s.
        in_process=True, trustworthy_prose=False, marks_finish=False, ask_context_tokens=300,
        where="the local llama.cpp model",
        overflow_fix="Ask about fewer notes, or raise llm_context (COACH_LLM_CONTEXT).",
    ),
    Provider(
        "gguf", "llamacpp", "llama-cpp-python", None, None,
        in_process=True, marks_finish=False, where="the local llama.cpp model",
        not_found_fix="Set llm_model to an existing .gguf file, or remove it to use the bundled model.",
        overflow_fix="Ask about fewer notes, or raise llm_context (COACH_LLM_CONTEXT).",
    ),
    Provider(
        "ollama", "ollama", "langchain-ollama", "ollama", "llama3.2",
        default_url="http://127.0.0.1:11434", tool_calling=True, tools_per_model=True,
        where="Ollama at {url}", start_hint="Start it with `ollama serve`.", server_kind="an Ollama",
        not_found_fix="Run `ollama pull {model}`, or set llm_model (COACH_LLM_MODEL).",
    ),
    Provider(
        "openai", "openai", "langchain-openai", "openai", "gpt-4o-mini",
        default_url="https://api.openai.com/v1", official_url="https://api.openai.com/v1",
        key_env="OPENAI_API_KEY", needs_key=True, tool_calling=True, context_window=128_000, where="OpenAI",
    ),
    Provider(
        "openai-compatible", "openai", "langchain-openai", "openai", "gpt-4o-mini",
        key_env="OPENAI_API_KEY", where="the OpenAI-compatible server at {url}", not_found_fix=_FIX_MODEL_OR_URL,
    ),
    Provider(
        "anthropic", "anthropic", "langchain-anthropic", "anthropic", "claude-haiku-4-5",
        default_url="https://api.anthropic.com", official_url="https://api.anthropic.com",
        key_env="ANTHROPIC_API_KEY", needs_key=True, tool_calling=True, context_window=200_000,
        where="Anthropic",
    ),
)}

CHOICES: dict[ProviderSetting, str] = {
    "llamacpp": "llamacpp: bundled SmolLM2 (or your own .gguf as the model), offline",
    "ollama": "ollama: a local Ollama server",
    "openai": "openai: OpenAI or any compatible URL",
    "anthropic": "anthropic",
}
"""One line per llm_provider value, for the app's model screen."""

assert set(CHOICES) == set(get_args(ProviderSetting)) == {p.setting for p in PROVIDERS.values()}


def is_gguf_path(model: str | None) -> bool:
    """llm_model names a .gguf file of the user's (else llamacpp runs the bundled model)."""
    return model is not None and (model.endswith(".gguf") or os.sep in model or "/" in model)


def provider_for(settings: Settings) -> Provider:
    """The provider these settings choose."""
    setting = settings.llm_provider
    if setting == "llamacpp":
        return PROVIDERS["gguf" if is_gguf_path(settings.llm_model) else "bundled"]
    if setting == "openai" and not is_official_host("openai", settings.llm_base_url):
        return PROVIDERS["openai-compatible"]
    return PROVIDERS[setting]


def declared_tool_calling(settings: Settings) -> bool | None:
    """Whether the configured chat model can be handed tools (agent mode needs it), as far as the settings
    and the registry know: never the in-process llama.cpp model; else what the user declared (`llm_tools`);
    else the registry's word: OpenAI and Anthropic yes, another OpenAI-compatible server no (it may not
    parse tool calls). None: it depends on the model and only its server knows (Ollama; see
    coach.llm.capabilities, which asks it)."""
    provider = provider_for(settings)
    if provider.in_process:
        return False
    declared = getattr(settings, "llm_tools", None)
    if declared is not None:
        return bool(declared)
    if provider.tools_per_model:
        return None
    return provider.tool_calling


def writes_trustworthy_prose(settings: Settings) -> bool:
    """Whether the configured model's own summary is worth showing (never the bundled 135M model's)."""
    return provider_for(settings).trustworthy_prose


def model_for(settings: Settings) -> str:
    """The model the provider will be asked for: the configured one, else the provider's default."""
    provider = provider_for(settings)
    if provider.in_process:
        return settings.llm_model if provider.id == "gguf" and settings.llm_model else provider.default_model or ""
    return settings.llm_model or provider.default_model or ""


def url_for(settings: Settings) -> str:
    """The server the provider talks to ('' for the in-process model)."""
    provider = provider_for(settings)
    return "" if provider.in_process else settings.llm_base_url or provider.default_url or ""


def context_window(settings: Settings) -> int:
    """Tokens the model can read at once: the provider's known window, else the llm_context setting."""
    return provider_for(settings).context_window or settings.llm_context


def is_remote(settings: Settings) -> bool:
    """True when notes would be sent off this machine (anything but in-process or a loopback server)."""
    if provider_for(settings).in_process:
        return False
    host = urlparse(url_for(settings)).hostname or ""
    return not is_loopback(host)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_official_host(setting: str, base_url: str | None) -> bool:
    """True when `base_url` is unset or is the provider's own API host over https."""
    if not base_url:
        return True
    official = next((p.official_url for p in PROVIDERS.values() if p.setting == setting and p.official_url), None)
    if official is None:
        return False
    given = urlparse(base_url)
    return given.scheme == "https" and (given.hostname or "").lower() == urlparse(official).hostname


# -- API keys -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyChoice:
    """The key a call will send and where it came from (`source` names a setting or a variable, never
    the key); `value` is None when there is none and the provider needs one (`problem` says the fix)."""

    value: str | None
    source: str
    problem: str = ""


def api_key(settings: Settings, environ: Mapping[str, str] | None = None) -> KeyChoice:
    """The key from llm_api_key / COACH_LLM_API_KEY; else the provider's own variable, but only for the
    provider's own host (a custom llm_base_url never receives OPENAI_API_KEY / ANTHROPIC_API_KEY); else a
    placeholder for a server that needs none, or the reason there is none."""
    environ = os.environ if environ is None else environ
    provider = provider_for(settings)
    if settings.llm_api_key is not None and settings.llm_api_key.get_secret_value():
        return KeyChoice(settings.llm_api_key.get_secret_value(), "llm_api_key (COACH_LLM_API_KEY)")
    own_host = is_official_host(settings.llm_provider, settings.llm_base_url)
    if provider.key_env and own_host and environ.get(provider.key_env):
        return KeyChoice(environ[provider.key_env], provider.key_env)
    if provider.in_process or provider.setting == "ollama":
        return KeyChoice(None, "none needed")
    if not provider.needs_key:
        return KeyChoice(LOCAL_DUMMY_KEY, "none (a placeholder is sent)")
    name = provider.setting.capitalize()
    if not own_host:
        return KeyChoice(None, "missing", f"No API key for {settings.llm_base_url}. {provider.key_env} is sent "
                         f"only to {name} itself; for another server set COACH_LLM_API_KEY (or llm_api_key "
                         "in the config file).")
    return KeyChoice(None, "missing", f"No {name} API key. Set {provider.key_env} in your environment (or "
                     "COACH_LLM_API_KEY, or llm_api_key in the config file), or switch to the offline model "
                     "with COACH_LLM_PROVIDER=llamacpp.")


def key_hint(settings: Settings) -> str:
    """Where a rejected key should be set instead."""
    provider = provider_for(settings)
    if provider.key_env and is_official_host(settings.llm_provider, settings.llm_base_url):
        return f"{provider.key_env} (or COACH_LLM_API_KEY)"
    return "COACH_LLM_API_KEY"


def key_variables() -> list[str]:
    """The providers' own key variables, each once (for the app's explanation)."""
    return list(dict.fromkeys(p.key_env for p in PROVIDERS.values() if p.official_url and p.key_env))


# -- words for messages ------------------------------------------------------------------------


def where(settings: Settings) -> str:
    """How to name the provider inside a sentence."""
    return provider_for(settings).where.format(url=url_for(settings))


def capabilities(settings: Settings) -> str:
    """One line on what the configured provider can do, for the app and doctor."""
    provider = provider_for(settings)
    parts = ["runs in coach" if provider.in_process else ("remote" if is_remote(settings) else "local server")]
    parts.append("streams" if provider.streams else "no streaming")
    tools = declared_tool_calling(settings)
    parts.append("tools if the model has them" if tools is None else "calls tools" if tools else "no tool calling")
    parts.append("writes summaries" if provider.trustworthy_prose else "answers with quotes only")
    parts.append(f"context {context_window(settings)} tokens")
    return " · ".join(parts)
