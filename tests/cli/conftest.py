"""The dev notes indexed by `coach index` once per session (tests/conftest.py); each module works on its own copy."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import DevIndex, dev_env


@dataclass(frozen=True)
class IndexedDev:
    """A private copy of the dev notes and of a data folder whose index holds them."""

    notes: Path
    env: dict[str, str]
    base: Path
    report: dict  # what the session's `coach index --json` of a fresh copy said


@pytest.fixture(scope="module")
def indexed_dev_copy(indexed_dev_once: DevIndex, tmp_path_factory) -> IndexedDev:
    """This module's copy of the indexed notes and data folder: its tests may write notes and marks.
    The manifest keys notes by their path inside the folder, so the copy's index matches its notes
    (tests/cli/test_cli_search.py checks that re-indexing the copy changes nothing)."""
    base = tmp_path_factory.mktemp("dev")
    for part in ("notes", "data"):
        shutil.copytree(indexed_dev_once.base / part, base / part)
    return IndexedDev(base / "notes", dev_env(base), base, indexed_dev_once.report)
