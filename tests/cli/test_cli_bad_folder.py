"""`coach index` on a folder of hostile files: good notes indexed, every bad one reported, no crash."""

from __future__ import annotations

import json
import os

from tests.cli.processes import run_coach
from tests.conftest import write_note


def test_bad_files_are_reported_and_good_notes_indexed(notes_dir, tmp_path):
    write_note(notes_dir, "2025-01-02 good.md", "Ade said: ship small, ship often.\n", mentor="Ade")
    write_note(notes_dir, "sub/2025-01-03 also good.txt", "Plain text note about hiring.\n")
    (notes_dir / "binary.md").write_bytes(b"\x00\x01\x02PNG\x00" * 100)
    (notes_dir / "latin1.md").write_bytes("Caf\xe9 with Ade, r\xe9sum\xe9 advice.\n".encode("latin-1"))
    with open(notes_dir / "huge.md", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing 50 MB
    (notes_dir / "loop").symlink_to(notes_dir, target_is_directory=True)
    (notes_dir / "bad-yaml.md").write_text("---\ntitle: [unclosed\n---\nBody survives.\n", encoding="utf-8")
    (notes_dir / "empty.md").write_bytes(b"")
    env = {"COACH_DATA_DIR": str(tmp_path / "data"), "COACH_CONFIG_FILE": str(tmp_path / "c.toml")}

    result = run_coach("--notes", str(notes_dir), "index", "--json", env_extra=env)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    notes = next(s for s in json.loads(result.stdout)["sources"] if s["source"] == "notes")
    assert set(notes["added"]) == {"2025-01-02 good.md", "sub/2025-01-03 also good.txt", "latin1.md", "bad-yaml.md"}
    skipped = {row["path"]: row["reason"] for row in notes["skipped"]}
    assert set(skipped) == {"binary.md", "huge.md", "empty.md"}
    assert "binary" in skipped["binary.md"] and "too large" in skipped["huge.md"]
    warned = {row["path"] for row in notes["warnings"]}
    assert {"latin1.md", "bad-yaml.md"} <= warned
    assert os.path.getsize(notes_dir / "huge.md") == 50 * 1024 * 1024  # untouched
