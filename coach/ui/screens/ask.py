"""Ask: a chat whose answers stream in as Markdown, with the sources beside them; esc stops a reply."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from contextlib import suppress

from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Markdown, OptionList, Static
from textual.widgets.markdown import MarkdownStream
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from coach.agent.events import (
    DoneEvent,
    FailedEvent,
    QuotesEvent,
    RetryingEvent,
    SourcesEvent,
    StepEvent,
    TokenEvent,
)
from coach.ui import keymap
from coach.ui.safe import clean, one_line, plain
from coach.ui.screens.base import CoachScreen
from coach.ui.screens.history import HistoryScreen, past_sources, past_turn_widgets
from coach.ui.widgets.hits import source_prompt

SUMMARY_HEAD = "Coach's summary — written by the model from the passages above; check it against them"
NO_SUMMARY = "_No summary: nothing the model wrote was supported by these passages._"
INTRO = "Ask about your notes, e.g. “What has Rosa said about hiring?” Follow-up questions keep the context."
WRITING_SUMMARY = "Writing a summary… esc stops it (the passages above stay)"
POLL = 0.05  # how often the stream thread checks for a stop request


class StreamEvent(Message):
    """One event of a streamed answer, for turn `turn`."""

    def __init__(self, turn: int, event: object) -> None:
        super().__init__()
        self.turn, self.event = turn, event


class StreamEnded(Message):
    def __init__(self, turn: int, stopped: bool) -> None:
        super().__init__()
        self.turn, self.stopped = turn, stopped


class AskScreen(CoachScreen):
    """Turns stack up in the chat; `history` (finished AskResults) goes with every follow-up."""

    SCREEN_TITLE = "ask"
    KEYMAP_SCOPE = "ask"
    # ctrl+r retries only after a failed or stopped answer; otherwise it is the app's re-index.
    BINDINGS = keymap.bindings(KEYMAP_SCOPE)

    def __init__(self) -> None:
        super().__init__()
        self.history: list = []
        self.conversation_id: str | None = None
        self.turn = 0
        self.sources: list = []
        self.answer_text = ""
        self._stream: MarkdownStream | None = None
        self._summary: Markdown | None = None
        self._summary_head: Static | None = None
        self._looking = False  # agent mode: a lookup is the latest thing shown
        self._worker: Worker | None = None
        self.retry_question: str | None = None  # the question whose answer failed, until it is asked again
        self._questions: dict[int, str] = {}
        self.saved_notes: dict[tuple[str, int], object] = {}
        """(conversation id, turns) -> the note it was saved as, so saving again unchanged makes no copy."""

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="ask-body"):
            with VerticalScroll(id="chat"):
                yield Static(INTRO, classes="hint", markup=False)
            with Vertical(id="sources"):
                yield Static("Sources", classes="related-head", markup=False)
                yield OptionList(id="source-list")
        yield Input(placeholder="Ask a question and press enter", id="question-input")

    def on_mount(self) -> None:
        self.query_one("#chat", VerticalScroll).anchor()
        self.focus_main()
        warm = getattr(self.app, "warm_chat_once", None)
        if warm is not None:
            warm()

    def focus_main(self) -> None:
        self.query_one("#question-input", Input).focus()

    @property
    def streaming(self) -> bool:
        return self._worker is not None and self._worker.is_running

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if not super().check_action(action, parameters):
            return False
        if action == "retry":
            return self.retry_question is not None and not self.streaming
        return True

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        if self.streaming:
            self.notify("Wait for this answer, or press esc to stop it.", markup=False)
            return
        event.input.value = ""
        self.turn += 1
        self._questions[self.turn] = question
        self.retry_question = None
        self.refresh_bindings()
        self.answer_text = ""
        chat = self.query_one("#chat", VerticalScroll)
        markdown = Markdown("", classes="answer", open_links=False)
        await chat.mount_all([
            Static(plain(question), classes="question"),
            Static("Looking through your notes…", classes="answer-status", id=f"status-{self.turn}", markup=False),
            markdown,
        ])
        self._stream = Markdown.get_stream(markdown)
        self._summary = self._summary_head = None
        self._worker = self.run_worker(
            lambda: self._consume(self.turn, question, list(self.history), self.conversation_id),
            thread=True, exit_on_error=False, group="ask", exclusive=True,
        )

    def _consume(self, turn: int, question: str, history: list, conversation_id: str | None) -> None:
        """Thread body: drive the service's async stream on a private loop, posting each event."""
        worker = get_current_worker()
        service = self.app.service

        async def pump() -> None:
            async for event in service.ask(question, history, conversation_id):
                self.post_message(StreamEvent(turn, event))

        async def run() -> None:
            task = asyncio.create_task(pump())
            while not task.done():
                if worker.is_cancelled:
                    task.cancel()  # the service sees CancelledError and keeps the partial as interrupted
                    break
                await asyncio.sleep(POLL)
            with suppress(asyncio.CancelledError):
                await task

        try:
            asyncio.run(run())
        except Exception as exc:
            self.post_message(StreamEvent(turn, exc))
        self.post_message(StreamEnded(turn, worker.is_cancelled))

    async def on_stream_event(self, message: StreamEvent) -> None:
        if message.turn != self.turn:
            return
        event = message.event
        if isinstance(event, SourcesEvent):
            self.conversation_id = event.conversation_id or self.conversation_id
            self._show_sources(event.hits, event.found_in_notes)
            self._status("Writing…")
        elif isinstance(event, QuotesEvent):
            await self._show_quotes(event)
        elif isinstance(event, TokenEvent):
            if self._looking:  # agent mode: the lookups are over, the summary is being written
                self._looking = False
                self._status(WRITING_SUMMARY)
            self.answer_text += event.text
            if self._stream is not None:
                await self._stream.write(clean(event.text))
        elif isinstance(event, DoneEvent):
            await self._finish(event.result, "")
        elif isinstance(event, StepEvent):
            await self._show_step(event.text)
        elif isinstance(event, RetryingEvent):
            self._status(f"{event.error.title}: trying again in {event.wait:g} s "
                         f"({event.attempt} of {event.attempts})… esc stops")
        elif isinstance(event, FailedEvent):
            self.app.report_error(event.error)
            self._offer_retry(message.turn)
            await self._finish(event.partial, f"⚠ Unfinished: {one_line(event.error, 160)} ctrl+r retries.")
        elif isinstance(event, BaseException):
            self.app.report_error(event)
            self._offer_retry(message.turn)
            await self._finish(None, "⚠ Unfinished: the answer stopped with an error. ctrl+r retries.")

    async def on_stream_ended(self, message: StreamEnded) -> None:
        if message.turn == self.turn and message.stopped and self._stream is not None:
            self._offer_retry(message.turn)
            await self._finish(None, "⏹ Stopped: the answer above is unfinished. ctrl+r asks again.")

    async def _show_quotes(self, event: QuotesEvent) -> None:
        """The passages (the answer itself) in the answer box; a model summary, if one follows, streams
        into a box of its own under a label saying whose words it is."""
        await self._stop_stream()
        markdown = self.query_one("#chat").query(".answer").results(Markdown)
        await list(markdown)[-1].update(clean(event.text))
        if event.prose:
            self._summary = Markdown("", classes="summary", open_links=False)
            self._summary_head = Static(SUMMARY_HEAD, classes="summary-head", markup=False)
            await self.query_one("#chat", VerticalScroll).mount_all([self._summary_head, self._summary])
            self._stream = Markdown.get_stream(self._summary)
            self._status(WRITING_SUMMARY)

    async def _show_step(self, text: str) -> None:
        """Agent mode: one quiet line per lookup, above the summary it leads to."""
        step = Static(plain(f"· {one_line(text, 120)}"), classes="agent-step")
        chat = self.query_one("#chat", VerticalScroll)
        if self._summary_head is not None and self._summary_head.parent is chat:
            await chat.mount(step, before=self._summary_head)
        else:
            await chat.mount(step)
        self._looking = True
        self._status(f"Looking through your notes: {one_line(text, 80)}… esc stops")

    async def _stop_stream(self) -> None:
        """Stop the Markdown stream, even one whose task never ran: Textual's stop() awaits the cancelled task,
        so a stream stopped before its first step (a failure right after the passages, e.g. a missing model)
        raised CancelledError into this screen's handler, which silently ended its message loop."""
        stream, self._stream = self._stream, None
        if stream is None:
            return
        await asyncio.sleep(0)  # let the stream's task start, so cancelling it is handled inside it
        try:
            await stream.stop()
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # this screen itself is being cancelled: never swallow that

    async def _finish(self, result, status: str) -> None:
        await self._stop_stream()
        if result is not None:
            if len(getattr(result, "sources", [])) > len(self.sources):  # the agent found more
                self._show_sources(result.sources, result.found_in_notes)
            self.history.append(result)
            self.conversation_id = getattr(result, "conversation_id", None) or self.conversation_id
            status = status or _citation_note(result)
            await self._final_text(result)
        self._status(status)

    async def _final_text(self, result) -> None:
        """What was checked replaces what streamed when they differ (a summary sentence was dropped)."""
        if self._summary is not None:
            summary = getattr(result, "summary", "")
            if summary != self.answer_text or not summary:
                await self._summary.update(clean(summary) if summary else NO_SUMMARY)
        elif result.answer and not self.answer_text:
            markdown = list(self.query_one("#chat").query(".answer").results(Markdown))[-1]
            await markdown.update(clean(result.answer))

    def _status(self, text: str) -> None:
        widget = self.query_one(f"#status-{self.turn}", Static)
        widget.update(plain(text))
        widget.display = bool(text)

    def _show_sources(self, hits: list, found_in_notes: bool) -> None:
        notes = [h for h in hits if h.source != "knowledge"]
        principles = [h for h in hits if h.source == "knowledge"]
        self.sources = notes + principles
        options: list = [] if found_in_notes else [Option(plain("Nothing found in your notes"), disabled=True)]
        for i, hit in enumerate(notes):
            options += [None] if i else []  # a separator line between sources
            options.append(Option(source_prompt(hit), id=str(i)))
        if principles:
            options.append(Option(plain("Principles (general guidance)", "bold"), disabled=True))
            options += [Option(source_prompt(hit), id=str(len(notes) + i)) for i, hit in enumerate(principles)]
        source_list = self.query_one("#source-list", OptionList)
        source_list.clear_options()
        source_list.add_options(options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            hit = self.sources[int(event.option.id)]
            self.app.open_note(hit.path, hit.start_line, hit.source, hit.end_line)

    def action_focus_sources(self) -> None:
        source_list = self.query_one("#source-list", OptionList)
        source_list.focus()
        if source_list.highlighted is None:
            enabled = [i for i in range(source_list.option_count) if not source_list.get_option_at_index(i).disabled]
            source_list.highlighted = enabled[0] if enabled else None

    def _offer_retry(self, turn: int) -> None:
        self.retry_question = self._questions.get(turn)
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self._worker:
            self.refresh_bindings()  # Retry shows in the footer once the failed answer's worker has ended

    async def action_retry(self) -> None:
        """Ask the failed question again; the unfinished answer stays above, marked (and out of the history)."""
        question = self.retry_question
        if question is None or self.streaming:
            return
        self.retry_question = None
        box = self.query_one("#question-input", Input)
        box.value = question
        await box.action_submit()

    def action_stop_or_back(self) -> None:
        if self.streaming:
            self.stop()
            return
        self.app.go_back()

    def stop(self) -> None:
        """Say "Stopping…" at once; the model ends within a token (coach.agent.model_stream's stop event)."""
        worker = self._worker
        if worker is not None and worker.is_running and not worker.is_cancelled:
            worker.cancel()
            self._status("Stopping…")

    def action_save_note(self) -> None:
        save = self.app.service.save_conversation
        if self.conversation_id is None:
            self.notify("Ask something first; then the conversation can be saved as a note.", markup=False)
            return
        key = (self.conversation_id, len(self.history))
        if key in self.saved_notes:  # nothing new since: a second note would be a copy
            self.notify(clean(f"Already saved as {self.saved_notes[key]}"), markup=False)
            return
        conversation_id = self.conversation_id

        def job():
            with self.app.engine_lock:
                return save(conversation_id)

        self.run_job(job, lambda path: self._saved(key, path), group="save")

    def _saved(self, key: tuple, path) -> None:
        self.saved_notes[key] = path
        self.notify(clean(f"Saved as a new note: {path}"), title="Conversation saved", markup=False)
        self.app.refresh_screens()  # Home's recent notes

    # -- past conversations ----------------------------------------------------------------------

    def action_history(self) -> None:
        """List past conversations (read in a worker); the chosen one is reopened here."""
        if self._busy():
            return
        self.run_job(self.app.service.conversations, self._pick_conversation, group="history")

    def _pick_conversation(self, conversations: list) -> None:
        self.app.push_screen(HistoryScreen(conversations), callback=self._continue_conversation)

    def _continue_conversation(self, conversation_id: str | None) -> None:
        if conversation_id:
            service = self.app.service
            self.run_job(lambda: service.conversation(conversation_id), self._show_conversation, group="history")

    async def _show_conversation(self, conversation) -> None:
        """Show the past turns; the next question continues this conversation with their context."""
        await self._reset_chat(past_turn_widgets(conversation))
        self.history = conversation.pairs()
        self.conversation_id = conversation.id
        sources = past_sources(conversation)
        self._show_sources(sources, any(s.source != "knowledge" for s in sources))
        self.focus_main()

    async def action_new_conversation(self) -> None:
        if self._busy():
            return
        await self._reset_chat([Static(INTRO, classes="hint", markup=False)])
        self.history, self.conversation_id = [], None
        self.query_one("#source-list", OptionList).clear_options()
        self.focus_main()

    def _busy(self) -> bool:
        if self.streaming:
            self.notify("Wait for this answer, or press esc to stop it.", markup=False)
        return self.streaming

    async def _reset_chat(self, widgets: list) -> None:
        chat = self.query_one("#chat", VerticalScroll)
        await chat.remove_children()
        await chat.mount_all(widgets)
        self.answer_text, self._stream = "", None
        self.retry_question = None  # the failed answer left the screen with its conversation
        self.refresh_bindings()


def _citation_note(result) -> str:
    """Say so when the model cited something that was not retrieved (it is flagged, never shown as real)."""
    unverified = [c for c in getattr(result, "citations", []) if not c.verified]
    if getattr(result, "status", "complete") != "complete":
        return "⚠ This answer is unfinished."
    return f"⚠ {len(unverified)} citation(s) did not match your notes and were flagged." if unverified else ""
