"""Settings: defaults < TOML file < COACH_* env < load_settings overrides; paths; is_remote_llm."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coach.config import Settings, load_settings
from coach.errors import ConfigError


@pytest.fixture
def config_file() -> Path:
    """The TOML file isolated_env points COACH_CONFIG_FILE at (absent until a test writes it)."""
    return Path(os.environ["COACH_CONFIG_FILE"])


def write_toml(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def default(name: str):
    return Settings.model_fields[name].default


# -- precedence ------------------------------------------------------------------------------


def test_defaults_apply_without_file_env_or_overrides(config_file):
    assert not config_file.exists()
    settings = load_settings()
    assert settings.search_k == default("search_k")
    assert settings.llm_provider == "llamacpp"
    assert settings.notes_dir is None


def test_toml_file_beats_defaults(config_file):
    value = default("search_k") + 2
    write_toml(config_file, f'search_k = {value}\nllm_provider = "ollama"\nmin_similarity = 0.5\n')
    settings = load_settings()
    assert settings.search_k == value
    assert settings.llm_provider == "ollama"
    assert settings.min_similarity == 0.5


def test_env_beats_toml(config_file, monkeypatch):
    write_toml(config_file, 'search_k = 7\nllm_provider = "ollama"\n')
    monkeypatch.setenv("COACH_SEARCH_K", "9")
    settings = load_settings()
    assert settings.search_k == 9
    assert settings.llm_provider == "ollama"  # untouched keys still come from the file


def test_overrides_beat_env_and_toml(config_file, monkeypatch):
    write_toml(config_file, "search_k = 7\n")
    monkeypatch.setenv("COACH_SEARCH_K", "9")
    assert load_settings(search_k=11).search_k == 11


def test_none_overrides_do_not_mask_env_or_file(config_file, monkeypatch, tmp_path):
    write_toml(config_file, f'notes_dir = "{tmp_path / "from-toml"}"\n')
    monkeypatch.setenv("COACH_SEARCH_K", "9")
    settings = load_settings(search_k=None, notes_dir=None)
    assert settings.search_k == 9
    assert settings.notes_dir == tmp_path / "from-toml"


def test_data_dir_comes_from_env_and_index_dir_lives_under_it(monkeypatch, tmp_path):
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    settings = load_settings()
    assert settings.data_dir == tmp_path / "data"
    assert settings.index_dir == tmp_path / "data" / "index"


def test_a_missing_config_file_is_not_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("COACH_CONFIG_FILE", str(tmp_path / "nowhere" / "config.toml"))
    assert load_settings().search_k == default("search_k")


# -- paths -----------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["override", "env", "toml"])
def test_tilde_is_expanded_in_notes_dir(source, config_file, monkeypatch, tmp_path):
    home = tmp_path / "userhome"
    monkeypatch.setenv("HOME", str(home))
    if source == "override":
        settings = load_settings(notes_dir="~/notes")
    elif source == "env":
        monkeypatch.setenv("COACH_NOTES_DIR", "~/notes")
        settings = load_settings()
    else:
        write_toml(config_file, 'notes_dir = "~/notes"\n')
        settings = load_settings()
    assert settings.notes_dir == home / "notes"


# -- is_remote_llm ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "url"),
    [
        ("llamacpp", None),
        ("llamacpp", "https://api.example.com/v1"),  # the bundled model never uses a URL
        ("ollama", "http://127.0.0.1:11434"),
        ("ollama", "http://localhost:11434"),
        ("openai", "http://localhost:8000/v1"),
        ("openai", "http://127.0.0.1:8080/v1"),
        ("openai", "http://[::1]:8080/v1"),
    ],
)
def test_local_llms_are_not_remote(provider, url):
    assert load_settings(llm_provider=provider, llm_base_url=url).is_remote_llm is False


@pytest.mark.parametrize(
    ("provider", "url"),
    [
        ("openai", None),  # the real OpenAI API
        ("openai", "https://api.openai.com/v1"),
        ("ollama", "http://gpu-box.example.com:11434"),
        ("openai", "http://10.1.2.3:8000/v1"),
        ("anthropic", None),
    ],
)
def test_public_llms_are_remote(provider, url):
    assert load_settings(llm_provider=provider, llm_base_url=url).is_remote_llm is True


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost.attacker.example:8000/v1",
        "http://localhost@api.example.com/v1",
        "https://api.example.com/v1?next=http://127.0.0.1",
    ],
    ids=["localhost-prefix", "userinfo", "query-string"],
)
def test_remote_hosts_that_mention_localhost_are_still_remote(url):
    assert load_settings(llm_provider="openai", llm_base_url=url).is_remote_llm is True


# -- validation ------------------------------------------------------------------------------


def test_an_invalid_toml_value_is_a_config_error_naming_the_field_and_file(config_file):
    write_toml(config_file, 'search_k = "many"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "search_k" in caught.value.message and str(config_file) in caught.value.message


def test_a_toml_syntax_error_is_a_config_error_naming_the_file(config_file):
    write_toml(config_file, 'search_k = \n')
    with pytest.raises(ConfigError, match="config file"):
        load_settings()


def test_an_unknown_provider_is_rejected(monkeypatch):
    monkeypatch.setenv("COACH_LLM_PROVIDER", "gpt")
    with pytest.raises(ConfigError, match="llm_provider"):
        load_settings()


def test_unknown_keys_are_ignored(config_file):
    write_toml(config_file, 'search_k = 8\ncolour = "blue"\n')
    assert load_settings().search_k == 8


def test_the_api_key_is_never_shown_in_repr(monkeypatch):
    monkeypatch.setenv("COACH_LLM_API_KEY", "sk-very-secret")
    settings = load_settings()
    assert "sk-very-secret" not in repr(settings)
    assert settings.llm_api_key.get_secret_value() == "sk-very-secret"
