"""Ask: retrieve notes and principles, stream a short cited answer, check it, keep the conversation."""

from __future__ import annotations

import asyncio
import re
from contextlib import aclosing

from coach.agent import context as ctx_mod
from coach.agent.citations import Checked, check_answer, drop_dangling, open_construct
from coach.agent.events import AskResult, DoneEvent, FailedEvent, RetryingEvent, SourcesEvent, TokenEvent
from coach.agent.history import ConversationLog, as_pairs
from coach.agent.model_stream import model_stream
from coach.errors import CoachError, IndexStateError
from coach.retrieval.search import SearchFilters
from coach.text import sentence_spans

NOTES_K = 5
PRINCIPLES_K = 2
MAX_WORDS = 200  # the bar: no answer longer than this, whatever the model does
GROUNDING_WORDS = 30  # the quote added to an answer that cites no retrieved source
MIN_USEFUL_WORDS = 3  # fewer real words than this and the extractive fallback answers instead
NOT_FOUND = "I couldn't find this in your notes."
GENERAL = "General guidance from the principles (not your notes):"
NOTHING_AT_ALL = "Nothing in the principles library covers it either. Try other words, or run `coach index` if you added notes."
_ECHO = re.compile(r"^\s*(?:assistant|answer|coach|a)\s*:\s*", re.IGNORECASE)
_TEMPLATE_LINE = re.compile(
    r"^\s*(?:Conversation so far:|Your notes \(|Principles \(general|Question:|Q:).*$\n?|\(none\)", re.MULTILINE
)
ECHO_GRAM = 5  # five words in a row from the prompt's own rules is recitation, not an answer
NEAR_REPEAT = 0.6  # word-set overlap (Jaccard) at which a sentence is the same point said again
REPEAT_RUN = 8  # eight words in a row said twice is a loop, not emphasis
LONG_SENTENCE = 40  # words without a full stop after which the sentence is shown as it streams
_CONTRACTION = re.compile(r"'(re|m|ve|ll|d)\b|n't\b")
_EXPAND = {"re": " are", "m": " am", "ve": " have", "ll": " will", "d": " would", None: " not"}


async def stream_answer(service, question: str, history: list, conversation_id: str | None = None):
    """SourcesEvent, TokenEvent..., then DoneEvent — or FailedEvent with the partial; never raises
    except CancelledError (after saving the partial as interrupted)."""
    question = " ".join(ctx_mod.clean_text(question).split())
    turns = as_pairs(history)
    log = None
    try:
        log = ConversationLog.start(service.settings, conversation_id, question)
        context = await _gather(service, question, turns)
    except CoachError as error:
        saved_in = log.id if log is not None else conversation_id
        yield FailedEvent(error, AskResult(question, "", [], [], False, "interrupted", saved_in))
        return
    run = _Run(question, context, log)
    yield SourcesEvent(context.hits, run.found, log.id)
    async with aclosing(run.generate(service, turns)) as events:  # closing us closes it, saving the partial
        async for event in events:
            yield event


def answer_blocking(service, question: str, history: list) -> AskResult:
    """Collect the stream; a failure raises its CoachError (with `.partial` attached)."""

    async def collect() -> AskResult:
        async for event in stream_answer(service, question, history, None):
            if isinstance(event, DoneEvent):
                return event.result
            if isinstance(event, FailedEvent):
                event.error.partial = event.partial
                raise event.error
        raise CoachError("The answer stream ended without a result.")

    return asyncio.run(collect())


# -- retrieval and prompt ----------------------------------------------------------------------


def _retrieve(service, question: str, turns: list[tuple[str, str]]):
    """Notes and principles searched separately; a short follow-up borrows the previous question's words."""
    query = question
    if turns and len(question.split()) < 8:
        query = f"{turns[-1][0]} {question}"
    notes = service.engine.search(query, NOTES_K, SearchFilters(source="notes"))
    principles = service.engine.search(query, PRINCIPLES_K, SearchFilters(source="knowledge"))
    return (
        [] if notes.nothing_relevant else [h for h in notes.hits if h.source == "notes"],
        [] if principles.nothing_relevant else [h for h in principles.hits if h.source == "knowledge"],
    )


async def _gather(service, question: str, turns):
    try:
        # While the notes are searched, the local model loads and reads the fixed system text.
        (notes, principles), _ = await asyncio.gather(
            asyncio.to_thread(_retrieve, service, question, turns), asyncio.to_thread(_warm_quietly, service)
        )
    except CoachError:
        raise
    except Exception as exc:  # the stream's contract: failures become events, never raises
        raise IndexStateError(f"Searching the notes failed: {exc}. `coach index --rebuild` may fix it.") from exc
    return ctx_mod.build_context(notes, principles, ctx_mod.budget_chars(service.settings), question=question)


def prompt_messages(service, question: str, history: list = ()) -> list:
    """The messages an ask would send the model now (for benchmarks and debugging)."""
    turns = as_pairs(list(history))
    return _messages(question, asyncio.run(_gather(service, question, turns)), turns)


def warm_up_messages() -> list:
    """A minimal ask-shaped prompt: the real system text and a one-word question."""
    from coach.llm.prompts import load_prompt

    return load_prompt("ask").messages(history="", context="", question="Hello")


def warm_up(service) -> None:
    """Have the bundled local model read the ask system text once, ahead of the first question:
    llama.cpp keeps it evaluated, so the first answer waits only for its notes and question.
    Other providers are never called for this."""
    from coach.llm.llamacpp import ChatLlamaCpp

    if service.settings.llm_provider == "llamacpp" and isinstance(service.chat_model, ChatLlamaCpp):
        service.chat_model.invoke(warm_up_messages(), max_tokens=1)


def _warm_quietly(service) -> None:
    """warm_up, whose failure is left for the answer itself to report where the user sees it."""
    try:
        warm_up(service)
    except Exception:
        pass


def _messages(question: str, context, turns: list[tuple[str, str]]):
    from coach.llm.prompts import load_prompt

    return load_prompt("ask").messages(
        history=ctx_mod.history_text(turns),
        context=context.text,
        question=ctx_mod.escape_delimiters(question),
    )


# -- one answer --------------------------------------------------------------------------------


class _Run:
    """One generation: the guard over the model's text, the prefix code adds, and the log."""

    def __init__(self, question: str, context, log: ConversationLog) -> None:
        self.question, self.context, self.log = question, context, log
        self.found = bool(context.notes)
        self.prefix = "" if self.found else f"{NOT_FOUND} {GENERAL if context.principles else NOTHING_AT_ALL}"
        reserve = GROUNDING_WORDS + 8 if context.hits else 0  # room for a quote if the model cites nothing
        self.guard = _Guard(question, context.hits, MAX_WORDS - len(self.prefix.split()) - reserve)

    async def generate(self, service, turns):
        if self.prefix:
            yield TokenEvent(self.prefix)
        try:
            if self.context.hits:
                messages = _messages(self.question, self.context, turns)
                self.guard.watch_for_echo(messages[0].content if len(messages) > 1 else "")
                async with aclosing(model_stream(service, messages)) as stream:
                    async for chunk in stream:
                        if isinstance(chunk, RetryingEvent):
                            yield chunk  # nothing was shown yet; the UI says it is retrying
                            continue
                        delta = self.guard.feed(_chunk_text(chunk))
                        if delta:
                            yield TokenEvent(self._spaced(delta))
                        if self.guard.stopped:
                            break
        except (asyncio.CancelledError, GeneratorExit):
            self._save(self.guard.finish(), "interrupted")
            raise
        except Exception as exc:  # noqa: BLE001 — any provider failure becomes a FailedEvent with the partial
            from coach.llm.errors import provider_error

            if _empty_reply(exc, self.guard.raw):
                async for event in self._finish():
                    yield event
                return
            error = provider_error(exc, service.settings, partial=bool(self.guard.raw))
            yield FailedEvent(error, self._save(self.guard.finish(), "interrupted"))
            return
        async for event in self._finish():
            yield event

    async def _finish(self):
        checked, rewritten = self._final()
        if not rewritten and checked.text[len(self.guard.shown):]:
            yield TokenEvent(self._spaced(checked.text[len(self.guard.shown):]))
        yield DoneEvent(self._save(checked, "complete"), rewritten=rewritten)

    def _spaced(self, delta: str) -> str:
        """The first model text after code's prefix needs a space."""
        first = self.prefix and not self.guard.emitted_any
        self.guard.emitted_any = True
        return f" {delta.lstrip()}" if first else delta

    def _final(self) -> tuple[Checked, bool]:
        """The checked answer; the extractive fallback when the model gave nothing useful."""
        checked = self.guard.finish()
        if _useful(checked.text):
            checked = self._grounded(checked)
            return checked, not checked.text.startswith(self.guard.shown)
        if not self.context.hits:
            return Checked("", []), False
        fallback = check_answer(ctx_mod.extractive_answer(self.context), self.context.hits, self.question)
        return fallback, bool(self.guard.shown)

    def _grounded(self, checked: Checked) -> Checked:
        """An answer that cites nothing real gets the top passage quoted after it, so what the user
        reads is always tied to a source (the small model often forgets to cite, or cites wrongly)."""
        if any(c.verified for c in checked.citations):
            return checked
        intro = "From your notes:" if self.context.notes else "From the principles:"
        quote = check_answer(ctx_mod.extractive_answer(self.context, 1, GROUNDING_WORDS, intro), self.context.hits)
        return Checked(f"{checked.text} {quote.text}", checked.citations + quote.citations)

    def _save(self, checked: Checked, status: str) -> AskResult:
        answer = " ".join(part for part in (self.prefix, checked.text) if part)
        result = AskResult(self.question, answer, list(self.context.hits), checked.citations, self.found, status,
                           self.log.id)
        try:
            self.log.add_answer(result)
        except OSError:
            pass  # history is derived data: losing a record must not lose the answer on screen
        return result


def _chunk_text(chunk) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else []
    return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in parts if isinstance(p, (str, dict)))


def _empty_reply(exc: Exception, raw: str) -> bool:
    """LangChain raises ValueError when a model streams nothing at all: that is an empty answer, not a failure."""
    return isinstance(exc, ValueError) and not raw and "No generation chunks" in str(exc)


def _useful(text: str) -> bool:
    """Enough real words outside citations to be an answer at all."""
    return len(re.findall(r"\w{2,}", re.sub(r"\[[^\]]*\]", " ", text))) >= MIN_USEFUL_WORDS


# -- the guard over the model's text -----------------------------------------------------------


class _Guard:
    """Shows the model's text sentence by sentence once each is settled: not a repeat (exact or near)
    of an earlier one, not an echo of the prompt, citations checked, links vetted; stops at the first
    repeat or at the word cap. Whole sentences keep what was shown a prefix of the final answer."""

    def __init__(self, question: str, sources: list, max_words: int) -> None:
        self.question, self.sources, self.max_words = question, sources, max_words
        self.echo: set[tuple[str, ...]] = set()
        self.raw = self.shown = ""
        self.stopped = self.emitted_any = False

    def watch_for_echo(self, prompt: str) -> None:
        self.echo = _grams(_words(prompt), ECHO_GRAM)

    def feed(self, chunk: str) -> str:
        self.raw += chunk
        text, self.stopped = self._settle(final=False)
        checked = check_answer(text[: open_construct(text)], self.sources, self.question).text
        if not self.shown and not _useful(checked):
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
        text = _TEMPLATE_LINE.sub("", _ECHO.sub("", self.raw.lstrip(), count=1))
        kept, seen, start = [], [], 0
        pieces = [(end, True) for end in _settled_ends(text)] + [(len(text), False)]
        for end, whole in pieces:
            piece, start = text[start:end], end
            if not whole and not final:
                long = len(piece.split()) > LONG_SENTENCE  # a run-on is shown as it goes, minus the last word
                piece = piece[: max(piece.rfind(" "), 0)] if long else ""
            words = _words(piece)
            if _repeats(words, seen):
                return _cap_words("".join(kept).rstrip(), self.max_words)[0], True
            if not self._is_echo(words):
                kept.append(piece)
                seen.append(words)
        return _cap_words("".join(kept), self.max_words)

    def _is_echo(self, words: list[str]) -> bool:
        """The question repeated, or a run of the prompt's own wording (the small model recites it)."""
        if words and words == _words(self.question):
            return True
        return bool(_grams(words, ECHO_GRAM) & self.echo)


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
