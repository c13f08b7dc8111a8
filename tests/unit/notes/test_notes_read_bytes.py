"""read_note on encodings, binary content, size limits and empty files."""

from __future__ import annotations

import codecs
import os
import shutil
import time
from pathlib import Path

import pytest

from coach.notes.model import Note, Skipped
from coach.notes.reader import read_note
from tests.unprivileged import run_unprivileged, traversable_dir

TEXT = "# Café notes\n\nAde said: delegate more. £20 budget ✓\n"


def test_plain_utf8_note(read) -> None:
    note = read("a.md", TEXT)
    assert isinstance(note, Note)
    assert note.body == TEXT
    assert note.warnings == ()


def test_crlf_and_cr_normalised(read) -> None:
    note = read("crlf.txt", "line one\r\nline two\rline three\r\n")
    assert isinstance(note, Note)
    assert "\r" not in note.body
    assert note.body == "line one\nline two\nline three\n"


def test_utf8_bom_stripped(read) -> None:
    note = read("bom.md", codecs.BOM_UTF8 + TEXT.encode("utf-8"))
    assert isinstance(note, Note)
    assert note.body == TEXT
    assert note.title == "Café notes"


def test_utf8_bom_before_front_matter(read) -> None:
    note = read("bomfm.md", codecs.BOM_UTF8 + b"---\nmentor: Ade\n---\nbody\n")
    assert isinstance(note, Note)
    assert note.mentor == "Ade"
    assert note.body == "body\n"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)],
)
def test_utf16_with_bom(read, encoding: str, bom: bytes) -> None:
    raw = bom + ("---\r\nkind: reflection\r\n---\r\n" + TEXT).encode(encoding)
    note = read("wide.md", raw)
    assert isinstance(note, Note)
    assert note.kind == "reflection"
    assert note.body == TEXT
    assert note.warnings == ()


def test_cp1252_bytes_replaced_with_warning(read) -> None:
    note = read("old.txt", "Caf\u00e9 cost \u00a320 \u2013 fine\n".encode("cp1252"))
    assert isinstance(note, Note)
    assert note.body.count("\ufffd") == 3
    assert "Caf" in note.body and "fine" in note.body
    assert "not valid UTF-8; undecodable bytes replaced" in note.warnings


def test_binary_md_with_nul_skipped(read) -> None:
    result = read(
        "image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    )
    assert result == Skipped("image.md", "binary file")


def test_mostly_control_bytes_without_nul_skipped(read) -> None:
    result = read("noise.md", bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 200 + b"some text")
    assert result == Skipped("noise.md", "binary file")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n\t\r\n  ",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"),
    ],
)
def test_empty_or_whitespace_only_skipped(read, content: bytes) -> None:
    assert read("empty.md", content) == Skipped("empty.md", "empty file")


def test_too_large_file_skipped_quickly(root: Path) -> None:
    big = root / "huge.md"
    with big.open("wb") as handle:
        handle.truncate(60_000_000)  # sparse: no real disk or time cost
    start = time.perf_counter()
    result = read_note(big, root)
    assert time.perf_counter() - start < 1.0
    assert result == Skipped("huge.md", "too large: 60000000 bytes > 5000000 limit")


def test_custom_size_limit(read) -> None:
    assert read("a.md", "x" * 101, max_bytes=100) == Skipped(
        "a.md", "too large: 101 bytes > 100 limit"
    )
    assert isinstance(read("b.md", "x" * 100, max_bytes=100), Note)


def test_deleted_between_listing_and_reading(root: Path) -> None:
    result = read_note(root / "gone.md", root)
    assert result == Skipped("gone.md", "deleted before it could be read")


def test_unreadable_file_skipped_with_os_reason() -> None:
    # As root (CI), the read runs in a child that dropped to `nobody`: chmod 000 then stops it for real.
    root = traversable_dir()
    try:
        path = root / "secret.md"
        path.write_text("private", encoding="utf-8")
        path.chmod(0)
        assert run_unprivileged(read_note, path, root) == Skipped("secret.md", "unreadable: Permission denied")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_fifo_named_like_a_note_does_not_block(root: Path) -> None:
    fifo = root / "pipe.md"
    os.mkfifo(fifo)
    assert read_note(fifo, root) == Skipped("pipe.md", "not a regular file")


def test_sha256_is_of_raw_bytes(read) -> None:
    import hashlib

    raw = codecs.BOM_UTF8 + b"hello\r\n"
    note = read("h.md", raw)
    assert note.sha256 == hashlib.sha256(raw).hexdigest()


def test_no_errors_ignore_in_source() -> None:
    source_dir = Path(__file__).resolve().parents[3] / "coach" / "notes"
    offenders = [
        p.name for p in source_dir.glob("*.py") if 'errors="ignore"' in p.read_text()
    ]
    assert offenders == []


def test_emoji_zwj_and_rtl_text_read(read) -> None:
    text = "👩🏽‍💻" * 10_000 + "\nשלום עולם\n"
    note = read("emoji.md", text)
    assert isinstance(note, Note)
    assert note.body == text


def test_five_megabyte_single_line_read(read) -> None:
    note = read("line.md", "a" * 4_999_999)
    assert isinstance(note, Note)
    assert len(note.body) == 4_999_999
