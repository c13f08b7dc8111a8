"""Provider faults in the app: the Ask screen on the real CoachService against the misbehaving server.
The fault is named in a notification and beside the answer, the partial answer stays on screen marked
unfinished, ctrl+r asks again in the same conversation, and esc stops a reply stuck on a hung server."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from coach.agent import history, model_stream
from coach.ui.app import build_app
from tests.reliability.providers.conftest import QUESTION, openai_at
from tests.ui.conftest import SIZE, ask_answers, ask_statuses, notifications, visible_text, wait_for


@pytest.fixture
def app_for(make_service):
    def build(**values):
        service = make_service(**values)
        return build_app(service.settings, service, sync_on_start=False), service

    return build


async def open_ask(app, pilot, question: str = QUESTION):
    await pilot.press("a")
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "AskScreen")
    screen = app.screen
    screen.query_one("#question-input", Input).value = question
    await pilot.press("enter")
    return screen




def ask_summaries(screen) -> list[str]:
    """The Markdown source of each model summary on the Ask screen, oldest first."""
    from textual.widgets import Markdown

    return [m.source for m in screen.query(".summary").results(Markdown)]


async def test_a_cut_answer_stays_marked_unfinished_and_ctrl_r_retries(app_for, server):
    app, service = app_for(**openai_at(server))
    server.behaviour, server.cut_after = "cut", 18
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ask(app, pilot)
        await wait_for(pilot, lambda: any("Unfinished" in s for s in ask_statuses(screen)), timeout=20)
        assert "stopped part-way" in ask_statuses(screen)[-1] and "ctrl+r" in ask_statuses(screen)[-1]
        toast = notifications(app)[-1]
        assert toast.title == "Answer cut off" and server.url in toast.message
        assert ask_summaries(screen)[-1].startswith("Ade said to give hard feedback early and in private")
        assert "> Ade said to give hard feedback" in ask_answers(screen)[-1]  # the verbatim passage above it
        assert screen.history[-1].status == "interrupted"
        await wait_for(pilot, lambda: screen.check_action("retry", ()) is True)  # once the answer's worker ended
        server.behaviour = "ok"
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: len(screen.history) == 2, timeout=20)
        assert screen.history[-1].status == "complete" and len(ask_answers(screen)) == 2
        assert ask_summaries(screen)[0].startswith("Ade said")  # the unfinished answer is still there, marked
        assert "Unfinished" in visible_text(screen.query_one("#status-1"))
        assert screen.check_action("retry", ()) is False
    turns = history.load_conversation(service.settings, screen.conversation_id).turns
    assert [(t.question, t.status) for t in turns] == [(QUESTION, "interrupted"), (QUESTION, "complete")]
    assert len(server.requests) == 2


async def test_a_refused_connection_is_named_and_the_retry_answers(app_for, server):
    app, _ = app_for(**openai_at(server))
    server.refuse()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ask(app, pilot)
        await wait_for(pilot, lambda: any("Unfinished" in s for s in ask_statuses(screen)), timeout=20)
        toast = notifications(app)[-1]
        assert toast.title == "Provider unreachable" and "is the server running" in toast.message
        server.serve_again()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.history and screen.history[-1].status == "complete", timeout=20)
        assert "hard feedback early" in ask_answers(screen)[-1]


async def test_a_rate_limit_shows_that_it_is_retrying(app_for, server, monkeypatch):
    monkeypatch.setattr(model_stream, "BACKOFF_SECONDS", (1.0, 1.0))
    app, _ = app_for(**openai_at(server))
    server.script, server.retry_after = ["429"], "1"
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ask(app, pilot)

        def done_and_watched() -> bool:
            seen.extend(s for s in ask_statuses(screen) if s not in seen)
            return bool(screen.history)

        await wait_for(pilot, done_and_watched, timeout=20)
        assert any("Rate limited: trying again in 1 s (1 of 2)" in s for s in seen)
        assert screen.history[-1].status == "complete"


async def test_esc_stops_a_reply_stuck_on_a_hung_server(app_for, server):
    app, service = app_for(**openai_at(server, timeout=30))
    server.behaviour = "hang"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ask(app, pilot)
        await wait_for(pilot, lambda: server.requests, timeout=20)
        await pilot.press("escape")
        await wait_for(pilot, lambda: any("Stopped" in s for s in ask_statuses(screen)), timeout=3)
        assert not screen.streaming and app.screen is screen
        assert screen.check_action("retry", ()) is True
    (conversation,) = history.list_conversations(service.settings)
    assert conversation.turns[0].status == "interrupted"
