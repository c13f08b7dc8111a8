"""The CLI as a user runs it: real processes, real Chroma, real MiniLM, the dev notes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.cli.processes import run_coach


@pytest.fixture(scope="module")
def indexed_dev(indexed_dev_copy):
    """A copy of the dev notes indexed once per session; the notes folder is passed with --notes only."""
    env = {key: value for key, value in indexed_dev_copy.env.items() if key != "COACH_NOTES_DIR"}
    return indexed_dev_copy.notes, env, indexed_dev_copy.report


def test_index_reports_every_dev_note(indexed_dev):
    _, _, report = indexed_dev
    notes = next(s for s in report["sources"] if s["source"] == "notes")
    assert len(notes["added"]) == 40
    assert notes["skipped"] == []


def test_search_json_finds_the_passkeys_session_first(indexed_dev):
    notes, env, _ = indexed_dev
    result = run_coach("--notes", str(notes), "search", "WebAuthn relying party ID", "--json", env_extra=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["query"] == "WebAuthn relying party ID"
    first = data["results"][0]
    assert first["path"] == "2025-09-26 reverse mentoring - passkeys.md"
    assert set(first) >= {"path", "date", "mentor", "kind", "heading", "snippet", "score", "source"}
    assert first["source"] == "notes" and first["date"] == "2025-09-26"


def test_search_filters_by_mentor_and_kind(indexed_dev):
    notes, env, _ = indexed_dev
    result = run_coach("search", "delegation", "--kind", "reflection", "--json", "-k", "10", env_extra=env)
    assert result.returncode == 0, result.stderr
    assert all(hit["kind"] == "reflection" for hit in json.loads(result.stdout)["results"])


def test_reindex_of_unchanged_folder_changes_nothing(indexed_dev):
    notes, env, _ = indexed_dev
    result = run_coach("--notes", str(notes), "index", "--json", env_extra=env)
    data = json.loads(result.stdout)
    assert all(not s["added"] and not s["updated"] and not s["removed"] for s in data["sources"])


def test_search_never_imports_torch(indexed_dev):
    notes, env, _ = indexed_dev
    code = (
        "import sys; from coach.cli import main; sys.argv=['coach','search','delegation','--json'];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules, 'slow import'\n"
        "assert 'textual' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **env})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "args, expected",
    [
        (["index"], "No notes folder is set"),
        (["--notes", "/nonexistent/notes", "index"], "/nonexistent/notes"),
        (["search", "x", "--since", "next tuesday"], "--since needs a date"),
        (["search", "x", "--mode", "fuzzy"], "--mode must be one of"),
        (["eval", "/nonexistent"], "No notes folder at"),
    ],
)
def test_bad_input_gets_one_clear_line_and_no_traceback(args, expected, tmp_path):
    env = {"COACH_DATA_DIR": str(tmp_path / "d"), "COACH_CONFIG_FILE": str(tmp_path / "c.toml")}
    result = run_coach(*args, env_extra=env, timeout=60)
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
