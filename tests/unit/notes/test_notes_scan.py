"""Walking a notes folder: what counts as a note file, symlinks, hidden folders and the dev corpus."""

from __future__ import annotations

import os
import re
import shutil
import time
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from coach.errors import NotesError
from coach.notes import reader
from coach.notes.front_matter import split_front_matter
from coach.notes.model import Note, Skipped
from coach.notes.reader import OUTSIDE_ROOT, iter_note_files, scan_folder
from tests.unprivileged import run_unprivileged, traversable_dir

DEV_NOTES = Path("/work/shared/eval/dev/notes")


def _rel(paths, root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]


def test_walk_filters_extensions_and_hidden(write, root: Path) -> None:
    for rel in [
        "a.md",
        "B.MD",
        "c.Markdown",
        "d.TXT",
        "e.png",
        "f.md.bak",
        ".hidden.md",
        ".obsidian/workspace.md",
        ".trash/old.md",
        "sub/.git/x.md",
        "sub/deeper/g.md",
    ]:
        write(rel, "text")
    assert _rel(iter_note_files(root), root) == [
        "B.MD",
        "a.md",
        "c.Markdown",
        "d.TXT",
        "sub/deeper/g.md",
    ]


def test_walk_is_deterministic(write, root: Path) -> None:
    for rel in ["z/1.md", "a/2.md", "m.md", "a/b/3.md"]:
        write(rel, "text")
    first = list(iter_note_files(root))
    assert first == list(iter_note_files(root))
    assert _rel(first, root) == sorted(_rel(first, root))


def test_symlink_loop_does_not_hang(write, root: Path) -> None:
    write("a/note.md", "text")
    (root / "a" / "loop").symlink_to("..")
    (root / "self.md").symlink_to("self.md")
    start = time.perf_counter()
    result = scan_folder(root)
    assert time.perf_counter() - start < 2.0
    assert [n.path for n in result.notes] == ["a/note.md"]
    assert [s.path for s in result.skipped] == ["self.md"]
    assert result.skipped[0].reason.startswith("unreadable:")


def test_symlinks_outside_root_are_never_read(
    write, root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("TOP SECRET")
    (root / "link.md").symlink_to(outside / "secret.md")
    (root / "linkdir").symlink_to(outside)
    write("ok.md", "fine")
    assert _rel(iter_note_files(root), root) == ["ok.md"]
    result = scan_folder(root)
    assert [n.path for n in result.notes] == ["ok.md"]
    assert result.skipped == [Skipped("link.md", OUTSIDE_ROOT)]
    assert all("TOP SECRET" not in n.body for n in result.notes)


def test_symlink_inside_root_and_broken_symlink(write, root: Path) -> None:
    write("real.md", "same text")
    (root / "alias.md").symlink_to(root / "real.md")
    (root / "dangling.md").symlink_to(root / "missing.md")
    result = scan_folder(root)
    assert sorted(n.path for n in result.notes) == ["alias.md", "real.md"]
    assert result.notes[0].sha256 == result.notes[1].sha256
    assert result.skipped == [Skipped("dangling.md", "broken symlink")]


def test_odd_names_are_nfc_posix_paths(write, root: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "café 🎉 notes.md")
    write(f"deep folder/{decomposed}", "text")
    write("n" * 250 + ".md", "long name")
    result = scan_folder(root)
    paths = [n.path for n in result.notes]
    assert "deep folder/café 🎉 notes.md" in paths
    assert "n" * 250 + ".md" in paths
    assert all(unicodedata.is_normalized("NFC", p) for p in paths)


def test_nfc_and_nfd_twins_counted_once(write, root: Path) -> None:
    write(unicodedata.normalize("NFC", "é.md"), "one")
    write(unicodedata.normalize("NFD", "é.md"), "two")
    result = scan_folder(root)
    assert [n.path for n in result.notes] == ["é.md"]
    assert [s.reason for s in result.skipped] == [
        "duplicate name after Unicode normalisation"
    ]


def test_every_candidate_lands_in_exactly_one_bucket(write, root: Path) -> None:
    write("ok.md", "text")
    write("empty.md", "")
    write("bin.md", b"\x00\x01")
    write("fm-only.md", "---\na: 1\n---\n")
    write("big.txt", "x" * 50)
    write("bad.md", b"caf\xe9")
    result = scan_folder(root, max_bytes=40)
    candidates = {p.relative_to(root).as_posix() for p in iter_note_files(root)}
    outcomes = [n.path for n in result.notes] + [s.path for s in result.skipped]
    assert sorted(outcomes) == sorted(candidates)
    assert {s.path: s.reason.split(":")[0] for s in result.skipped} == {
        "empty.md": "empty file",
        "bin.md": "binary file",
        "fm-only.md": "no text after front matter",
        "big.txt": "too large",
    }
    assert result.warnings == [
        ("bad.md", "not valid UTF-8; undecodable bytes replaced")
    ]


def test_file_deleted_mid_scan_does_not_abort(write, root: Path, monkeypatch) -> None:
    write("a.md", "first")
    write("b.md", "second")
    original = reader._candidates

    def list_then_delete(*args):
        paths = original(*args)
        (root / "a.md").unlink()
        return paths

    monkeypatch.setattr(reader, "_candidates", list_then_delete)
    result = scan_folder(root)
    assert [n.path for n in result.notes] == ["b.md"]
    assert result.skipped == [Skipped("a.md", "deleted before it could be read")]


def _scan_summary(root: Path) -> tuple[list, list]:
    result = scan_folder(root)
    return [n.path for n in result.notes], [(s.path, s.reason) for s in result.skipped]


def test_unreadable_subfolder_is_reported() -> None:
    # As root (CI), the scan runs in a child that dropped to `nobody`: chmod 000 then stops listing.
    root = traversable_dir()
    try:
        (root / "locked").mkdir(mode=0o755)
        (root / "locked" / "x.md").write_text("text", encoding="utf-8")
        (root / "locked").chmod(0)
        notes, skipped = run_unprivileged(_scan_summary, root)
        assert notes == []
        assert skipped[0][0] == "locked"
        assert skipped[0][1].startswith("unreadable folder:")
    finally:
        (root / "locked").chmod(0o755)
        shutil.rmtree(root, ignore_errors=True)


def test_missing_root_raises_notes_error(tmp_path: Path) -> None:
    with pytest.raises(NotesError, match="not found"):
        scan_folder(tmp_path / "nope")


def test_root_that_is_a_file_raises_notes_error(tmp_path: Path) -> None:
    file = tmp_path / "file.md"
    file.write_text("x")
    with pytest.raises(NotesError, match="not a folder"):
        scan_folder(file)


@pytest.mark.skipif(not DEV_NOTES.is_dir(), reason="dev eval corpus not present")
def test_dev_corpus_reads_cleanly(tmp_path: Path) -> None:
    copy = tmp_path / "dev"
    shutil.copytree(DEV_NOTES, copy)
    result = scan_folder(copy)
    assert (len(result.notes), len(result.skipped)) == (40, 0)
    by_path = {note.path: note for note in result.notes}
    assert "\r" not in by_path["2025-10-03 notes from Ade call.txt"].body
    agenda = by_path["agenda-2025-08-07.md"]
    assert (agenda.date, agenda.date_source) == (date(2025, 8, 5), "front_matter")
    plain = by_path["2025-08-21.md"]
    assert (plain.date, plain.date_source) == (date(2025, 8, 21), "filename")
    assert all(isinstance(note, Note) and note.body.strip() for note in result.notes)
    _assert_dev_sessions_use_front_matter_mentor(copy, result.notes)


def _assert_dev_sessions_use_front_matter_mentor(folder: Path, notes: list[Note]) -> None:
    """Sessions with the dev mentor carry the spelling the front matter uses, files without it too."""
    spellings = Counter(
        split_front_matter(path.read_text(encoding="utf-8-sig").replace("\r\n", "\n"))
        .fields.get("mentor")
        for path in folder.iterdir()
    )
    spellings.pop(None, None)
    spelling = spellings.most_common(1)[0][0]
    name_words = {word.casefold() for word in re.findall(r"[^\W\d_]+", spelling)}

    def mentions(note: Note) -> bool:
        text = " ".join((note.path, note.title, note.mentor or "", note.body))
        return bool(name_words & {w.casefold() for w in re.findall(r"[^\W\d_]+", text)})

    sessions = [note for note in notes if note.kind == "session" and mentions(note)]
    assert sessions and all(note.mentor == spelling for note in sessions), [
        (note.path, note.mentor) for note in sessions if note.mentor != spelling
    ]
    no_front_matter = [note for note in notes if note.body_offset == 1]
    assert no_front_matter and {note.path for note in no_front_matter} <= {
        note.path for note in sessions
    }
    assert all(note.extra["mentor_source"] == "inferred" for note in no_front_matter)
    assert not [note.path for note in notes if note.kind == "other"]


def test_permission_denied_file_simulated(write, root: Path, monkeypatch) -> None:
    # Runs even as root, where chmod 000 cannot make a file unreadable.
    secret = write("secret.md", "private")
    write("open.md", "public")
    real_open = os.open

    def deny(path, *args, **kwargs):
        if Path(path) == secret:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    result = scan_folder(root)
    assert [n.path for n in result.notes] == ["open.md"]
    assert result.skipped == [Skipped("secret.md", "unreadable: Permission denied")]


def test_permission_denied_folder_simulated(write, root: Path, monkeypatch) -> None:
    write("locked/x.md", "text")
    write("y.md", "text")
    real_scandir = os.scandir

    def deny(path="."):
        if Path(path) == root / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", deny)
    result = scan_folder(root)
    assert [n.path for n in result.notes] == ["y.md"]
    assert result.skipped == [Skipped("locked", "unreadable folder: Permission denied")]
