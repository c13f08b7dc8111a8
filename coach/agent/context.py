"""The retrieved passages as the model sees them: sanitised, labelled, nonce-delimited data, capped to fit."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from coach.retrieval.search import Hit

PASSAGE_CHARS = 1200  # one chunk is at most ~256 word pieces; this keeps a runaway chunk from hogging
MIN_PASSAGE_CHARS = 200  # a passage cut shorter than this tells the model nothing
HISTORY_CHARS = 700  # follow-ups need the gist of the last turns, not their full text
HEADER_CHARS = 160  # a block's header and footer
NO_NOTES = "(no relevant notes were found)"
NO_PRINCIPLES = "(no relevant principles were found)"

# Delimiter look-alikes in note text are defanged so a note can never close (or open) a block.
_SPOOF = re.compile(r"<{2,}|>{2,}|[«»]")
_SPOOF_SWAP = {"<": "‹", ">": "›", "«": "‹", "»": "›"}


def new_nonce() -> str:
    """A fresh random tag per request: a note written earlier cannot know it (spotlighting)."""
    return secrets.token_hex(6)


def clean_text(text: str) -> str:
    """Drop control characters (keeping newline and tab) and invisible format characters
    (zero-width, bidi overrides, Unicode tags, BOM): they hide instructions from a reader."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for ch in text:
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs"):
            kept.append(ch)
    return "".join(kept)


def escape_delimiters(text: str) -> str:
    """Turn any '<<' / '>>' run (a spoofed block delimiter) into look-alike angle quotes."""
    return _SPOOF.sub(lambda m: "".join(_SPOOF_SWAP[ch] for ch in m.group(0)), text)


def as_data(text: str) -> str:
    """Note text made safe to place inside a block."""
    return escape_delimiters(clean_text(text)).strip()


def _attr(text: str) -> str:
    """A value for a block header: one line, no quotes, no delimiters."""
    return " ".join(as_data(text).replace('"', "'").split())[:80]


def note_label(hit: Hit) -> str:
    """How the model should cite this passage (without brackets)."""
    if hit.source == "knowledge":
        return f"principle: {_attr(hit.title or hit.path)}"
    parts = [hit.date or "undated"]
    if hit.mentor:
        parts.append(_attr(hit.mentor))
    return ", ".join(parts)


@dataclass(frozen=True)
class Context:
    """What goes into the prompt: the nonce, the two labelled blocks and the hits they hold."""

    nonce: str
    notes: list[Hit]
    principles: list[Hit]
    notes_block: str
    principles_block: str

    @property
    def hits(self) -> list[Hit]:
        return self.notes + self.principles

    @property
    def text(self) -> str:
        return (
            "Your notes (the mentee's own records):\n" + self.notes_block
            + "\n\nPrinciples (general guidance, not the mentee's notes):\n" + self.principles_block
        )


def budget_chars(settings) -> int:
    """Context that fits the window after the prompt, history and answer (~2.5 chars a token, cautious)."""
    tokens = settings.llm_context - settings.llm_max_tokens - 700
    return int(min(max(tokens * 2.5, 1500), 8000))


def build_context(notes: list[Hit], principles: list[Hit], max_chars: int, nonce: str | None = None) -> Context:
    """Fit the best hits into `max_chars`, notes first; hits arrive best first, so the tail is what drops."""
    nonce = nonce or new_nonce()
    budget = _Budget(max_chars)
    kept_notes = _fit(notes, budget, reserve=min(len(principles), 1) * (MIN_PASSAGE_CHARS + HEADER_CHARS))
    kept_principles = _fit(principles, budget, reserve=0)
    return Context(
        nonce,
        [hit for hit, _ in kept_notes],
        [hit for hit, _ in kept_principles],
        _blocks("note", kept_notes, nonce, NO_NOTES),
        _blocks("principle", kept_principles, nonce, NO_PRINCIPLES),
    )


class _Budget:
    def __init__(self, chars: int) -> None:
        self.left = chars


def _fit(hits: list[Hit], budget: _Budget, reserve: int) -> list[tuple[Hit, str]]:
    kept = []
    for hit in hits:
        body = as_data(hit.text)[:PASSAGE_CHARS]
        room = budget.left - reserve - HEADER_CHARS
        if room < MIN_PASSAGE_CHARS:
            break
        body = body[:room]
        budget.left -= len(body) + HEADER_CHARS
        kept.append((hit, body))
    return kept


def _blocks(kind: str, passages: list[tuple[Hit, str]], nonce: str, empty: str) -> str:
    if not passages:
        return empty
    return "\n".join(_block(kind, number, hit, body, nonce) for number, (hit, body) in enumerate(passages, 1))


def _block(kind: str, number: int, hit: Hit, body: str, nonce: str) -> str:
    title = f' title="{_attr(hit.title)}"' if hit.title and kind == "note" else ""
    head = f'<<{kind} id={number} nonce={nonce} cite="[{note_label(hit)}]"{title}>>'
    return f"{head}\n{body}\n<</{kind} nonce={nonce}>>"


def history_text(turns: list[tuple[str, str]], max_turns: int = 3) -> str:
    """The last few turns, briefly, with their heading ('' on a first question: nothing for a small
    model to recite); earlier answers are model text, so they are cleaned like notes."""
    recent = turns[-max_turns:]
    if not recent:
        return ""
    share = HISTORY_CHARS // len(recent)
    lines = ["Conversation so far:"]
    for question, answer in recent:
        lines.append(f"Q: {_brief(question, share // 3)}")
        lines.append(f"A: {_brief(answer, share - share // 3)}")
    return "\n".join(lines) + "\n\n"


def _brief(text: str, limit: int) -> str:
    flat = " ".join(as_data(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def extractive_answer(context: Context, count: int = 2, words: int = 40, intro: str | None = None) -> str:
    """A grounded answer without the model: the top snippets, each with its citation."""
    hits = (context.notes or context.principles)[:count]
    if intro is None:
        intro = "Here is what your notes say:" if context.notes else ""
    quotes = [f"[{note_label(hit)}] “{_first_words(hit.snippet or hit.text, words)}”" for hit in hits]
    return " ".join([intro, *quotes]).strip()


def _first_words(text: str, limit: int) -> str:
    words = as_data(text).replace("“", "'").replace("”", "'").split()
    return " ".join(words[:limit]) + ("…" if len(words) > limit else "")
