"""Prepare: the agenda as an editable list (move, reorder, edit, drop, add), saved, exported or copied."""

from __future__ import annotations

from textual.widgets import ListView, Static

from tests.ui.conftest import SIZE, visible_text, wait_for


async def _open(app, pilot):
    await wait_for(pilot, lambda: app.home_facts is not None)
    await pilot.press("p")
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "PrepareScreen")
    screen = app.screen
    await wait_for(pilot, lambda: len(screen.query_one("#agenda", ListView).children) == 3)
    return screen


def _texts(screen) -> list[str]:
    return [item.text for item in screen.items]


async def test_edit_the_agenda_then_save(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        assert "Report back on" in visible_text(screen.query_one("#agenda").children[0].query_one(Static))
        assert "From 2026-11-17 · rosa" in visible_text(screen.query_one("#item-source", Static))
        await pilot.press("J")  # move the first commitment below the second
        assert _texts(screen)[:2] == ["Hand the design system to Joy", "Draft the senior designer job description"]
        await pilot.press("J")  # at the edge of its section an item joins the next section
        assert screen.items[1].section == "suggested"
        await pilot.press("k", "d")
        assert _texts(screen) == ["Draft the senior designer job description",
                                  "How do I know the design system is drifting?"]
        await pilot.press("e", "ctrl+u", *"Draft the job description", "enter")
        assert _texts(screen)[0] == "Draft the job description"
        await pilot.press("o", *"Ask about interview loops", "enter")
        assert _texts(screen)[1] == "Ask about interview loops"
        await pilot.press("s")
        await wait_for(pilot, lambda: service.saved_agendas)
        saved = service.saved_agendas[-1]
        assert [i.text for i in saved.items] == _texts(screen)
        assert saved.mentor == "Rosa Delgado"


async def test_export_and_copy(app, service, settings):
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("x")
        folder = settings.data_dir / "exports"
        await wait_for(pilot, lambda: folder.exists() and any(folder.iterdir()))
        text = next(folder.iterdir()).read_text()
        assert text.startswith("# Agenda for the next meeting with Rosa Delgado")
        assert "## Report back on" in text and "- Hand the design system to Joy" in text
        await pilot.press("y")
        assert app.clipboard == text


async def test_escape_cancels_an_edit_before_leaving(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("e", *"zzz", "escape")
        assert app.screen is screen and _texts(screen)[0] == "Draft the senior designer job description"
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "HomeScreen"


async def test_the_full_list_is_one_key_away(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        assert "f: full list (+1)" in visible_text(screen.query_one("#prepare-status", Static))
        await pilot.press("f")
        await wait_for(pilot, lambda: len(screen.query_one("#agenda", ListView).children) == 4)
        assert _texts(screen)[-1] == "Book the design offsite"
        await pilot.press("f")
        await wait_for(pilot, lambda: len(screen.query_one("#agenda", ListView).children) == 3)
        assert "Book the design offsite" not in _texts(screen)
