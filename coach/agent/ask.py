"""Ask: retrieve notes and principles, answer with the passages themselves (cited, grouped by who
said it and when), and — with a capable model — a checked summary beside them (written by an agent that
looks things up through tools when the model can call them, see coach.agent.agent_run); keep the conversation."""

from __future__ import annotations

import asyncio
import functools
import re
from contextlib import aclosing
from dataclasses import dataclass

from coach import providers
from coach.agent import context as ctx_mod
from coach.agent.citations import Checked, check_answer, drop_dangling, open_construct
from coach.agent.events import (
    AskResult,
    Citation,
    DoneEvent,
    FailedEvent,
    QuotesEvent,
    RetryingEvent,
    SourcesEvent,
    StepEvent,
    TokenEvent,
)
from coach.agent.extractive import NOT_FOUND, Extract, build_extract  # noqa: F401 — NOT_FOUND is part of ask's face
from coach.agent.history import ConversationLog, as_pairs
from coach.agent.support import SupportCheck
from coach.errors import CoachError, IndexStateError
from coach.retrieval.search import SearchFilters
from coach.text import sentence_spans

NOTES_K = 5
PRINCIPLES_K = 2
AGENT_CONTEXT_SHARE = 0.5  # agent mode: half the notes budget goes in the prompt, half to what its tools return
MIN_TOOL_CHARS = 2000  # however small the window, the tools may return a passage or two
MAX_WORDS = 200  # the bar: no summary longer than this, whatever the model does
MIN_USEFUL_WORDS = 3  # fewer real words than this and there is no summary at all
SUMMARY_HEAD = "**Coach's summary** (written by the model from the passages above; check it against them):"
_ECHO = re.compile(r"^\s*(?:assistant|answer|coach|a)\s*:\s*", re.IGNORECASE)
NO_ANSWER_FILLER = "(none)"  # a small model's filler for "nothing to say": never part of an answer
ECHO_GRAM = 5  # five words in a row from the prompt's own rules is recitation, not an answer
NEAR_REPEAT = 0.6  # word-set overlap (Jaccard) at which a sentence is the same point said again
REPEAT_RUN = 8  # eight words in a row said twice is a loop, not emphasis
LONG_SENTENCE = 40  # words without a full stop after which the sentence is shown as it streams
_CONTRACTION = re.compile(r"'(re|m|ve|ll|d)\b|n't\b")
_EXPAND = {"re": " are", "m": " am", "ve": " have", "ll": " will", "d": " would", None: " not"}


def prose_enabled(settings) -> bool:
    """Whether a model writes a summary: `ask_prose`, where auto means only with a model the provider
    registry trusts to write prose — never the bundled SmolLM2 (a user's own GGUF, or any server, is)."""
    mode = getattr(settings, "ask_prose", "auto")
    if mode != "auto":
        return mode == "always"
    return providers.writes_trustworthy_prose(settings)


async def stream_answer(service, question: str, history: list, conversation_id: str | None = None,
                        kind: str | None = None):
    """SourcesEvent, QuotesEvent, (with prose) TokenEvent..., then DoneEvent — or FailedEvent with the
    partial; never raises except CancelledError (after saving the partial as interrupted)."""
    question = " ".join(ctx_mod.clean_text(question).split())
    turns = as_pairs(history)
    prose = prose_enabled(service.settings)
    agent = prose and _agent_mode(service.settings)
    log = None
    try:
        log = ConversationLog.start(service.settings, conversation_id, question)
        found = await _gather(service, question, turns, prose, kind, AGENT_CONTEXT_SHARE if agent else 1.0)
    except CoachError as error:
        saved_in = log.id if log is not None else conversation_id
        yield FailedEvent(error, AskResult(question, "", [], [], False, "interrupted", saved_in))
        return
    run = _Run(question, found, log, prose, agent)
    yield SourcesEvent(found.extract.hits, run.found, log.id)
    yield QuotesEvent(found.extract.markdown, found.extract.quotes, run.prose)
    async with aclosing(run.generate(service, turns)) as events:  # closing us closes it, saving the partial
        async for event in events:
            yield event


def _agent_mode(settings) -> bool:
    from coach.llm.capabilities import agent_mode

    return agent_mode(settings)


def answer_blocking(service, question: str, history: list, kind: str | None = None) -> AskResult:
    """Collect the stream; a failure raises its CoachError (with `.partial` attached)."""

    async def collect() -> AskResult:
        async for event in stream_answer(service, question, history, None, kind):
            if isinstance(event, DoneEvent):
                return event.result
            if isinstance(event, FailedEvent):
                event.error.partial = event.partial
                raise event.error
        raise CoachError("The answer stream ended without a result.")

    return asyncio.run(collect())


# -- retrieval, passages and prompt --------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What one question found: the extractive answer and, for a summary, the prompt's context."""

    extract: Extract
    context: ctx_mod.Context
    embedder: object | None


def _retrieve(service, question: str, turns: list[tuple[str, str]], kind: str | None = None):
    """Notes and principles searched separately; a short follow-up borrows the previous question's words.
    Saved conversations are searched only when asked for by kind."""
    query = question
    if turns and len(question.split()) < 8:
        query = f"{turns[-1][0]} {question}"
    notes = service.engine.search(query, NOTES_K, SearchFilters(source="notes", kind=kind))
    principles = service.engine.search(query, PRINCIPLES_K, SearchFilters(source="knowledge"))
    return (
        [] if notes.nothing_relevant else [h for h in notes.hits if h.source == "notes"],
        [] if principles.nothing_relevant else [h for h in principles.hits if h.source == "knowledge"],
    )


def _found(service, question: str, turns, kind: str | None, share: float = 1.0) -> Found:
    """Search, then expand the best passages (the query embedder is loaded by then)."""
    from coach import paths

    notes, principles = _retrieve(service, question, turns, kind)
    embedder = getattr(service.engine, "query_embedder", None)
    roots = {"notes": service.engine.notes_dir(), "knowledge": paths.knowledge_dir()}
    extract = build_extract(question, notes, principles, roots, embedder)
    context = ctx_mod.build_context([q.hit for q in extract.notes], principles,
                                    int(ctx_mod.budget_chars(service.settings) * share), question=question)
    return Found(extract, context, embedder)


async def _gather(service, question: str, turns, prose: bool, kind: str | None = None, share: float = 1.0) -> Found:
    try:
        jobs = [asyncio.to_thread(_found, service, question, turns, kind, share)]
        if prose:  # while the notes are searched, the local model loads and reads the fixed system text
            jobs.append(asyncio.to_thread(_warm_quietly, service))
        found, *_ = await asyncio.gather(*jobs)
    except CoachError:
        raise
    except Exception as exc:  # the stream's contract: failures become events, never raises
        raise IndexStateError(f"Searching the notes failed: {exc}. `coach index --rebuild` may fix it.") from exc
    return found


def prompt_messages(service, question: str, history: list = ()) -> list:
    """The messages an ask would send the model now (for benchmarks and debugging)."""
    turns = as_pairs(list(history))
    return _messages(question, asyncio.run(_gather(service, question, turns, False)).context, turns)


def warm_up_messages() -> list:
    """A minimal ask-shaped prompt: the real system text and a one-word question."""
    from coach.llm.prompts import load_prompt

    return load_prompt(ctx_mod.ASK_PROMPT).messages(history="", notes="", principles="", question="Hello")


def warm_up(service) -> None:
    """Have the bundled local model read the ask system text once, ahead of the first question:
    llama.cpp keeps it evaluated, so the first answer waits only for its notes and question.
    Other providers are never called for this, and no model loads when answers are extractive."""
    from coach.llm.llamacpp import ChatLlamaCpp

    if not prose_enabled(service.settings) or not providers.provider_for(service.settings).in_process:
        return
    if isinstance(service.chat_model, ChatLlamaCpp):
        service.chat_model.invoke(warm_up_messages(), max_tokens=1)


def _warm_quietly(service) -> None:
    """warm_up, whose failure is left for the answer itself to report where the user sees it."""
    try:
        warm_up(service)
    except Exception:
        pass


def _messages(question: str, context, turns: list[tuple[str, str]], prompt: str = ctx_mod.ASK_PROMPT):
    """prompts/<prompt>.yaml (ask, or agent) filled for this question (see coach.agent.context.render)."""
    return ctx_mod.render(context, question, turns, prompt)


# -- one answer --------------------------------------------------------------------------------


class _Run:
    """One answer: the quotes (always), the model's summary (with prose) under its guard, and the log."""

    def __init__(self, question: str, found: Found, log: ConversationLog, prose: bool, agent: bool = False) -> None:
        self.question, self.found_set, self.log = question, found, log
        self.context, self.extract = found.context, found.extract
        self.found = bool(found.extract.notes)
        self.agent = agent  # the model searches for itself: it may find what the first search did not
        self.prose = prose and (bool(self.context.hits) or agent)
        self.toolbox = None
        self.rewritten = False  # text shown in an earlier agent turn that turned out not to be the answer
        self._stale = False
        self.guard = self._new_guard()

    def _new_guard(self) -> _Guard:
        """The guard over the model's text, checking against every passage it has been given so far."""
        hits = self.context.hits + [h for h in (self.toolbox.hits if self.toolbox else []) if h not in self.context.hits]
        support = SupportCheck(hits, self.found_set.embedder, [q.text for q in self.found_set.extract.quotes])
        return _Guard(self.question, hits, MAX_WORDS, support)

    def _stream(self, service, turns):
        """The model's chunks: the agent's (with its steps) in agent mode, else the one prompt's."""
        if not self.agent:
            from coach.agent.model_stream import model_stream  # loads LangChain: only when a model writes

            messages = _messages(self.question, self.context, turns)
            self.guard.watch_for_echo(messages[0].content if len(messages) > 1 else "")
            return model_stream(service, messages)
        from coach.agent.agent_run import agent_stream
        from coach.agent.tools import Toolbox

        messages = _messages(self.question, self.context, turns, prompt="agent")
        used = len(self.context.notes_block) + len(self.context.principles_block)
        room = ctx_mod.budget_chars(service.settings) - used  # the window's other share goes to the tools
        self.toolbox = Toolbox(service, nonce=self.context.nonce, budget=max(room, MIN_TOOL_CHARS))
        self._echo = messages[0].content
        self.guard.watch_for_echo(self._echo)
        return agent_stream(service, self.toolbox, messages, fallback=_messages(self.question, self.context, turns))

    def _turn_text(self, chunk) -> str:
        """Feed one chunk to the guard; a new agent turn starts a new guard (with what the tools found)."""
        from coach.agent.agent_run import NEW_TURN

        if self.agent and chunk is NEW_TURN:
            self._stale = True
            return ""
        if self._stale:  # the tools have run by the time the model writes again
            self.rewritten = self.rewritten or bool(self.guard.shown)
            self.guard, self._stale = self._new_guard(), False
            self.guard.watch_for_echo(self._echo)
        return self.guard.feed(_chunk_text(chunk))

    async def generate(self, service, turns):
        if not self.prose:
            yield DoneEvent(self._save(Checked("", []), "complete"))
            return
        try:
            async with aclosing(self._stream(service, turns)) as stream:
                async for chunk in stream:
                    if isinstance(chunk, RetryingEvent | StepEvent):
                        yield chunk  # a retry: nothing was shown yet; a step: what the agent looked up
                        continue
                    delta = self._turn_text(chunk)
                    if delta:
                        yield TokenEvent(delta)
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
        checked = self.guard.finish()
        if not _useful(checked.text):
            checked = Checked("", checked.citations)
        rewritten = self.rewritten or not checked.text.startswith(self.guard.shown)
        if not rewritten and checked.text[len(self.guard.shown):]:
            yield TokenEvent(checked.text[len(self.guard.shown):])
        yield DoneEvent(self._save(checked, "complete"), rewritten=rewritten)

    def _save(self, checked: Checked, status: str) -> AskResult:
        extract = self.extract
        quoted = [Citation(ctx_mod.note_label(q.hit), q.hit.path, True) for q in extract.quotes]
        parts = [extract.markdown] + ([f"{SUMMARY_HEAD}\n\n{checked.text}"] if checked.text else [])
        result = AskResult(
            self.question, "\n\n".join(parts), self._sources(), list(dict.fromkeys(quoted + checked.citations)),
            self.found, status, self.log.id, summary=checked.text, lead=extract.lead if extract.notes else "",
            quotes=[q.to_json() for q in extract.quotes],
            dropped_sentences=[v.sentence for v in self.guard.dropped()],
            mode=("agent" if self.agent else "prose") if self.prose else "extractive",
            steps=list(self.toolbox.steps) if self.toolbox else [],
        )
        try:
            self.log.add_answer(result)
        except OSError:
            pass  # history is derived data: losing a record must not lose the answer on screen
        return result


    def _sources(self) -> list:
        """The quoted hits, then (agent mode) every other passage the tools handed the model."""
        hits = list(self.extract.hits)
        seen = {(h.source, h.path, h.start_line, h.end_line) for h in hits}
        for hit in self.toolbox.hits if self.toolbox else []:
            key = (hit.source, hit.path, hit.start_line, hit.end_line)
            if key not in seen and not hit.chunk_id.startswith("commitment:"):  # not a passage: coach's summary
                seen.add(key)
                hits.append(hit)
        return hits


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

    def dropped(self) -> list:
        """The sentences the support check removed, in order, each once."""
        from coach.agent.support import Verdict

        return [Verdict(sentence, reason) for sentence, reason in self._dropped.items()]

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
        text = recital_pattern().sub("", _ECHO.sub("", self.raw.lstrip(), count=1))
        kept, seen, start = [], [], 0
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
