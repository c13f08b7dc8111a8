"""`coach progress` and `coach review` as a user runs them: real processes on a small notes folder."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.cli.processes import run_coach
from tests.conftest import write_note


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    base = tmp_path_factory.mktemp("growth-cli")
    notes = base / "notes"
    ade = {"mentor": "Ade Okafor", "kind": "session", "tags": "[public-speaking]"}
    write_note(notes, "2025-06-05 first.md", "# First\n\n## Public speaking\n\nI'm terrified of public speaking.\n"
               "Public speaking again.\n\n## Actions\n- [ ] Rehearse the talk three times\n", date="2025-06-05", **ade)
    write_note(notes, "2025-09-01 third.md", "# Third\n\n## Public speaking\n\nI gave the talk and I wasn't "
               "nervous about public speaking at all.\n\n## Follow-ups\n- Rehearsed the talk three times, done.\n",
               date="2025-09-01", **ade)
    write_note(notes, "2025-09-20 reverse mentoring.md", "# I taught Ade about passkeys\n\nWebAuthn basics.\n",
               date="2025-09-20", mentor="Ade Okafor", kind="session")
    env = {"COACH_DATA_DIR": str(base / "data"), "COACH_CONFIG_FILE": str(base / "c.toml"), "COACH_NOTES_DIR": str(notes)}
    assert run_coach("index", env_extra=env).returncode == 0
    return notes, env, base


def test_progress_json_and_svg_plot(folder):
    notes, env, base = folder
    result = run_coach("progress", "--json", "--plot", str(base / "timeline.svg"), env_extra=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    pair = data["then_and_now"][0]
    assert pair["then"]["quote"] in (notes / pair["then"]["path"]).read_text(encoding="utf-8")
    assert pair["now"]["date"] > pair["then"]["date"] and pair["movement"] == "worry → confidence"
    assert data["taught"][0]["role"] == "reverse"
    assert {"timeline", "promises", "mentor_words", "next_steps", "mentoring", "sessions"} <= set(data)
    assert data["plot"] == str(base / "timeline.svg")
    ET.parse(base / "timeline.svg")  # well-formed


def test_progress_text_labels_reverse_mentoring(folder):
    _, env, _ = folder
    result = run_coach("progress", env_extra=env)
    assert result.returncode == 0, result.stderr
    assert "Then and now" in result.stdout and "[reverse mentoring]" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("progress", "--since", "June"), "--since needs a date like 2025-06-01"),
    (("progress", "--plot", "timeline.txt"), "--plot needs a file ending in .svg or .png"),
    (("progress", "--plot", "/nonexistent-folder/t.svg"), "does not exist"),
    (("review", "--since", "2025-13-01"), "--since needs a date"),
    (("search", "x", "--role", "boss"), "--role must be one of mentee, reverse, mentor"),
])
def test_bad_input_is_one_clear_line(folder, args, message):
    _, env, _ = folder
    result = run_coach(*args, env_extra=env)
    assert result.returncode != 0 and message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr + result.stdout


def test_review_save_json_names_the_one_new_note(folder):
    notes, env, _ = folder
    before = {p.name: p.read_bytes() for p in notes.iterdir()}
    result = run_coach("review", "--save", "--json", env_extra=env)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    after = {p.name: p.read_bytes() for p in notes.iterdir()}
    assert set(after) - set(before) == {data["saved"]}
    assert all(after[name] == content for name, content in before.items())
    assert data["period"]["from"] is None and data["questions"]
    assert after[data["saved"]].startswith(b"---\n") and b"kind: review" in after[data["saved"]]


def test_plot_never_replaces_a_file_in_the_notes_folder(folder):
    notes, env, _ = folder
    picture = notes / "whiteboard.png"
    picture.write_bytes(b"a user's attachment")
    result = run_coach("progress", "--plot", str(picture), env_extra=env)
    assert result.returncode == 1 and "never replaces a file there" in " ".join(result.stderr.split())
    assert picture.read_bytes() == b"a user's attachment"
