"""Untrusted text (notes, model output, errors) renders literally and never crashes the app."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Markdown, OptionList

from coach.errors import CoachError
from coach.ui.safe import clean
from tests.conftest import write_note
from tests.ui.conftest import SIZE, notifications, screen_text, visible_text, wait_for

HOSTILE = ["[/]", "[@click=app.quit]x[/]", "\x1b[2J", "[bold]x", "a" * 100_000]


@pytest.fixture
def hostile_notes(lena):
    write_note(lena, "[bold]x [/] title.md", "# [@click=app.quit]x[/] heading\n\n"
               + "\n\n".join(HOSTILE) + "\n\nhostile marker [/dim]\n", date="2026-11-20", mentor="[red]Eve[/]",
               kind="session")
    return lena


def test_clean_strips_escapes_and_shortens_huge_lines():
    assert clean("a\x1b[2Jb\x1b]0;title\x07c\x00d\re") == "abcd\ne"
    assert len(clean("x" * 100_000)) < 6_000
    assert clean("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"


async def test_hostile_note_in_home_search_reader(app, service, hostile_notes):
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        await wait_for(pilot, lambda: app.home_facts is not None)
        await pilot.pause(0.2)
        assert "[@click=app.quit]x[/] heading" in screen_text(app)  # recent notes, literally
        await pilot.press("slash", *"hostile")
        screen = app.screen
        await wait_for(pilot, lambda: screen.query_one("#results", OptionList).option_count > 0)
        text = screen_text(app)
        assert "[red]Eve[/]" in text and "[@click=app.quit]x[/] heading" in text
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ReaderScreen")
        reader = app.screen
        await wait_for(pilot, lambda: reader.note is not None)
        await pilot.pause(0.3)
        source = reader.query_one(Markdown).source
        assert "\x1b" not in source and "[bold]x" in source and "more characters" in source
        assert "hostile marker [/dim]" in screen_text(app) or "hostile marker" in source
        assert app.is_running


async def test_hostile_model_output_and_error_messages(app, service):
    service.answer_tokens = ["[/]", " [@click=app.quit]x[/] ", "\x1b[2J", "[bold]x", " " + "b" * 100_000]
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.search_ready)
        await pilot.press("a")
        screen = app.screen
        screen.query_one("#question-input", Input).value = "[/] question [bold]"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(screen.history) == 1)
        await pilot.pause(0.3)
        screen_text(app)  # renders the chat: markup in it would raise here
        assert visible_text(screen.query(".question").first()) == "[/] question [bold]"
        answer = screen.query(".answer").first(Markdown).source
        assert "[@click=app.quit]x[/]" in answer and "\x1b" not in answer
        app.report_error(CoachError("bad [/] thing [@click=app.quit]x[/] \x1b[2J", "[b]Title"))
        app.report_error(ValueError("[/] unexpected " + "c" * 100_000))
        await pilot.pause(0.3)
        screen_text(app)  # renders the toasts: markup in them would raise here
        messages = [n.message for n in notifications(app)]
        assert any("bad [/] thing [@click=app.quit]x[/]" in m and "\x1b" not in m for m in messages)
        assert all(len(m) < 2_000 for m in messages)
        assert app.is_running
