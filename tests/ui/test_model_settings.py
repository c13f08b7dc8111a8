"""The model screen saves the provider to the config file (other keys kept) and warns about remote ones."""

from __future__ import annotations

import tomllib

from textual.widgets import Input, Select, Static

from coach import paths
from tests.ui.conftest import SIZE, visible_text, wait_for


async def test_choose_a_remote_provider_from_the_palette(app):
    paths.default_config_file().write_text('notes_dir = "/somewhere"\n')
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        await app.run_action("open('model')")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ModelScreen")
        screen = app.screen
        await wait_for(pilot, lambda: bool(screen.query("#provider")))
        screen.query_one("#provider", Select).value = "openai"
        screen.query_one("#base-url", Input).value = "https://api.example.com/v1"
        await pilot.click("#save-model")
        status = visible_text(screen.query_one("#model-status", Static))
        assert "Restart coach" in status and "WILL be sent" in status
        config = tomllib.loads(paths.default_config_file().read_text())
        assert config == {"notes_dir": "/somewhere", "llm_provider": "openai",
                          "llm_base_url": "https://api.example.com/v1"}


async def test_theme_toggle_keeps_the_app_readable(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        dark = app.current_theme.dark
        await app.run_action("toggle_theme")
        await pilot.pause()
        assert app.current_theme.dark is not dark


async def test_the_screen_says_what_the_chosen_provider_can_do(app):
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        await app.run_action("open('model')")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ModelScreen")
        screen = app.screen
        await wait_for(pilot, lambda: bool(screen.query("#model-capabilities")))
        line = lambda: visible_text(screen.query_one("#model-capabilities", Static))  # noqa: E731
        await wait_for(pilot, lambda: "answers with quotes only" in line())
        assert "runs in coach" in line() and "no tool calling" in line()
        screen.query_one("#provider", Select).value = "anthropic"
        await wait_for(pilot, lambda: "calls tools" in line())
        assert "remote" in line() and "writes summaries" in line() and "200000 tokens" in line()
        explain = visible_text(screen.query(".hint").first(Static))
        assert "OPENAI_API_KEY / ANTHROPIC_API_KEY" in explain and "COACH_LLM_API_KEY" in explain
