"""A damaged index is detected, moved aside (never deleted) and rebuilt from the notes; no crash."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli_search import run_coach
from tests.conftest import file_hashes, write_note
from tests.reliability.crashkit import copy_data

TOPICS = ["delegation", "feedback", "hiring", "roadmap", "budget", "conflict", "promotion", "boundaries"]


def _biggest(root: Path, name: str) -> Path:
    return max(root.rglob(name), key=lambda p: p.stat().st_size)


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF
    path.write_bytes(bytes(data))


def _rot_a_record(path: Path) -> None:
    """Bit rot inside the stored records of the note keyword search must return (size and mtime kept): a
    byte in the middle of the file can land anywhere, this one always lands in a passage Chroma reads back
    (its Rust core panicked, or served the passage without its text, and `coach index` said "unchanged")."""
    stat = path.stat()
    data = bytearray(path.read_bytes())
    for spot in [m.start() for m in re.finditer(rb"zq17x", data)]:
        for i in range(spot - 40, spot + 5):
            data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


CORRUPTIONS = {
    "delete vector segment": lambda store: shutil.rmtree(_biggest(store, "data_level0.bin").parent),
    "truncate data_level0.bin": lambda store: _truncate(_biggest(store, "data_level0.bin"), 0.5),
    "empty link_lists.bin": lambda store: _truncate(_biggest(store, "link_lists.bin"), 0.0),
    "flip a byte in chroma.sqlite3": lambda store: _flip_byte(store / "chroma.sqlite3"),
    "rot the records of one note in chroma.sqlite3": lambda store: _rot_a_record(store / "chroma.sqlite3"),
    "delete the whole store": lambda store: shutil.rmtree(store),
}


MUST_BE_CAUGHT = {"rot the records of one note in chroma.sqlite3"}
"""Damage Chroma cannot work around (for the others it may rebuild a segment from its own log)."""


def _truncate(path: Path, fraction: float) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(int(path.stat().st_size * fraction))


@pytest.fixture(scope="module")
def built(tmp_path_factory, baseline_data):
    """60 notes indexed once into a copy of the baseline (principles already in): each case copies it."""
    base = tmp_path_factory.mktemp("corrupt")
    notes = base / "notes"
    notes.mkdir()
    for i in range(60):
        topic = TOPICS[i % len(TOPICS)]
        write_note(notes, f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} note {i}.md",
                   f"# Session {i}\n\nWe discussed {topic} at length, case {i}.\n\nUnique marker zq{i}x.\n",
                   mentor="Ade Okafor", kind="session")
    data = base / "data"
    copy_data(baseline_data, data)
    env = {"COACH_DATA_DIR": str(data), "COACH_CONFIG_FILE": str(base / "c.toml"), "COACH_NOTES_DIR": str(notes)}
    assert run_coach("index", env_extra=env).returncode == 0
    return notes, data


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_corruption_is_detected_quarantined_and_rebuilt(case, built, tmp_path):
    notes, pristine = built
    data = tmp_path / "data"
    copy_data(pristine, data)  # the big model file hard-linked, not copied
    before = file_hashes(notes)
    CORRUPTIONS[case](data / "index" / "chroma")
    env = {"COACH_DATA_DIR": str(data), "COACH_CONFIG_FILE": str(tmp_path / "c.toml"), "COACH_NOTES_DIR": str(notes)}

    result = run_coach("index", "--json", env_extra=env)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = next(s for s in json.loads(result.stdout)["sources"] if s["source"] == "notes")
    assert report["chunks"] > 0
    if "damaged" in " ".join(report["notices"]):
        assert list(data.glob("index.quarantine-*")), "damaged store moved aside, not deleted"
    elif case in MUST_BE_CAUGHT:
        raise AssertionError(f"{case}: `coach index` did not notice the damage: {report}")
    # Either the damage was caught and rebuilt, or Chroma still answers correctly (it keeps a log it
    # can rebuild segments from): in both cases dense self-retrieval must be right.
    search = run_coach("search", "zq17x", "--json", "--mode", "keyword", "--source", "notes", env_extra=env)
    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout)["results"][0]["path"].endswith("note 17.md")
    dense = run_coach("search", "We discussed promotion at length, case 22.", "--json", "--mode", "dense",
                      "--source", "notes", "-k", "1", env_extra=env)
    assert dense.returncode == 0, dense.stderr
    assert json.loads(dense.stdout)["results"][0]["path"].endswith("note 22.md")
    assert file_hashes(notes) == before
