"""Ask: retrieve notes and principles, answer with the passages themselves (cited, grouped by who
said it and when), and — with a capable model — a checked summary beside them (written by an agent that
looks things up through tools when the model can call them, see coach.agent.agent_run); keep the conversation."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from contextlib import aclosing
from typing import Any

from coach import providers
from coach.agent import context as ctx_mod
from coach.agent.answer_guard import MAX_WORDS
from coach.agent.answer_run import SUMMARY_HEAD, AnswerRun, Found
from coach.agent.events import AskResult, DoneEvent, FailedEvent, QuotesEvent, SourcesEvent
from coach.agent.extractive import NOT_FOUND, build_extract
from coach.agent.history import ConversationLog, as_pairs
from coach.errors import CoachError, IndexStateError
from coach.retrieval.search import SearchFilters

__all__ = ["MAX_WORDS", "NOT_FOUND", "SUMMARY_HEAD", "answer_blocking", "prompt_messages", "prose_enabled",
           "stream_answer", "warm_up", "warm_up_messages"]

NOTES_K = 5
PRINCIPLES_K = 2
AGENT_CONTEXT_SHARE = 0.5  # agent mode: half the notes budget goes in the prompt, half to what its tools return


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
    log = None
    try:
        choice = await _agent_choice(service.settings, prose)
        agent = choice.tools
        log = ConversationLog.start(service.settings, conversation_id, question)
        found = await _gather(service, question, turns, prose, kind, AGENT_CONTEXT_SHARE if agent else 1.0)
    except CoachError as error:
        saved_in = log.id if log is not None else conversation_id
        yield FailedEvent(error, AskResult(question, "", [], [], False, "interrupted", saved_in))
        return
    run = AnswerRun(question, found, log, prose, agent, choice.note)
    yield SourcesEvent(found.extract.hits, run.found, log.id)
    yield QuotesEvent(found.extract.markdown, found.extract.quotes, run.prose)
    async with aclosing(run.generate(service, turns)) as events:  # closing us closes it, saving the partial
        async for event in events:
            yield event


async def _agent_choice(settings, prose: bool):
    """Whether the agent writes the summary (asking an Ollama server about its model, off the loop)."""
    from coach.llm.capabilities import ToolSupport, agent_choice

    if not prose:
        return ToolSupport(False, "settings")
    return await asyncio.to_thread(agent_choice, settings)


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
        jobs: list[Awaitable[Any]] = [asyncio.to_thread(_found, service, question, turns, kind, share)]
        if prose:  # while the notes are searched, the local model loads and reads the fixed system text
            jobs.append(asyncio.to_thread(_warm_quietly, service))
        found, *_ = await asyncio.gather(*jobs)
    except CoachError:
        raise
    except Exception as exc:  # the stream's contract: failures become events, never raises
        raise IndexStateError(f"Searching the notes failed: {exc}. `coach index --rebuild` may fix it.") from exc
    return found


def prompt_messages(service, question: str, history: Sequence = ()) -> list:
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


