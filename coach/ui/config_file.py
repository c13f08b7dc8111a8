"""Save settings the app changes (notes folder, model) into the TOML config file, keeping every other key."""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path

import tomli_w

from coach import paths
from coach.errors import ConfigError


def update_config(values: dict[str, object], path: Path | None = None) -> Path:
    """Merge `values` into the config file (None removes a key) and write it atomically."""
    target = path or paths.default_config_file()
    data = _read(target)
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = str(value) if isinstance(value, Path) else value
    _write_atomic(target, tomli_w.dumps(data).encode("utf-8"))
    return target


def _read(target: Path) -> dict:
    if not target.exists():
        return {}
    try:
        return tomllib.loads(target.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        # Rewriting a file we cannot parse would lose the user's other settings.
        raise ConfigError(f"{target} is not valid TOML ({exc}); fix it or move it aside, then try again.") from None
    except OSError as exc:
        raise ConfigError(f"Cannot read {target}: {exc}") from None


def _write_atomic(target: Path, payload: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise ConfigError(f"Cannot write the config file {target}: {exc}. Check the folder's permissions.") from None
