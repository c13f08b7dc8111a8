"""Layout snapshots at 80×24 (Home, Search with results, Ask after an answer) with the fake service."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from coach.ui.app import build_app
from tests.ui.conftest import wait_for

SIZE = (80, 24)


def _no_blink(app) -> None:
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


@pytest.fixture
def snap_app(settings, service):
    return build_app(settings, service)


def test_home_snapshot(snap_app, snap_compare):
    async def ready(pilot):
        app = pilot.app
        await wait_for(pilot, lambda: app.index_state.phase == "ready", timeout=30)
        await wait_for(pilot, lambda: "Draft" in str(app.screen.query_one("#open-list").visual))
        await pilot.pause(0.1)

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=ready)


def test_search_snapshot(snap_app, snap_compare):
    async def searched(pilot):
        app = pilot.app
        await wait_for(pilot, lambda: app.index_state.search_ready, timeout=30)
        await pilot.press("slash")
        _no_blink(app)
        app.screen.query_one("#query", Input).value = "senior"
        await wait_for(pilot, lambda: app.screen.query_one("#results", OptionList).option_count > 0)
        await pilot.pause(0.1)

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=searched)


def test_ask_snapshot(snap_app, snap_compare):
    async def answered(pilot):
        app = pilot.app
        await wait_for(pilot, lambda: app.index_state.search_ready, timeout=30)
        await pilot.press("a")
        _no_blink(app)
        app.screen.query_one("#question-input", Input).value = "What did Rosa say about hiring?"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.screen.history) == 1)
        await pilot.pause(0.2)

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=answered)
