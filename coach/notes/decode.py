"""Turning a note's raw bytes into text: BOMs, UTF-16, lossy fallback, binary detection."""

from __future__ import annotations

import codecs

SNIFF_BYTES = 8192
# Above this share of control or replacement characters a file is treated as binary.
_BINARY_RATIO = 0.30
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)

BINARY = "binary file"
NOT_UTF8 = "not valid UTF-8; undecodable bytes replaced"


class BinaryFile(ValueError):
    """The bytes are not text."""


def _decode(raw: bytes, encoding: str, label: str) -> tuple[str, list[str]]:
    """Decode strictly, falling back to visible replacement characters with a warning."""
    try:
        return raw.decode(encoding), []
    except UnicodeDecodeError:
        warning = (
            NOT_UTF8
            if label == "UTF-8"
            else f"not valid {label}; undecodable bytes replaced"
        )
        # errors="replace", never "ignore": lost bytes must stay visible (RELIABILITY row 9).
        return raw.decode(encoding, errors="replace"), [warning]


def _looks_binary(text: str) -> bool:
    """True when the start of the text is mostly control or replacement characters."""
    sample = text[:SNIFF_BYTES]
    if not sample:
        return False
    odd = sum(
        1 for ch in sample if ch == "\ufffd" or (ch < " " and ch not in _TEXT_CONTROLS)
    )
    return odd / len(sample) > _BINARY_RATIO


def _decode_any(raw: bytes) -> tuple[str, list[str]]:
    """Pick the codec from the BOM; UTF-16/32 must be checked before the NUL sniff."""
    if raw.startswith(_UTF32_BOMS):
        return _decode(raw, "utf-32", "UTF-32")
    if raw.startswith(_UTF16_BOMS):
        return _decode(raw, "utf-16", "UTF-16")
    if b"\x00" in raw[:SNIFF_BYTES]:
        raise BinaryFile(BINARY)
    if raw.startswith(codecs.BOM_UTF8):
        return _decode(raw[len(codecs.BOM_UTF8) :], "utf-8", "UTF-8")
    return _decode(raw, "utf-8", "UTF-8")


def decode_note(raw: bytes) -> tuple[str, list[str]]:
    """Text with BOM removed and newlines normalised to \\n, plus decode warnings.

    Raises BinaryFile when the bytes are not text.
    """
    text, warnings = _decode_any(raw)
    if _looks_binary(text) or "\x00" in text[:SNIFF_BYTES]:
        raise BinaryFile(BINARY)
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings
