"""Where coach keeps its files: platformdirs defaults, overridable by COACH_* variables."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

from coach.errors import ConfigError

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


def sample_notes_dir() -> Path:
    """The bundled sample notes (copied into the data folder when a new user tries them)."""
    return PACKAGE_ROOT / "ui" / "sample_notes"


def prompts_dir() -> Path:
    """The bundled prompt templates."""
    return _first_existing(_PROMPTS_CANDIDATES)


def ensure_private_dir(path: Path, root: Path | None = None) -> Path:
    """Create a directory readable only by its owner (0700): it holds derived copies of private notes.

    Parents it has to create are made 0700 too (mkdir's `mode` covers only the last part), so a first
    run that starts at `<data>/logs` or `<data>/index` still leaves the data dir private. A folder that
    already exists keeps its mode: coach never changes the permissions of a folder it did not create.
    A file where a folder must be is moved aside when it lies inside `root` (the data folder, all of it
    derived); anywhere else coach stops and says exactly what to move."""
    missing = []
    for parent in (path, *path.parents):
        if parent.is_dir():
            break
        if parent.exists() or parent.is_symlink():
            _clear_the_way(parent, root)
        missing.append(parent)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            if not folder.is_dir():  # a file appeared meanwhile
                raise not_a_folder(folder) from None
        except PermissionError:
            raise permission_problem(folder.parent) from None
    return path


def _clear_the_way(blocker: Path, root: Path | None) -> None:
    """A file (or a dangling link) sits where coach needs a folder."""
    inside = root is not None and blocker != root and Path(root) in blocker.parents
    if not inside:
        raise not_a_folder(blocker)
    move_aside(blocker)


def move_aside(item: Path) -> Path:
    """Rename a damaged item of coach's own (never a user file) to `<name>.moved-aside-<time>`; say so."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = item.with_name(f"{item.name}.moved-aside-{stamp}")
    number = 1
    while target.exists() or target.is_symlink():
        number += 1
        target = item.with_name(f"{item.name}.moved-aside-{stamp}-{number}")
    try:
        item.rename(target)
    except PermissionError:
        raise permission_problem(item.parent) from None
    logging.getLogger("coach").warning("%s was not what coach expected there; moved it aside to %s", item, target)
    return target


def not_a_folder(path: Path) -> ConfigError:
    return ConfigError(
        f"{path} is a file, but coach needs a folder there. Move or remove that file "
        f"(e.g. `mv '{path}' '{path}.old'`), or point COACH_DATA_DIR / --data at another folder.",
        "Not a folder",
    )


def permission_problem(path: Path) -> ConfigError:
    """The one message for a folder coach may not write to: a permission problem, and where."""
    return ConfigError(
        f"Permission denied: coach cannot write to {path}. Make it writable for your user "
        f"(`chmod u+rwx '{path}'`), or point COACH_DATA_DIR / --data at a folder you own.",
        "Permission denied",
    )


def check_writable(folder: Path) -> None:
    """Raise the permission message when an existing folder cannot be written (a read-only data dir)."""
    if folder.is_dir() and not os.access(folder, os.W_OK | os.X_OK):
        raise permission_problem(folder)
