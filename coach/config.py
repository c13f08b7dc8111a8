"""Typed settings: defaults < TOML config file < COACH_* environment < explicit overrides."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from coach import paths, providers
from coach.errors import ConfigError

Provider = providers.ProviderSetting  # the registry's names (coach.providers)


class Settings(BaseSettings):
    """Every knob coach has; each field documents itself for `coach config`."""

    model_config = SettingsConfigDict(env_prefix="COACH_", extra="ignore", validate_default=True)

    notes_dir: Path | None = None
    """The folder of Markdown/.txt notes the mentee owns. coach never edits files it did not create."""

    data_dir: Path = Field(default_factory=paths.default_data_dir)
    """Derived data (index, conversation history). Safe to delete: `coach index` rebuilds it."""

    chroma_url: str | None = None
    """Use a Chroma server (http://host:port) instead of the embedded store under data_dir."""

    max_note_bytes: int = Field(5_000_000, gt=0)
    """Files larger than this are skipped (with a reason), not indexed."""

    search_k: int = Field(5, ge=1, le=100)
    """How many results a search returns by default."""

    min_similarity: float = 0.20
    """Below this best cosine similarity a search says 'nothing relevant' (MiniLM scores unrelated text ~0-0.2)."""

    llm_provider: Provider = "llamacpp"
    """Chat model provider: llamacpp (bundled, offline), ollama, openai (or any OpenAI-compatible URL), anthropic."""

    llm_model: str | None = None
    """Model name for the provider; llamacpp defaults to the bundled SmolLM2-135M-Instruct GGUF."""

    llm_base_url: str | None = None
    """Base URL for ollama or an OpenAI-compatible server (vLLM, llama.cpp server)."""

    llm_api_key: SecretStr | None = None
    """API key for openai/anthropic; prefer the provider's own env var (OPENAI_API_KEY, ANTHROPIC_API_KEY), which
    is sent only to that provider's own host: a custom llm_base_url receives this key or none."""

    llm_timeout: float = Field(60.0, gt=0)
    """Seconds to wait for a chat server to connect or send the next part of an answer, then a clear message."""

    llm_temperature: float = 0.2
    """Sampling temperature; low keeps answers close to the notes."""

    llm_context: int = Field(4096, gt=0)
    """Context window for the bundled llama.cpp model."""

    llm_max_tokens: int = Field(320, gt=0)
    """Upper bound on a generated answer's length."""

    watch_notes: bool = True
    """While the app runs, watch the notes folder and re-index notes changed outside coach within seconds.
    Off: the app re-checks the folder every `sync_interval` seconds instead."""

    sync_interval: float = Field(300.0, gt=0)
    """Seconds between the app's background syncs when watch_notes is off (or the folder cannot be watched)."""

    ask_context_tokens: int | None = Field(default=None, ge=100, le=100_000)
    """Tokens of retrieved notes and principles an answer may use; default 300 for the bundled model
    (keeps its first token within ~2 s on a CPU), else what llm_context leaves (at most 3000)."""

    @field_validator("notes_dir", "data_dir", mode="before")
    @classmethod
    def _not_empty(cls, value: object) -> object:
        # Path("") is ".": an empty COACH_NOTES_DIR would index the current folder and drop the real notes.
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty; give a folder, or unset the variable")
        return value

    ask_prose: Literal["auto", "always", "never"] = "auto"
    """Whether `ask` adds the chat model's own summary beside the quoted passages. auto: only with a capable
    model (ollama, openai, anthropic, or your own GGUF in llm_model), never with the bundled SmolLM2, whose
    answers are the passages themselves. Every sentence of a summary is checked against the passages."""

    ask_mode: Literal["auto", "agent", "pipeline"] = "auto"
    """How `ask` writes its summary. agent: the chat model searches your notes itself through tools
    (search notes and principles, list commitments, read a note; at most 6 calls), then writes, checked like
    any summary. pipeline: one search, then the model summarises what it found. auto: agent when the model
    can call tools (OpenAI, Anthropic, Ollama models with tools, a server with llm_tools = true), else
    pipeline. The bundled SmolLM2 always uses the pipeline."""

    llm_tools: bool | None = None
    """Whether the chat model can call tools; unset: judged from the provider and model (an OpenAI-compatible
    server of your own counts only when you set this to true)."""

    @field_validator("notes_dir", "data_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @model_validator(mode="after")
    def _data_outside_notes(self) -> Settings:
        """coach writes its index into data_dir: inside the notes folder it would index (and change) it."""
        if self.notes_dir is not None and _within(self.data_dir, self.notes_dir):
            raise ValueError(
                f"the data folder {self.data_dir} is inside the notes folder {self.notes_dir}; "
                "choose a data folder outside your notes (coach must not write into them)"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=paths.default_config_file())
        return (init_settings, env_settings, toml)

    @property
    def index_dir(self) -> Path:
        """Where the vector store, keyword index and manifest live."""
        return self.data_dir / "index"

    @property
    def is_remote_llm(self) -> bool:
        """True when notes would be sent off this machine (anything but in-process or a loopback server)."""
        return providers.is_remote(self)


def _within(inner: Path, outer: Path) -> bool:
    """True when `inner` is `outer` or lies inside it (symlinks resolved where the folders exist)."""
    inner, outer = Path(os.path.realpath(inner)), Path(os.path.realpath(outer))
    return inner == outer or outer in inner.parents


def load_settings(**overrides: object) -> Settings:
    """Build settings, letting CLI flags (non-None overrides) win over file and env.

    A bad config file or variable becomes a ConfigError naming the file and the field."""
    clean: dict[str, Any] = {key: value for key, value in overrides.items() if value is not None}  # pydantic validates
    _check_config_path()
    try:
        return Settings(**clean)
    except ValidationError as exc:
        raise ConfigError(_explain(exc), "Invalid settings") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"The config file {paths.default_config_file()} is not UTF-8 text "
                          f"(byte {exc.start} is not valid); save it as UTF-8.", "Invalid settings") from None
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigError(f"Cannot read the config file {paths.default_config_file()}: {exc}") from None


def _check_config_path() -> None:
    """A config path that exists but is not a file would be skipped silently by the TOML source."""
    path = paths.default_config_file()
    if path.exists() and not path.is_file():
        raise ConfigError(f"The config file {path} is a folder, not a file. Remove it or set "
                          "COACH_CONFIG_FILE to a .toml file.", "Invalid settings")


def _explain(exc: ValidationError) -> str:
    problems = "; ".join(_problem(err) for err in exc.errors())
    return (
        f"Invalid setting — {problems}. Check {paths.default_config_file()} "
        "and COACH_* environment variables."
    )


def _problem(err: ErrorDetails) -> str:
    message = str(err["msg"]).removeprefix("Value error, ")
    if not err["loc"]:  # a rule across fields: its message names the values (the input is everything)
        return message
    got = repr(err.get("input"))
    return f"{'.'.join(str(part) for part in err['loc'])}: {message} (got {got[:80]})"
