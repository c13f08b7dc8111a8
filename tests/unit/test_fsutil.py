"""Crash-safe writes: atomic_write, create_new (never clobber) and clean_stray_temps."""

from __future__ import annotations

import os
import stat

import pytest

from coach import fsutil
from coach.fsutil import atomic_write, clean_stray_temps, create_new


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _temps(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(fsutil.TEMP_PREFIX))


# -- atomic_write ----------------------------------------------------------------------------


def test_atomic_write_replaces_content_and_is_private(tmp_path):
    target = tmp_path / "manifest.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    atomic_write(target, '{"new": true}')
    assert target.read_text(encoding="utf-8") == '{"new": true}'
    assert _mode(target) == 0o600
    assert _temps(tmp_path) == []


def test_atomic_write_accepts_bytes_and_creates_parents(tmp_path):
    target = tmp_path / "deep" / "er" / "blob.bin"
    atomic_write(target, b"\x00\xff binary")
    assert target.read_bytes() == b"\x00\xff binary"
    assert _mode(target) == 0o600


def test_atomic_write_honours_an_explicit_mode(tmp_path):
    target = tmp_path / "shared.txt"
    atomic_write(target, "x", mode=0o640)
    assert _mode(target) == 0o640


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()], ids=["oserror", "interrupt"])
def test_a_failed_replace_keeps_the_old_bytes_and_no_temp(tmp_path, monkeypatch, error):
    target = tmp_path / "manifest.json"
    target.write_bytes(b"old bytes")

    def boom(src, dst):
        assert os.path.exists(src)  # the temp really was written before the failure
        raise error

    monkeypatch.setattr(fsutil.os, "replace", boom)
    with pytest.raises(type(error)):
        atomic_write(target, "new bytes that never land")
    monkeypatch.undo()

    assert target.read_bytes() == b"old bytes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]


def test_a_failed_fsync_keeps_the_old_bytes_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "ids.json"
    target.write_bytes(b"[]")

    def boom(fd):
        raise OSError("I/O error")

    monkeypatch.setattr(fsutil.os, "fsync", boom)
    with pytest.raises(OSError):
        atomic_write(target, "[1, 2, 3]")
    monkeypatch.undo()

    assert target.read_bytes() == b"[]"
    assert _temps(tmp_path) == []


# -- create_new ------------------------------------------------------------------------------


def test_create_new_never_overwrites(tmp_path):
    target = tmp_path / "2025-03-04 reflection.md"
    first = create_new(target, "first")
    second = create_new(target, "second")
    third = create_new(target, "third")

    assert first == target
    assert second.name == "2025-03-04 reflection (2).md"
    assert third.name == "2025-03-04 reflection (3).md"
    assert first.read_text(encoding="utf-8") == "first"
    assert second.read_text(encoding="utf-8") == "second"
    assert third.read_text(encoding="utf-8") == "third"
    assert _temps(tmp_path) == []


def test_create_new_does_not_touch_an_existing_user_file(tmp_path):
    target = tmp_path / "agenda.md"
    target.write_text("the user's own note", encoding="utf-8")
    made = create_new(target, "coach draft")
    assert made != target
    assert target.read_text(encoding="utf-8") == "the user's own note"
    assert made.read_text(encoding="utf-8") == "coach draft"


def test_create_new_without_suffix_and_default_mode(tmp_path):
    target = tmp_path / "sub" / "README"
    create_new(target, "a")
    made = create_new(target, "b")
    assert made.name == "README (2)"
    assert _mode(target) == 0o644


# -- clean_stray_temps -----------------------------------------------------------------------


def test_clean_stray_temps_removes_only_coach_temp_files(tmp_path):
    strays = [tmp_path / f"{fsutil.TEMP_PREFIX}abc123", tmp_path / f"{fsutil.TEMP_PREFIX}zz.json"]
    keep = [
        tmp_path / "note.md",
        tmp_path / ".hidden",
        tmp_path / "coach-tmp-no-dot",
        tmp_path / f"x{fsutil.TEMP_PREFIX}inside",
        tmp_path / ".coach-tmp",  # prefix without the trailing dash
    ]
    nested = tmp_path / "sub" / f"{fsutil.TEMP_PREFIX}nested"
    nested.parent.mkdir()
    for path in strays + keep + [nested]:
        path.write_text("x", encoding="utf-8")

    assert clean_stray_temps(tmp_path) == len(strays)
    assert not any(p.exists() for p in strays)
    assert all(p.exists() for p in keep)
    assert nested.exists()  # only the folder given, not its subfolders
    assert clean_stray_temps(tmp_path) == 0


def test_clean_stray_temps_removes_what_a_crashed_write_left(tmp_path, monkeypatch):
    """A temp left by a kill between write and rename (simulated: unlink disabled) is cleaned later."""
    target = tmp_path / "manifest.json"
    monkeypatch.setattr(fsutil.os, "replace", lambda src, dst: (_ for _ in ()).throw(OSError("crash")))
    monkeypatch.setattr(fsutil.Path, "unlink", lambda self, missing_ok=False: None)
    with pytest.raises(OSError):
        atomic_write(target, "data")
    monkeypatch.undo()
    assert len(_temps(tmp_path)) == 1
    assert clean_stray_temps(tmp_path) == 1
    assert _temps(tmp_path) == []
