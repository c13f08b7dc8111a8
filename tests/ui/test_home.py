"""Home: the first screen fills in from workers; the index syncs with a progress bar; failures never exit."""

from __future__ import annotations

import threading

from textual.command import CommandList, CommandPalette
from textual.widgets import ProgressBar, Static

from coach.errors import IndexBusyError
from tests.ui.conftest import SIZE, notifications, screen_text, visible_text, wait_for


async def test_home_shows_last_session_commitments_and_index(app, service):
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        await wait_for(pilot, lambda: "Rosa" in visible_text(app.screen.query_one("#last-session", Static)))
        last = visible_text(app.screen.query_one("#last-session", Static))
        assert last.startswith("Rosa Delgado\n2026-11-17 · 8 days ago\n")
        assert "Last reflection\n2026-09-29 · 57 days ago" in last
        assert max(len(line) for line in last.splitlines()) <= 28  # fits its card at 80x24
        await wait_for(pilot, lambda: "Draft the senior" in visible_text(app.screen.query_one("#open-list", Static)))
        assert "8 days" in visible_text(app.screen.query_one("#open-list", Static))
        assert "Open commitments (1)" in str(app.screen.query_one("#open-card").border_title)
        assert "index ✓ 3 notes" in screen_text(app)
        assert "local model, offline" in screen_text(app)
        assert app.home_facts.mentors == ["Rosa Delgado", "Theo Lindqvist"]


async def test_progress_bar_shows_while_syncing(app, service):
    service.engine.sync_gate = gate = threading.Event()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "syncing" and app.index_state.total == 3)
        bar = app.screen.query_one("#index-bar", ProgressBar)
        assert bar.display and bar.total == 3
        assert "indexing your notes" in visible_text(app.screen.query_one("#index-line", Static))
        gate.set()
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        assert not bar.display
        assert app.index_state.search_ready


async def test_a_failing_sync_notifies_and_the_app_keeps_working(app, service):
    service.engine.sync_error = RuntimeError("disk on fire")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "failed")
        toast = notifications(app)[-1]
        assert toast.severity == "error" and "disk on fire" in toast.message
        assert "last-error.log" in toast.message  # the traceback went to a file, not the screen
        await pilot.press("slash")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "SearchScreen")
        assert app.is_running


async def test_index_busy_keeps_search_available(app, service):
    service.engine.sync_error = IndexBusyError("The index is busy: coach process 123 is updating it.")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "failed")
        assert app.index_state.search_ready
        toast = notifications(app)[-1]
        assert toast.title == "Index busy" and "process 123" in toast.message


async def test_help_and_palette_reach_every_screen(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        await pilot.press("question_mark")
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"commitments")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "CommitmentsScreen")
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "HomeScreen"


async def test_remote_model_is_marked(settings, service):
    from coach.ui.app import build_app

    settings.llm_provider, settings.llm_base_url = "openai", "https://api.example.com/v1"
    app = build_app(settings, service)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        assert "⚠ REMOTE model: notes go to api.example.com" in screen_text(app)


async def test_a_home_button_opens_its_screen(app, service):
    """Clicking (or pressing enter on) a Home button runs its action: the app's run_action is awaited."""
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        await pilot.click("#go-prepare")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "PrepareScreen")
