"""Stop means stop: esc says "Stopping…" at once and the model's thread ends within half a second; ctrl+q during
an answer exits promptly; leaving Ask and coming back keeps the conversation."""

from __future__ import annotations

import time
from types import SimpleNamespace

from coach.agent.events import SourcesEvent, TokenEvent
from coach.agent.model_stream import model_stream
from tests.slow_model import SlowLocalModel
from tests.ui.conftest import SIZE, ask_answers, ask_statuses, make_hit, wait_for


async def _ask(app, pilot, question: str):
    from textual.widgets import Input

    await wait_for(pilot, lambda: app.index_state.search_ready, timeout=30)  # a first start on a busy machine
    await pilot.press("a")
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "AskScreen", timeout=10)
    app.screen.query_one("#question-input", Input).value = question
    await pilot.press("enter")
    return app.screen

STOP_BAR = 0.5


def slow_answers(service) -> SlowLocalModel:
    """The fake service answers through the real model_stream from a model that writes a token per 50 ms."""
    model = SlowLocalModel(delay=0.05, tokens=2000)

    async def ask(question, history=(), conversation_id=None):
        notes = service.engine.scan_notes().notes
        yield SourcesEvent([make_hit(n) for n in notes[:1]], True)
        async for chunk in model_stream(SimpleNamespace(settings=service.settings, chat_model=model),
                                        [("human", question)]):
            yield TokenEvent(chunk.content)

    service.ask = ask
    return model


async def test_escape_says_stopping_at_once_and_the_model_stops(app, service):
    model = slow_answers(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ask(app, pilot, "What did Rosa say?")
        await wait_for(pilot, lambda: "word" in screen.answer_text)
        shown: list[str] = []
        status = screen._status
        screen._status = lambda text: (shown.append(text), status(text))
        asked = time.monotonic()
        await pilot.press("escape")
        assert shown[0] == "Stopping…"  # at once, from the key handler
        assert app.screen is screen  # esc stopped the answer; it did not leave
        await wait_for(pilot, lambda: model.finished.is_set(), timeout=5)
        assert model.ended_at - asked < STOP_BAR
        await wait_for(pilot, lambda: "Stopped" in ask_statuses(screen)[-1])
        assert shown[-1].startswith("⏹ Stopped")


async def test_ctrl_q_during_an_answer_exits_promptly(app, service):
    model = slow_answers(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ask(app, pilot, "What did Rosa say?")
        await wait_for(pilot, lambda: "word" in screen.answer_text)
        asked = time.monotonic()
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: not app.is_running, timeout=5)
    assert model.finished.wait(5)
    assert model.ended_at - asked < STOP_BAR


async def test_leaving_ask_and_coming_back_keeps_the_conversation(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ask(app, pilot, "What did Rosa say about hiring?")
        await wait_for(pilot, lambda: len(screen.history) == 1)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "HomeScreen")
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "AskScreen")
        assert app.screen is screen
        assert "hire senior" in ask_answers(app.screen)[-1]
        assert len(app.screen.history) == 1
