"""The dev notes indexed by `coach index` once per session; each module works on its own copy."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.processes import run_coach
from tests.conftest import DEV_NOTES


@dataclass(frozen=True)
class IndexedDev:
    """A private copy of the dev notes and of a data folder whose index holds them."""

    notes: Path
    env: dict[str, str]
    base: Path
    report: dict  # what the session's `coach index --json` of a fresh copy said


def _env(base: Path) -> dict[str, str]:
    return {"COACH_DATA_DIR": str(base / "data"), "COACH_CONFIG_FILE": str(base / "config.toml"),
            "COACH_NOTES_DIR": str(base / "notes")}


@pytest.fixture(scope="session")
def indexed_dev_once(tmp_path_factory) -> tuple[Path, dict]:
    """Index a copy of the dev notes once per session (the slow part: embedding every passage)."""
    if not DEV_NOTES.is_dir():
        pytest.skip("shared/eval/dev is not beside this checkout")
    base = tmp_path_factory.mktemp("dev-indexed")
    shutil.copytree(DEV_NOTES, base / "notes")
    result = run_coach("index", "--json", env_extra=_env(base))
    assert result.returncode == 0, result.stderr
    return base, json.loads(result.stdout)


@pytest.fixture(scope="module")
def indexed_dev_copy(indexed_dev_once, tmp_path_factory) -> IndexedDev:
    """This module's copy of the indexed notes and data folder: its tests may write notes and marks.
    The manifest keys notes by their path inside the folder, so the copy's index matches its notes
    (tests/cli/test_cli_search.py checks that re-indexing the copy changes nothing)."""
    master, report = indexed_dev_once
    base = tmp_path_factory.mktemp("dev")
    for part in ("notes", "data"):
        shutil.copytree(master / part, base / part)
    return IndexedDev(base / "notes", _env(base), base, report)
