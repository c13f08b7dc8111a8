"""The retrieved passages as the model sees them: sanitised, labelled, nonce-delimited data, capped to fit."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from coach import providers
from coach.retrieval.search import Hit
from coach.text import content_words, sentence_spans

PASSAGE_CHARS = 1200  # one chunk is at most ~256 word pieces; this keeps a runaway chunk from hogging
MIN_PASSAGE_CHARS = 200  # a passage cut shorter than this tells the model nothing
PASSAGES_PER_BUDGET = 3  # a small budget is shared by about this many passages (two notes, a principle)
# The bundled model's budget is the provider registry's (coach.providers); other models get one from their
# window (or the setting), never less than the bundled model's.
SMALL_MODEL_CONTEXT_TOKENS = providers.PROVIDERS["bundled"].ask_context_tokens or 300
LARGE_MODEL_CONTEXT_TOKENS = 3000
CHARS_PER_TOKEN = 3.5  # English notes run ~4 chars a token; block headers (hex nonces) run fewer
HISTORY_CHARS = 700  # follow-ups need the gist of the last turns, not their full text
HEADER_CHARS = 130  # a block's header and footer
ASK_PROMPT = "ask"  # prompts/ask.yaml: its human message holds the blocks; its parts word the history

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
    """What goes into the prompt: the nonce, the two blocks of passages ('' when none) and their hits."""

    nonce: str
    notes: list[Hit]
    principles: list[Hit]
    notes_block: str
    principles_block: str

    @property
    def hits(self) -> list[Hit]:
        return self.notes + self.principles


def render(context: Context, question: str, turns: list[tuple[str, str]], prompt_name: str = ASK_PROMPT) -> list:
    """The messages of prompts/<prompt_name>.yaml (ask, or agent) for this context, question and
    conversation: the system text, then the passages, history and question as the human turn."""
    from coach.llm.prompts import load_prompt

    prompt = load_prompt(prompt_name)
    return prompt.messages(
        history=history_text(turns, prompt_name=prompt_name),
        notes=context.notes_block or prompt.part("no_notes"),
        principles=context.principles_block or prompt.part("no_principles"),
        question=escape_delimiters(question),
    )


def context_tokens(settings) -> int:
    """Tokens of retrieved text an ask may send: the setting, else the provider registry's budget (small
    for the bundled local model: prompt evaluation on the CPU delays the first token), else what the
    model's context window leaves."""
    if settings.ask_context_tokens:
        return settings.ask_context_tokens
    budget = providers.provider_for(settings).ask_context_tokens
    if budget:
        return budget
    room = providers.context_window(settings) - settings.llm_max_tokens - 700  # prompt, history and answer
    return max(SMALL_MODEL_CONTEXT_TOKENS, min(room, LARGE_MODEL_CONTEXT_TOKENS))


def budget_chars(settings) -> int:
    """The context budget in characters."""
    return int(context_tokens(settings) * CHARS_PER_TOKEN)


def build_context(
    notes: list[Hit], principles: list[Hit], max_chars: int, nonce: str | None = None, question: str = ""
) -> Context:
    """Fit the best hits into `max_chars`, notes first; hits arrive best first, so the tail is what drops.
    Each passage is cut to its share of the budget, keeping the sentences closest to the question."""
    nonce = nonce or new_nonce()
    budget = _Budget(max_chars, question)
    kept_notes = _fit(notes, budget, reserve=min(len(principles), 1) * (MIN_PASSAGE_CHARS + HEADER_CHARS))
    kept_principles = _fit(principles, budget, reserve=0)
    return Context(
        nonce,
        [hit for hit, _ in kept_notes],
        [hit for hit, _ in kept_principles],
        _blocks("note", kept_notes, nonce),
        _blocks("principle", kept_principles, nonce),
    )


class _Budget:
    """Characters left, the most one passage may take, and the question passages are cut towards."""

    def __init__(self, chars: int, question: str) -> None:
        self.left = chars
        self.share = min(PASSAGE_CHARS, max(MIN_PASSAGE_CHARS, chars // PASSAGES_PER_BUDGET - HEADER_CHARS))
        self.question = question


def _fit(hits: list[Hit], budget: _Budget, reserve: int) -> list[tuple[Hit, str]]:
    kept = []
    for hit in hits:
        room = min(budget.share, budget.left - reserve - HEADER_CHARS)
        if room < MIN_PASSAGE_CHARS:
            break
        body = focus(as_data(hit.text), budget.question, room)
        budget.left -= len(body) + HEADER_CHARS
        kept.append((hit, body))
    return kept


def focus(text: str, question: str, limit: int) -> str:
    """The passage within `limit` characters: only the sentences sharing words with the question,
    most first, shown in their original order ("…" marks a gap); with none in common, the opening."""
    if len(text) <= limit:
        return text
    pieces = [text[start:end].strip() for start, end in sentence_spans(text)]
    wanted = content_words(question)
    overlap = [len(content_words(piece) & wanted) for piece in pieces]
    if not any(overlap):
        return text[:limit]  # matched on meaning alone: the opening is the best guess
    kept, used = set(), 0
    for i in sorted(range(len(pieces)), key=lambda i: (-overlap[i], i)):
        if overlap[i] and used + len(pieces[i]) + 3 <= limit:  # a space, and at most one "… " gap
            kept.add(i)
            used += len(pieces[i]) + 3
    return _join_kept(pieces, kept) if kept else text[:limit]


def _join_kept(pieces: list[str], kept: set[int]) -> str:
    """Kept sentences in order, with "…" where sentences between them were left out."""
    out, previous = [], -1
    for i in sorted(kept):
        if i != previous + 1:
            out.append("…")
        out.append(pieces[i])
        previous = i
    return " ".join(out)


def _blocks(kind: str, passages: list[tuple[Hit, str]], nonce: str) -> str:
    return "\n".join(_block(kind, number, hit, body, nonce) for number, (hit, body) in enumerate(passages, 1))


def _block(kind: str, number: int, hit: Hit, body: str, nonce: str) -> str:
    # No title: the cite says which note it is, and every header token delays the first answer token.
    head = f'<<{kind} id={number} nonce={nonce} cite="[{note_label(hit)}]">>'
    return f"{head}\n{body}\n<</{kind} nonce={nonce}>>"


def history_text(turns: list[tuple[str, str]], max_turns: int = 3, prompt_name: str = ASK_PROMPT) -> str:
    """The last few turns, briefly, worded by the ask prompt's history parts ('' on a first question:
    nothing for a small model to recite); earlier answers are model text, so they are cleaned like notes."""
    recent = turns[-max_turns:]
    if not recent:
        return ""
    from coach.llm.prompts import load_prompt

    prompt = load_prompt(prompt_name)
    share = HISTORY_CHARS // len(recent)
    lines = [prompt.part("turn", question=_brief(question, share // 3), answer=_brief(answer, share - share // 3))
             for question, answer in recent]
    return prompt.part("history", turns="\n".join(lines))


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
