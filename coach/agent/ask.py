"""Ask: retrieve notes and principles, stream a short cited answer, check it, keep the conversation."""

from __future__ import annotations

import asyncio
import re
from contextlib import aclosing
from dataclasses import dataclass, field

from coach.agent import context as ctx_mod
from coach.agent.citations import Checked, check_answer, drop_dangling, open_construct
from coach.agent.events import AskResult, DoneEvent, FailedEvent, SourcesEvent, TokenEvent
from coach.agent.history import ConversationLog
from coach.errors import CoachError, IndexStateError
from coach.retrieval.search import SearchFilters

NOTES_K = 5
PRINCIPLES_K = 2
MAX_WORDS = 200  # the bar: no answer longer than this, whatever the model does
MIN_USEFUL_WORDS = 4  # fewer real words than this and the extractive fallback answers instead
NOT_FOUND = "I couldn't find this in your notes."
GENERAL = "General guidance from the principles (not your notes):"
NOTHING_AT_ALL = "Nothing in the principles library covers it either. Try other words, or run `coach index` if you added notes."
_ECHO = re.compile(r"^\s*(?:assistant|answer|coach|a)\s*:\s*", re.IGNORECASE)
_TEMPLATE_LINE = re.compile(
    r"^\s*(?:Conversation so far:|Your notes \(|Principles \(general|Question:|Q:).*$\n?", re.MULTILINE
)
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*(?=\s)|\n")


async def stream_answer(service, question: str, history: list, conversation_id: str | None = None):
    """SourcesEvent, TokenEvent..., then DoneEvent — or FailedEvent with the partial; never raises
    except CancelledError (after saving the partial as interrupted)."""
    question = " ".join(ctx_mod.clean_text(question).split())
    log = None
    try:
        log = ConversationLog(service.settings, conversation_id)
        log.add_question(question)  # before generation: a crash mid-answer still keeps the question
        turns = _turns(history)
        notes, principles = await asyncio.to_thread(_retrieve, service, question, turns)
        context = ctx_mod.build_context(notes, principles, _context_chars(service.settings))
    except Exception as exc:
        error = exc if isinstance(exc, CoachError) else IndexStateError(f"Search failed: {exc}")
        yield FailedEvent(error, _result(question, Checked("", []), [], False, "interrupted", log))
        return
    run = _Run(question, context, log, found=bool(context.notes))
    yield SourcesEvent(context.hits, run.found)
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


def _turns(history: list) -> list[tuple[str, str]]:
    """Prior turns as (question, answer), from pairs or AskResults."""
    turns = []
    for item in history:
        if isinstance(item, AskResult):
            turns.append((item.question, item.answer))
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            turns.append((str(item[0]), str(item[1])))
    return turns


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


def _context_chars(settings) -> int:
    """What the window holds after the prompt, the history and the answer (~2.5 chars a token, cautious)."""
    tokens = settings.llm_context - settings.llm_max_tokens - 700
    return int(min(max(tokens * 2.5, 1500), 8000))


def _messages(question: str, context, turns: list[tuple[str, str]]):
    from coach.llm.prompts import load_prompt

    return load_prompt("ask").messages(
        nonce=context.nonce,
        history=ctx_mod.history_text(turns),
        context=context.text,
        question=ctx_mod.escape_delimiters(question),
    )


# -- one answer --------------------------------------------------------------------------------


@dataclass
class _Run:
    """One generation: the guard over the model's text, the prefix code adds, and the log."""

    question: str
    context: object
    log: ConversationLog
    found: bool
    guard: _Guard = field(init=False)

    def __post_init__(self) -> None:
        self.prefix = "" if self.found else f"{NOT_FOUND} {GENERAL if self.context.principles else NOTHING_AT_ALL}"
        self.guard = _Guard(self.question, self.context.hits, MAX_WORDS - len(self.prefix.split()))

    async def generate(self, service, turns):
        if self.prefix:
            yield TokenEvent(self.prefix)
        try:
            if self.context.hits:
                async with aclosing(service.chat_model.astream(_messages(self.question, self.context, turns))) as stream:
                    async for chunk in stream:
                        delta = self.guard.feed(_chunk_text(chunk))
                        if delta:
                            yield TokenEvent(self._spaced(delta))
                        if self.guard.stopped:
                            break
        except (asyncio.CancelledError, GeneratorExit):
            self._save(self._partial(), "interrupted")
            raise
        except Exception as exc:
            from coach.llm.errors import provider_error

            error = provider_error(exc, service.settings, partial=bool(self.guard.raw))
            yield FailedEvent(error, self._save(self._partial(), "interrupted"))
            return
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
            return checked, not checked.text.startswith(self.guard.shown)
        if not self.context.hits:
            return Checked("", []), False
        fallback = check_answer(_extractive(self.context), self.context.hits, self.question)
        return fallback, bool(self.guard.shown)

    def _partial(self) -> Checked:
        return self.guard.finish()

    def _save(self, checked: Checked, status: str) -> AskResult:
        result = _result(self.question, checked, self.context.hits, self.found, status, self.log, self.prefix)
        try:
            self.log.add_answer(result)
        except OSError:
            pass  # history is derived data: losing a record must not lose the answer on screen
        return result


def _result(question, checked: Checked, hits, found, status, log, prefix: str = "") -> AskResult:
    answer = " ".join(part for part in (prefix, checked.text) if part)
    return AskResult(question, answer, list(hits), checked.citations, found, status, log.id if log else None)


def _chunk_text(chunk) -> str:
    content = getattr(chunk, "content", chunk)
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else []
    return "".join(p if isinstance(p, str) else str(p.get("text", "")) for p in parts if isinstance(p, (str, dict)))


def _useful(text: str) -> bool:
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= MIN_USEFUL_WORDS


def _extractive(context) -> str:
    """A grounded answer without the model: the top snippets, each with its citation."""
    hits = context.notes[:2] if context.notes else context.principles[:2]
    intro = "Here is what your notes say:" if context.notes else ""
    quotes = [f"[{ctx_mod.note_label(hit)}] “{_words(hit.snippet or hit.text, 40)}”" for hit in hits]
    return " ".join([intro, *quotes]).strip()


def _words(text: str, limit: int) -> str:
    words = ctx_mod.clean_text(text).replace("“", "'").replace("”", "'").split()
    return " ".join(words[:limit]) + ("…" if len(words) > limit else "")


# -- the guard over the model's text -----------------------------------------------------------


class _Guard:
    """Shows the model's text as it streams, but only what is settled: citations checked, links
    vetted, prompt echo dropped; stops at the first repeated sentence or the word cap."""

    def __init__(self, question: str, sources: list, max_words: int) -> None:
        self.question, self.sources, self.max_words = question, sources, max_words
        self.raw = ""
        self.shown = ""
        self.stopped = False
        self.emitted_any = False

    def feed(self, chunk: str) -> str:
        self.raw += chunk
        text, self.stopped = _trim(_strip_echo(self.raw, self.question), self.max_words, final=False)
        settled = drop_dangling(text) if self.stopped else _settled(text, self.question)
        checked = check_answer(settled, self.sources, self.question).text
        if not checked.startswith(self.shown):
            return ""  # an earlier part changed meaning; the final answer will replace the stream
        delta, self.shown = checked[len(self.shown):], checked
        return delta

    def finish(self) -> Checked:
        text, _ = _trim(_strip_echo(self.raw, self.question), self.max_words, final=True)
        return check_answer(drop_dangling(text), self.sources, self.question)


def _strip_echo(raw: str, question: str) -> str:
    """Drop a role label, a repeat of the question and lines of our own prompt template."""
    text = _ECHO.sub("", raw.lstrip(), count=1)
    if question and text.casefold().startswith(question.casefold()):
        text = text[len(question):].lstrip(" ?:\n")
    return _TEMPLATE_LINE.sub("", text)


def _trim(text: str, max_words: int, final: bool) -> tuple[str, bool]:
    """Cut at the first repeated sentence or at the word cap; True when generation should stop."""
    seen: set[str] = set()
    start = 0
    for match in _SENTENCE_END.finditer(text):
        key = _key(text[start:match.end()])
        if key and key in seen:
            return text[:start].rstrip(), True
        seen.add(key)
        start = match.end()
    if final and _key(text[start:]) in seen - {""}:
        text = text[:start].rstrip()
    return _cap_words(text, max_words)


def _key(sentence: str) -> str:
    """A sentence's identity: its words, without citations, case or punctuation (2+ words only)."""
    key = _words_key(sentence)
    return key if " " in key else ""


def _words_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", text).casefold()))


def _cap_words(text: str, max_words: int) -> tuple[str, bool]:
    spans = list(re.finditer(r"\S+", text))
    if len(spans) <= max_words:
        return text, False
    cut = text[: spans[max_words - 1].end()]
    ends = [m.end() for m in _SENTENCE_END.finditer(cut + " ")]
    if ends and ends[-1] >= len(cut) * 0.6:  # end on a whole sentence when that keeps most of it
        return cut[: ends[-1]].rstrip(), True
    return cut.rstrip(" ,;:") + "…", True


def _settled(text: str, question: str) -> str:
    """The part of the text that can be shown now: not the word being typed, not an open citation
    or link, not a sentence that so far repeats an earlier one."""
    if not text or (question and question.casefold().startswith(text.strip().casefold())):
        return ""  # could still be the model echoing the question
    end = len(text) if text[-1:].isspace() else max(text.rfind(" "), text.rfind("\n"), 0)
    text = text[:end]
    text = text[: open_construct(text)]
    return text[: _repeat_start(text)].rstrip()


def _repeat_start(text: str) -> int:
    """Hold back the sentence in progress while it could still turn out to repeat an earlier one."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    start = ends[-1] if ends else 0
    keys = [_key(text[a:b]) for a, b in zip([0, *ends], ends)]
    current = _words_key(text[start:])
    if current and any(k.startswith(current) for k in keys if k):
        return start
    return len(text)
