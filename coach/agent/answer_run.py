"""One answer: the quoted passages (always), the model's summary under its guard (with prose), written by
one prompt or by the agent and its tools, and the conversation log entry it ends in (used by coach.agent.ask)."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coach.agent import context as ctx_mod
from coach.agent.answer_guard import MAX_WORDS, Guard, useful
from coach.agent.citations import Checked
from coach.agent.events import (
    AskResult,
    Citation,
    DoneEvent,
    FailedEvent,
    RetryingEvent,
    StepEvent,
    TokenEvent,
)
from coach.agent.extractive import Extract
from coach.agent.history import ConversationLog
from coach.agent.support import SupportCheck

if TYPE_CHECKING:
    from coach.agent.tools import Toolbox  # loads LangChain: only imported when the agent runs
    from coach.retrieval.embeddings import Embedder

MIN_TOOL_CHARS = 2000  # however small the window, the tools may return a passage or two
SUMMARY_HEAD = "**Coach's summary** (written by the model from the passages above; check it against them):"


@dataclass(frozen=True)
class Found:
    """What one question found: the extractive answer and, for a summary, the prompt's context."""

    extract: Extract
    context: ctx_mod.Context
    embedder: Embedder | None


class AnswerRun:
    """One answer: the quotes (always), the model's summary (with prose) under its guard, and the log."""

    def __init__(self, question: str, found: Found, log: ConversationLog, prose: bool, agent: bool = False,
                 note: str = "") -> None:
        self.question, self.found_set, self.log = question, found, log
        self.note = note  # why the pipeline runs where the agent might have (a probe that failed), or ''

        self.context, self.extract = found.context, found.extract
        self.found = bool(found.extract.notes)
        self.agent = agent  # the model searches for itself: it may find what the first search did not
        self.prose = prose and (bool(self.context.hits) or agent)
        self.toolbox: Toolbox | None = None
        self.rewritten = False  # text shown in an earlier agent turn that turned out not to be the answer
        self._stale = False
        self.guard = self._new_guard()

    def _new_guard(self) -> Guard:
        """The guard over the model's text, checking against every passage it has been given so far."""
        hits = self.context.hits + [h for h in (self.toolbox.hits if self.toolbox else []) if h not in self.context.hits]
        support = SupportCheck(hits, self.found_set.embedder, [q.text for q in self.found_set.extract.quotes])
        return Guard(self.question, hits, MAX_WORDS, support)

    def _stream(self, service, turns):
        """The model's chunks: the agent's (with its steps) in agent mode, else the one prompt's."""
        if not self.agent:
            from coach.agent.model_stream import model_stream  # loads LangChain: only when a model writes

            messages = ctx_mod.render(self.context, self.question, turns)
            self.guard.watch_for_echo(messages[0].content if len(messages) > 1 else "")
            return model_stream(service, messages)
        from coach.agent.agent_run import agent_stream
        from coach.agent.tools import Toolbox

        messages = ctx_mod.render(self.context, self.question, turns, "agent")
        used = len(self.context.notes_block) + len(self.context.principles_block)
        room = ctx_mod.budget_chars(service.settings) - used  # the window's other share goes to the tools
        self.toolbox = Toolbox(service, nonce=self.context.nonce, budget=max(room, MIN_TOOL_CHARS))
        self._echo = messages[0].content
        self.guard.watch_for_echo(self._echo)
        return agent_stream(service, self.toolbox, messages, fallback=ctx_mod.render(self.context, self.question, turns))

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
        if self.note:
            yield StepEvent(self.note)
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
        if not useful(checked.text):
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
            steps=([self.note] if self.note else []) + (list(self.toolbox.steps) if self.toolbox else []),
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


