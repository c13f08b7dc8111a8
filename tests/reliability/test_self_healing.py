"""The index heals itself with a plain `coach index`, and no damage takes a command down silently:
an undecodable file name, an emptied store database, bit rot in an HNSW segment (size and mtime kept),
files where folders belong, a folder where the lock file belongs, a read-only data dir, a truncated fast
model. Real processes, real Chroma, the real ONNX embedder. Each case failed on the code before issue 14."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import file_hashes
from tests.reliability import crashkit

NOTES = 12


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, baseline_data):
    """A small indexed corpus: copy it per test, never change it."""
    base = tmp_path_factory.mktemp("heal")
    notes = base / "notes"
    crashkit.make_corpus(notes, NOTES, seed=21)
    data = base / "data"
    crashkit.copy_data(baseline_data, data)
    result = crashkit.run_coach("index", env=crashkit.coach_env(data, notes))
    assert result.returncode == 0, result.stderr
    return notes, data


@pytest.fixture
def rig(indexed, tmp_path):
    notes, data = indexed
    shutil.copytree(notes, tmp_path / "notes")
    crashkit.copy_data(data, tmp_path / "data")
    _private(tmp_path / "data")
    return tmp_path / "notes", tmp_path / "data", crashkit.coach_env(tmp_path / "data", tmp_path / "notes")


def _private(folder: Path) -> None:
    """A copied data dir gets the test's umask; coach's own are 0700/0600 (doctor checks that)."""
    subprocess.run(["chmod", "-R", "go-rwx", str(folder)], check=True)


def _no_silent_death(result: subprocess.CompletedProcess) -> None:
    """A command may fail, but never killed by a signal and never without a word."""
    assert result.returncode >= 0, f"killed by signal {-result.returncode}; stderr: {result.stderr[-300:]}"
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr, result.stderr
    if result.returncode:
        assert result.stderr.strip(), "a failure must say why"


def _healed(notes: Path, data: Path, env: dict) -> dict:
    """`coach index` succeeds, the index matches the folder exactly, and doctor agrees."""
    result = crashkit.run_coach("index", "--json", env=env)
    _no_silent_death(result)
    assert result.returncode == 0, result.stderr
    facts = crashkit.check_consistent(notes, data, sample=5)
    assert facts.problems == [], facts.problems
    doctor = crashkit.run_coach("doctor", "--json", env=env)
    assert doctor.returncode == 0, doctor.stdout
    return next(s for s in json.loads(result.stdout)["sources"] if s["source"] == "notes")


def _search_top(env: dict, i: int, mode: str = "keyword") -> str:
    result = crashkit.run_coach("search", crashkit.token(i), "--json", "--mode", mode, "--source", "notes", env=env)
    _no_silent_death(result)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["results"][0]["path"]


def test_an_undecodable_file_name_is_skipped_with_a_reason_and_blocks_nothing(rig):
    notes, data, env = rig
    bad = os.path.join(os.fsencode(notes), b"caf\xe9 session.md")
    with open(bad, "wb") as handle:
        handle.write(b"# Cafe\n\nWe met at the cafe.\n")
    crashkit.make_corpus(notes, 1, seed=22, start=NOTES)  # a note added after it must become searchable
    report = _healed(notes, data, env)
    assert [s for s in report["skipped"] if "UTF-8" in s["reason"]] == [
        {"path": "caf\\xe9 session.md", "reason": report["skipped"][0]["reason"]}]
    assert _search_top(env, NOTES) == crashkit.note_name(NOTES)
    _no_silent_death(crashkit.run_coach("agenda", env=env))


def test_an_emptied_store_database_is_noticed_and_refilled_by_plain_index(rig):
    notes, data, env = rig
    (data / "index" / "chroma" / "chroma.sqlite3").write_bytes(b"")
    report = _healed(notes, data, env)
    assert report["notices"], "say what was repaired"
    assert len(report["added"]) == NOTES or report["rebuilt"]
    assert _search_top(env, 3) == crashkit.note_name(3)


def _rot(path: Path) -> None:
    """Overwrite the middle of a segment file with junk, keeping its size and modification time."""
    stat = path.stat()
    raw = bytearray(path.read_bytes())
    middle = len(raw) // 2
    raw[middle - 256 : middle + 256] = b"\xff" * 512
    raw[16:48] = b"\xff" * 32
    path.write_bytes(bytes(raw))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.mark.parametrize("segment_file", ["data_level0.bin"])  # header.bin, link_lists.bin: bench_faults.py
def test_bit_rot_in_a_segment_is_reported_never_a_silent_crash_then_healed(rig, segment_file):
    notes, data, env = rig
    targets = [p for p in (data / "index" / "chroma").rglob(segment_file) if p.stat().st_size > 64]
    if not targets:
        pytest.skip(f"no non-trivial {segment_file} in this store")
    before = file_hashes(notes)
    for target in targets:
        _rot(target)
    for args in (("search", "delegation", "--mode", "keyword"), ("doctor",)):
        result = crashkit.run_coach(*args, env=env)
        _no_silent_death(result)
        if result.returncode and args[0] == "search":
            assert "coach index" in result.stderr, result.stderr
    _healed(notes, data, env)
    assert _search_top(env, 5, mode="hybrid") == crashkit.note_name(5)
    assert file_hashes(notes) == before


@pytest.mark.parametrize("case", ["index is a 0-byte file", "writer.lock is a folder"])  # more: bench_faults.py
def test_a_wrong_kind_of_file_inside_the_data_dir_is_moved_aside(rig, case):
    notes, data, env = rig
    name = case.split(" ")[0]
    target = data / "index" / name if name == "writer.lock" else data / name
    if target.exists():
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    if "folder" in case:
        target.mkdir()
        (target / "x").write_text("x")
    else:
        target.write_bytes(b"")
    _private(target)  # made by the same user in a private data dir (doctor would rightly flag 0644)
    _no_silent_death(crashkit.run_coach("history", "list", env=env))
    _healed(notes, data, env)
    assert list(target.parent.glob(f"{name}.moved-aside-*")), "moved aside, never deleted"


def test_a_data_dir_that_is_a_file_gets_the_exact_fix(rig, tmp_path):
    notes, data, env = rig
    shutil.rmtree(data)
    data.write_text("not a folder")
    for args in (("index",), ("search", "x"), ("history", "list")):
        result = crashkit.run_coach(*args, env=env)
        _no_silent_death(result)
        assert result.returncode == 1 and str(data) in result.stderr and "mv " in result.stderr, result.stderr
    doctor = crashkit.run_coach("doctor", env=env)
    assert doctor.returncode == 1 and f"mv '{data}'" in doctor.stdout
    subprocess.run(["mv", str(data), f"{data}.old"], check=True)  # the command doctor printed
    assert crashkit.run_coach("index", env=env).returncode == 0
    assert data.read_text() if data.is_file() else data.is_dir()


def _as_other_user() -> tuple[str, ...]:
    """Root ignores file modes: run the command as `nobody` to see a real permission error."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot drop privileges")
    prefix = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
    probe = subprocess.run([*prefix, *crashkit.coach_cmd("--help")], cwd=crashkit.REPO, capture_output=True,
                           text=True, timeout=120)
    if probe.returncode != 0:  # e.g. a checkout inside a 0700 `mktemp -d` folder
        pytest.skip(f"user nobody cannot run coach from this checkout ({crashkit.REPO}): {probe.stderr.strip()[:120]}")
    return prefix


def test_a_read_only_data_dir_is_a_permission_message_naming_the_path(rig, tmp_path):
    notes, data, env = rig
    prefix = _as_other_user()
    if prefix:
        for path in (tmp_path, notes, *notes.rglob("*"), data, *data.rglob("*")):
            os.chown(path, 65534, 65534, follow_symlinks=False)
        for parent in tmp_path.parents:  # pytest's own folders are 0700: let `nobody` pass through
            if parent == Path("/tmp") or parent == parent.parent:
                break
            parent.chmod(parent.stat().st_mode | 0o001)
    crashkit.make_corpus(notes, 1, seed=23, start=NOTES)  # work to do, so the index must be written
    for path in (data, data / "index"):
        path.chmod(0o500)
    for args in (("index",), ("search", "delegation")):
        result = crashkit.run_coach(*args, env={**env, "HOME": str(tmp_path)}, prefix=prefix)
        _no_silent_death(result)
        assert result.returncode == 1, result.stdout
        assert "Permission denied" in result.stderr and str(data) in result.stderr, result.stderr
        assert "rebuild" not in result.stderr


def test_a_truncated_fast_model_is_found_by_doctor_and_replaced_by_index(rig):
    """Whichever export a search loads (the data dir's own, else the shared install-time one) is checked by
    size and hash; a damaged own copy must not shadow the good shared one (a fresh clone has both)."""
    from coach.retrieval.onnx_embedder import damage, existing_onnx

    notes, data, env = rig
    model = next((data / "models").glob("*.onnx"))
    size = model.stat().st_size
    model.unlink()  # the export is hard-linked from the shared baseline: never truncate it in place
    model.write_bytes(b"\0" * (size // 2))
    doctor = crashkit.run_coach("doctor", env=env)
    assert doctor.returncode == 1 and "fast query model truncated" in doctor.stdout, doctor.stdout
    _healed(notes, data, env)
    used = existing_onnx(data)
    assert damage(used) is None and used.stat().st_size == size, used
    assert _search_top(env, 2, mode="dense") is not None
