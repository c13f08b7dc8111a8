"""Where coach keeps its files: platformdirs defaults, overridable by COACH_* variables."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "coach"
PACKAGE_ROOT = Path(__file__).resolve().parent
# Shipped principle files: inside the package when installed, beside it in a checkout.
_KNOWLEDGE_CANDIDATES = (PACKAGE_ROOT / "knowledge", PACKAGE_ROOT.parent / "knowledge")
_PROMPTS_CANDIDATES = (PACKAGE_ROOT / "prompts", PACKAGE_ROOT.parent / "prompts")


def default_data_dir() -> Path:
    """The derived-data folder (index, history, caches): everything here can be rebuilt."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_config_file() -> Path:
    """The TOML settings file, unless COACH_CONFIG_FILE names another."""
    override = os.environ.get("COACH_CONFIG_FILE")
    if override:
        return Path(override).expanduser()
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def _first_existing(candidates: tuple[Path, ...]) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def knowledge_dir() -> Path:
    """The bundled library of mentorship principles."""
    return _first_existing(_KNOWLEDGE_CANDIDATES)


def prompts_dir() -> Path:
    """The bundled prompt templates."""
    return _first_existing(_PROMPTS_CANDIDATES)


def ensure_private_dir(path: Path) -> Path:
    """Create a directory readable only by its owner (0700): it holds derived copies of private notes.

    Parents it has to create are made 0700 too (mkdir's `mode` covers only the last part), so a first
    run that starts at `<data>/logs` or `<data>/index` still leaves the data dir private."""
    missing = []
    for parent in (path, *path.parents):
        if parent.exists():
            break
        missing.append(parent)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass  # created meanwhile by another coach process
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        path.chmod(0o700)
    except OSError:
        pass  # not ours to chmod (e.g. a shared mount); the data is still written
    return path
