"""Ask: a chat whose answers stream in as Markdown, with the sources beside them; esc stops a reply."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Markdown, Static
from textual.widgets.markdown import MarkdownStream
from textual.worker import Worker

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
from coach.ui.messages import StreamEnded, StreamEvent
from coach.ui.safe import clean, one_line, plain
from coach.ui.screens.ask_stream import consume, result_note
from coach.ui.screens.conversation import ConversationScreen
from coach.ui.widgets.ask_sources import AskSources

SUMMARY_HEAD = "Coach's summary — written by the model from the passages above; check it against them"
NO_SUMMARY = "_No summary: nothing the model wrote was supported by these passages._"
INTRO = "Ask about your notes, e.g. “What has Rosa said about hiring?” Follow-up questions keep the context."
WRITING_SUMMARY = "Writing a summary… esc stops it (the passages above stay)"


class AskScreen(ConversationScreen):
    """Turns stack up in the chat; `history` (finished AskResults) goes with every follow-up."""

    SCREEN_TITLE = "ask"
    KEYMAP_SCOPE = "ask"
    # ctrl+r retries only after a failed or stopped answer; otherwise it is the app's re-index.
    BINDINGS = keymap.bindings(KEYMAP_SCOPE)

    def __init__(self) -> None:
        super().__init__()
        self.turn = 0
        self.answer_text = ""
        self._stream: MarkdownStream | None = None
        self._summary: Markdown | None = None
        self._summary_head: Static | None = None
        self._looking = False  # agent mode: a lookup is the latest thing shown
        self._worker: Worker | None = None
        self.retry_question: str | None = None  # the question whose answer failed, until it is asked again
        self._questions: dict[int, str] = {}

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="ask-body"):
            with VerticalScroll(id="chat"):
                yield Static(INTRO, classes="hint", markup=False)
            yield AskSources()
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
    def sources(self) -> list:
        """The hits in the sources pane, in its order."""
        return self.query_one(AskSources).hits

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
        service = self.app.service
        self._worker = self.run_worker(
            lambda: consume(self, service, self.turn, question, list(self.history), self.conversation_id),
            thread=True, exit_on_error=False, group="ask", exclusive=True,
        )

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
            status = status or result_note(result)
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
        self.query_one(AskSources).show(hits, found_in_notes)

    def action_focus_sources(self) -> None:
        self.query_one(AskSources).focus_list()

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

    async def action_new_conversation(self) -> None:
        if self._busy():
            return
        await self._reset_chat([Static(INTRO, classes="hint", markup=False)])
        self.history, self.conversation_id = [], None
        self.query_one(AskSources).clear()
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

