"""Split a note into heading-aware, overlapping passages that fit MiniLM's 256-token window."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from coach.notes.model import Note
from coach.text import Block, read_blocks, sentence_spans

# all-MiniLM-L6-v2 truncates at 256 word pieces; stay well under so the title prefix fits too.
MAX_TOKENS = 200
TARGET_TOKENS = 140
OVERLAP_TOKENS = 30

TokenCounter = Callable[[str], int]


def approx_tokens(text: str) -> int:
    """A cheap upper-bound estimate of word pieces (the fallback when the real tokenizer is missing).

    Words and punctuation for ASCII; one piece per character otherwise (emoji, CJK, accents split)."""
    words = len(text.split())
    punct = sum(1 for ch in text if ch.isascii() and not ch.isalnum() and not ch.isspace())
    other = sum(1 for ch in text if not ch.isascii())
    long_runs = sum(len(word) // 2 for word in text.split() if len(word) > 12)  # URLs, ids, base64
    return int(words * 1.4 + punct + other + long_runs) + 1


@dataclass(frozen=True)
class Chunk:
    """One passage of a note, with the lines it came from."""

    id: str
    path: str
    index: int
    text: str
    heading: str
    start_line: int
    end_line: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Block:
    """A paragraph (or a piece of one) with its 1-based file line span."""

    text: str
    heading: str
    start: int
    end: int


def chunk_id(path: str, index: int) -> str:
    """Stable id: the same path and position always give the same id (upsert replaces it)."""
    digest = hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]
    return f"{digest}-{index:04d}"


def embed_text(title: str, chunk: Chunk, tags: tuple[str, ...] = ()) -> str:
    """What the embedder sees: the passage with its note title, heading and tags for context."""
    context = " / ".join(part for part in (title, chunk.heading, ", ".join(tags)) if part)
    return f"{context}\n{chunk.text}" if context else chunk.text


def chunk_note(note: Note, count: TokenCounter = approx_tokens) -> list[Chunk]:
    """Chunks for a note, in order; an empty body gives none."""
    blocks = _split_long(_paragraphs(read_blocks(note.body, note.body_offset, front_matter=False)), count)
    chunks = []
    for index, group in enumerate(_pack(blocks, count)):
        text = "\n\n".join(block.text for block in group)
        chunks.append(
            Chunk(
                id=chunk_id(note.path, index),
                path=note.path,
                index=index,
                text=text,
                heading=group[-1].heading,
                start_line=group[0].start,
                end_line=group[-1].end,
            )
        )
    return chunks


def _paragraphs(blocks: list[Block]) -> list[_Block]:
    """Paragraphs as written (blocks on adjacent lines joined); a heading starts a new one and sets context.

    A heading with nothing under it is kept as a line of text, so it is still found."""
    out: list[_Block] = []
    lines: list[str] = []
    heading, bare, start, end = "", None, 0, 0
    for block in blocks:
        if block.kind == "heading":
            _flush(out, lines, heading, start, end)
            _keep_bare(out, bare, heading)
            heading, bare, lines = block.text, (block.text, block.start), []
            continue
        if lines and block.start > end + 1:
            _flush(out, lines, heading, start, end)
            lines = []
        if not lines:
            start = block.start
        bare, end = None, block.end
        lines.extend(line.rstrip() for line in block.raw.split("\n"))
    _flush(out, lines, heading, start, end)
    _keep_bare(out, bare, heading)
    return out


def _keep_bare(blocks: list[_Block], bare: tuple[str, int] | None, heading: str) -> None:
    """A heading followed by no text would otherwise vanish from the index: keep it as a line."""
    if bare is not None and bare[0]:
        blocks.append(_Block(bare[0], heading, bare[1], bare[1]))


def _flush(blocks: list[_Block], lines: list[str], heading: str, start: int, end: int) -> None:
    if lines:
        blocks.append(_Block("\n".join(lines), heading, start, end))


def _split_long(blocks: list[_Block], count: TokenCounter) -> list[_Block]:
    """Break paragraphs over the limit at sentence ends, then at word boundaries."""
    out: list[_Block] = []
    for block in blocks:
        if count(block.text) <= MAX_TOKENS:
            out.append(block)
            continue
        for piece in _pieces(block.text, count):
            out.append(_Block(piece, block.heading, block.start, block.end))
    return out


def _pieces(text: str, count: TokenCounter) -> list[str]:
    """A long paragraph in pieces of whole sentences, the line breaks between them kept as written."""
    pieces: list[str] = []
    current, previous_end = "", 0
    for start, end in sentence_spans(text):
        gap = "\n" if "\n" in text[previous_end:start] else " "
        previous_end = end
        for part in _hard_wrap(text[start:end].strip(), count):
            candidate = f"{current}{gap}{part}".strip()
            if current and count(candidate) > TARGET_TOKENS:
                pieces.append(current)
                candidate = part
            current, gap = candidate, " "
    if current:
        pieces.append(current)
    return pieces


def _hard_wrap(sentence: str, count: TokenCounter) -> list[str]:
    """A sentence longer than the limit (or one enormous 'word') is cut into fitting runs.

    Sizes are summed word by word (linear), not re-counted per join, so a 100k-character line is quick."""
    if count(sentence) <= MAX_TOKENS:
        return [sentence]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for word in _bounded_words(sentence):
        pieces = count(word)
        if current and size + pieces > TARGET_TOKENS:
            parts.append(" ".join(current))
            current, size = [], 0
        current.append(word)
        size += pieces
    if current:
        parts.append(" ".join(current))
    return parts


def _bounded_words(sentence: str, width: int = 40) -> list[str]:
    """Words, with any run longer than `width` characters (URLs, base64) cut into pieces."""
    words: list[str] = []
    for word in sentence.split():
        words.extend(word[i : i + width] for i in range(0, len(word), width))
    return words


def _pack(blocks: list[_Block], count: TokenCounter) -> list[list[_Block]]:
    """Greedy packing to TARGET_TOKENS per chunk, repeating the previous block when it is short (overlap)."""
    groups: list[list[_Block]] = []
    current: list[_Block] = []
    for block in blocks:
        size = count("\n\n".join(b.text for b in current + [block]))
        if current and (size > TARGET_TOKENS or block.heading != current[-1].heading):
            groups.append(current)
            tail = current[-1]
            overlap = count(tail.text) <= OVERLAP_TOKENS and tail.heading == block.heading
            current = [tail] if overlap and count(tail.text + block.text) <= MAX_TOKENS else []
        current.append(block)
    if current:
        groups.append(current)
    return groups
