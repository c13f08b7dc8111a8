"""Ask shows the passages as the answer and a model's summary apart from them, labelled as the model's."""

from __future__ import annotations

from textual.widgets import Input, Markdown, Static

from coach.agent.events import AskResult, DoneEvent, QuotesEvent, SourcesEvent, TokenEvent
from tests.ui.conftest import SIZE, FakeService, ask_answers, make_hit, visible_text, wait_for

QUOTES = ("Your notes touch on this in 1 session with Rosa Delgado, most recently on 2026-11-17:\n\n"
          "**2026-11-17 · Rosa Delgado** (2026-11-17 rosa.md, lines 4-5)\n> Hire senior when the team needs teaching.")
SUMMARY = "Rosa's advice was to hire senior people when the team needs teaching [2026-11-17, Rosa Delgado]."


class SummaryService(FakeService):
    """Answers with quotes first, then (when `prose`) a streamed summary, as the real service does."""

    prose = True

    async def ask(self, question, history=(), conversation_id=None):
        self.asked.append((question, list(history), conversation_id))
        hits = [make_hit(n, query=question) for n in self.engine.scan_notes().notes[:1]]
        yield SourcesEvent(hits, True, "20261125T100000-abc123")
        yield QuotesEvent(QUOTES, [], self.prose)
        summary = ""
        if self.prose:
            for token in SUMMARY.split(" "):
                summary += ("" if not summary else " ") + token
                yield TokenEvent(("" if summary == token else " ") + token)
        answer = QUOTES + (f"\n\n**Coach's summary**:\n\n{summary}" if summary else "")
        yield DoneEvent(AskResult(question, answer, hits, [], True, "complete", "20261125T100000-abc123",
                                  summary=summary, mode="prose" if self.prose else "extractive"))


async def _ask(app, pilot, question: str):
    await wait_for(pilot, lambda: app.index_state.search_ready, timeout=30)
    await pilot.press("a")
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "AskScreen")
    app.screen.query_one("#question-input", Input).value = question
    await pilot.press("enter")
    return app.screen


async def test_the_summary_is_shown_apart_from_the_quotes_and_labelled(settings):
    from coach.ui.app import build_app

    app = build_app(settings, SummaryService(settings))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ask(app, pilot, "What did Rosa say about hiring?")
        await wait_for(pilot, lambda: len(screen.history) == 1, timeout=20)
        assert ask_answers(screen) == [QUOTES]  # the answer box holds the passages only
        (summary,) = screen.query(".summary").results(Markdown)
        assert summary.source == SUMMARY
        (head,) = screen.query(".summary-head").results(Static)
        assert "Coach's summary" in visible_text(head) and "written by the model" in visible_text(head)
        chat = list(screen.query_one("#chat").children)
        answer = next(w for w in chat if w.has_class("answer"))
        assert chat.index(answer) < chat.index(head) < chat.index(summary)  # quotes first, then the summary


async def test_without_a_capable_model_there_is_no_summary_box(settings):
    from coach.ui.app import build_app

    service = SummaryService(settings)
    service.prose = False
    app = build_app(settings, service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ask(app, pilot, "What did Rosa say about hiring?")
        await wait_for(pilot, lambda: len(screen.history) == 1, timeout=20)
        assert ask_answers(screen) == [QUOTES]
        assert not screen.query(".summary") and not screen.query(".summary-head")
