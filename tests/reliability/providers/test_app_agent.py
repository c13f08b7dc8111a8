"""Agent mode in the app, on the real service and ChatOpenAI against the loopback server: each lookup shows as a
quiet step above the summary, and esc stops an agent stuck mid-answer within half a second."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input

from coach.agent import history
from coach.ui.app import build_app
from tests.faultserver import tool_call
from tests.reliability.providers.conftest import QUESTION, openai_at
from tests.ui.conftest import SIZE, ask_statuses, visible_text, wait_for

GROUNDED = "Ade said to give hard feedback early and in private, about the work [2025-09-12, Ade Okafor]."


@pytest.fixture
def app_for(make_service):
    def build(**values):
        service = make_service(**{**openai_at(values.pop("server")), "llm_tools": True, **values})
        return build_app(service.settings, service, sync_on_start=False), service

    return build


async def open_ask(app, pilot):
    await pilot.press("a")
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "AskScreen")
    app.screen.query_one("#question-input", Input).value = QUESTION
    await pilot.press("enter")
    return app.screen


def step_lines(screen) -> list[str]:
    return [visible_text(s) for s in screen.query(".agent-step")]


async def test_each_lookup_is_a_quiet_step_above_the_summary(app_for, server):
    app, _ = app_for(server=server)
    server.replies = [tool_call("search_notes", {"query": "hard feedback", "mentor": "Ade"}), GROUNDED]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ask(app, pilot)
        await wait_for(pilot, lambda: len(screen.history) == 1, timeout=30)
        assert [s.strip() for s in step_lines(screen)] == ["· searched notes: 'hard feedback' with Ade"]
        chat = list(screen.query_one("#chat").children)
        classes = [next(iter(w.classes), "") for w in chat]
        assert classes.index("agent-step") < classes.index("summary-head") < classes.index("summary")
        assert screen.history[-1].summary.startswith("Ade said to give hard feedback early")


async def test_esc_stops_a_stalled_agent_within_half_a_second(app_for, server):
    app, service = app_for(server=server, llm_timeout=30)
    server.replies = [tool_call("search_notes", {"query": "hard feedback"}), GROUNDED]
    server.script, server.cut_after = ["ok", "stall"], 4
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ask(app, pilot)
        await wait_for(pilot, lambda: len(server.requests) == 2 and step_lines(screen), timeout=30)
        await pilot.pause(0.3)
        began = time.monotonic()
        await pilot.press("escape")
        await wait_for(pilot, lambda: any("Stopped" in s for s in ask_statuses(screen)), timeout=3)
        assert time.monotonic() - began < 0.5
        assert not screen.streaming and app.screen is screen
    (conversation,) = history.list_conversations(service.settings)
    assert conversation.turns[0].status == "interrupted"
