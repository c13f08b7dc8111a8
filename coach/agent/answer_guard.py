"""The guard over a model's streamed text: shows it sentence by sentence once each is settled, and only
sentences that are not a repeat, not an echo of the prompt, supported by a retrieved passage and cited
correctly; stops at the first loop or at the word cap (used by coach.agent.answer_run)."""

from __future__ import annotations

import functools
import re

from coach.agent import context as ctx_mod
from coach.agent.citations import Checked, check_answer, drop_dangling, open_construct
from coach.agent.support import SupportCheck, Verdict
from coach.text import sentence_spans

MAX_WORDS = 200  # the bar: no summary longer than this, whatever the model does
MIN_USEFUL_WORDS = 3  # fewer real words than this and there is no summary at all
_ECHO = re.compile(r"^\s*(?:assistant|answer|coach|a)\s*:\s*", re.IGNORECASE)
NO_ANSWER_FILLER = "(none)"  # a small model's filler for "nothing to say": never part of an answer
ECHO_GRAM = 5  # five words in a row from the prompt's own rules is recitation, not an answer
NEAR_REPEAT = 0.6  # word-set overlap (Jaccard) at which a sentence is the same point said again
REPEAT_RUN = 8  # eight words in a row said twice is a loop, not emphasis
LONG_SENTENCE = 40  # words without a full stop after which the sentence is shown as it streams
_CONTRACTION = re.compile(r"'(re|m|ve|ll|d)\b|n't\b")
_EXPAND = {"re": " are", "m": " am", "ve": " have", "ll": " will", "d": " would", None: " not"}


def useful(text: str) -> bool:
    """Enough real words outside citations to be an answer at all."""
    return len(re.findall(r"\w{2,}", re.sub(r"\[[^\]]*\]", " ", text))) >= MIN_USEFUL_WORDS


class Guard:
    """Shows the model's text sentence by sentence once each is settled: not a repeat (exact or near)
    of an earlier one, not an echo of the prompt, supported by a retrieved passage (see
    coach.agent.support), citations checked, links vetted; stops at the first repeat or at the word
    cap. Whole sentences keep what was shown a prefix of the final answer."""

    def __init__(self, question: str, sources: list, max_words: int, support: SupportCheck | None = None) -> None:
        self.question, self.sources, self.max_words = question, sources, max_words
        self.support = support
        self.echo: set[tuple[str, ...]] = set()
        self.raw = self.shown = ""
        self.stopped = self.emitted_any = False
        self._dropped: dict[str, str] = {}

    def dropped(self) -> list[Verdict]:
        """The sentences the support check removed, in order, each once."""
        return [Verdict(sentence, reason) for sentence, reason in self._dropped.items()]

    def watch_for_echo(self, prompt: str) -> None:
        self.echo = _grams(_words(prompt), ECHO_GRAM)

    def feed(self, chunk: str) -> str:
        self.raw += chunk
        text, self.stopped = self._settle(final=False)
        checked = check_answer(text[: open_construct(text)], self.sources, self.question).text
        if not self.shown and not useful(checked):
            return ""  # wait for a few real words: a reply too thin to keep is replaced, never half-shown
        if not checked.startswith(self.shown):
            return ""  # an earlier part changed meaning; the final answer will replace the stream
        delta, self.shown = checked[len(self.shown):], checked
        return delta

    def finish(self) -> Checked:
        text, _ = self._settle(final=True)
        return check_answer(drop_dangling(text), self.sources, self.question)

    def _settle(self, final: bool) -> tuple[str, bool]:
        """Whole sentences that pass (plus the unfinished one when final or very long); True = stop."""
        text = recital_pattern().sub("", _ECHO.sub("", self.raw.lstrip(), count=1))
        kept: list[str] = []
        seen: list[list[str]] = []
        start = 0
        pieces = [(end, True) for end in _settled_ends(text)] + [(len(text), False)]
        for end, whole in pieces:
            piece, start = text[start:end], end
            if not whole and not final:
                # A run-on is shown as it goes, minus the last word — unless every sentence must first be
                # checked against the passages: then it waits for its end (judging it on every token
                # would embed it on every token).
                long = len(piece.split()) > LONG_SENTENCE and self.support is None
                piece = piece[: max(piece.rfind(" "), 0)] if long else ""
            words = _words(piece)
            if _repeats(words, seen):
                return _cap_words("".join(kept).rstrip(), self.max_words)[0], True
            if not self._is_echo(words) and self._supported(piece, whole or final):
                kept.append(piece)
                seen.append(words)
        return _cap_words("".join(kept), self.max_words)

    def _supported(self, piece: str, whole: bool) -> bool:
        """A sentence no retrieved passage supports is dropped (listed once it is whole); a run-on
        still being written is judged as it stands, so nothing unsupported is ever shown."""
        if self.support is None or not piece.strip() or not _words(piece):
            return True
        reason = self.support.reason(piece)
        if reason and whole:
            self._dropped.setdefault(" ".join(piece.split()), reason)
        return reason is None

    def _is_echo(self, words: list[str]) -> bool:
        """The question repeated, or a run of the prompt's own wording (the small model recites it)."""
        if words and words == _words(self.question):
            return True
        return bool(_grams(words, ECHO_GRAM) & self.echo)


def recital_pattern() -> re.Pattern[str]:
    """The prompt's own wording a model may recite: any line that begins like one of the ask prompt's
    labels ("Your notes (", "Question:", "Q:" — read from prompts/ask.yaml), and its set phrases."""
    from coach.llm.prompts import load_prompt

    prompt = load_prompt(ctx_mod.ASK_PROMPT)
    return _compile_recital(prompt.recited_leads(), (*prompt.fixed_parts(), NO_ANSWER_FILLER))


@functools.lru_cache(maxsize=8)
def _compile_recital(leads: tuple[str, ...], phrases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = [rf"^\s*(?:{'|'.join(map(re.escape, leads))}).*$\n?"] if leads else []
    alternatives += [re.escape(phrase) for phrase in phrases if phrase]
    return re.compile("|".join(alternatives) or r"(?!)", re.MULTILINE)


def _settled_ends(text: str) -> list[int]:
    """Where each settled sentence of streamed text ends, its trailing space included: a sentence is
    settled once the next one has begun, or once whitespace follows its final . ! ?"""
    spans = sentence_spans(text)
    ends = [following for (_, _), (following, _) in zip(spans, spans[1:])]
    if spans and text[spans[-1][0]:].rstrip().rstrip("\"')]”’")[-1:] in ".!?" and text[-1:].isspace():
        ends.append(len(text))
    return ends


def _words(text: str) -> list[str]:
    """A sentence's identity: its words, without citations, case, punctuation or contractions."""
    text = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", text).casefold().replace("’", "'")
    return re.findall(r"\w+", _CONTRACTION.sub(lambda m: _EXPAND[m.group(1)], text))


def _grams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def _repeats(words: list[str], seen: list[list[str]]) -> bool:
    """Exactly an earlier sentence (2+ words), mostly the same words (5+ words each), or a long
    run of words said before (the small model loops on clauses as well as sentences)."""
    if len(words) < 2:
        return False
    if _grams(words, REPEAT_RUN) & {g for earlier in seen for g in _grams(earlier, REPEAT_RUN)}:
        return True
    mine = set(words)
    for earlier in seen:
        if words == earlier:
            return True
        theirs = set(earlier)
        if min(len(mine), len(theirs)) >= 5 and len(mine & theirs) / len(mine | theirs) >= NEAR_REPEAT:
            return True
    return False


def _cap_words(text: str, max_words: int) -> tuple[str, bool]:
    spans = list(re.finditer(r"\S+", text))
    if len(spans) <= max_words:
        return text, False
    cut = text[: spans[max_words - 1].end()]
    ends = _settled_ends(cut + " ")
    if ends and ends[-1] >= len(cut) * 0.6:  # end on a whole sentence when that keeps most of it
        return cut[: ends[-1]].rstrip(), True
    return cut.rstrip(" ,;:") + "…", True
