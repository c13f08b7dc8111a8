"""Search: debounced live search, filters, highlighted snippets, enter opens the note at the passage."""

from __future__ import annotations

from textual.widgets import Input, Markdown, OptionList, Select, Static

from tests.ui.conftest import SIZE, screen_text, visible_text, wait_for


async def _open_search(app, pilot):
    await wait_for(pilot, lambda: app.index_state.search_ready)
    await pilot.press("slash")
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "SearchScreen")
    return app.screen


async def test_typing_searches_once_after_a_pause(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_search(app, pilot)
        before = len(service.engine.searches)
        await pilot.press(*"hire senior")
        await wait_for(pilot, lambda: [q for q, _ in service.engine.searches[before:]][-1:] == ["hire senior"])
        await wait_for(pilot, lambda: screen.query_one("#results", OptionList).option_count > 0)
        queries = [q for q, _ in service.engine.searches[before:]]
        # Debounced: far fewer searches than keystrokes (a very loaded machine may split the burst once).
        assert queries[-1] == "hire senior" and len(queries) <= 2
        status = visible_text(screen.query_one("#search-status", Static))
        assert status.startswith("1 result")
        assert "2026-11-17 · Rosa Delgado · session — Rosa: delegation and hiring" in screen_text(app)


async def test_filters_reach_the_engine(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_search(app, pilot)
        screen.query_one("#mentor", Input).value = "theo"
        screen.query_one("#kind", Select).value = "session"
        screen.query_one("#query", Input).value = "tickets"
        await wait_for(pilot, lambda: screen.query_one("#results", OptionList).option_count > 0)
        query, filters = service.engine.searches[-1]
        assert (query, filters.mentor, filters.kind, filters.since) == ("tickets", "theo", "session", None)
        screen.query_one("#since", Input).value = "last tuesday"
        await pilot.pause(0.4)
        assert "Since: use a date like" in visible_text(screen.query_one("#search-status", Static))


async def test_nothing_relevant_says_so(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_search(app, pilot)
        await pilot.press(*"zebrafish")
        await wait_for(pilot, lambda: "Nothing relevant" in visible_text(screen.query_one("#search-status", Static)))


async def test_enter_opens_the_note_at_the_passage(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_search(app, pilot)
        await pilot.press(*"teach")
        await wait_for(pilot, lambda: screen.query_one("#results", OptionList).option_count > 0)
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ReaderScreen")
        reader = app.screen
        await wait_for(pilot, lambda: reader.note is not None)
        assert "Hire senior when the team" in reader.query_one("#note-body", Markdown).source
        await wait_for(pilot, lambda: bool(reader.query(".passage")))
        assert "Rosa: delegation and hiring" in visible_text(reader.query_one("#reader-head", Static))
        await pilot.press("escape")
        assert app.screen is screen


async def test_search_waits_for_the_index(app, service):
    import threading

    service.engine.sync_gate = gate = threading.Event()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        screen = app.screen
        await pilot.press(*"teach")
        await wait_for(pilot, lambda: "still loading" in visible_text(screen.query_one("#search-status", Static)))
        gate.set()
        await wait_for(pilot, lambda: screen.query_one("#results", OptionList).option_count > 0)


def test_a_hit_names_the_person_not_the_note_s_spelling():
    from types import SimpleNamespace

    from coach.ui.widgets.hits import hit_label, source_prompt

    hit = SimpleNamespace(source="notes", date="2025-01-21", mentor="Dr Helen O-S", person="Helen Okonkwo-Shaw",
                          kind="session", role=None, title="First session", path="a.md")
    assert hit_label(hit) == "2025-01-21 · Helen Okonkwo-Shaw · session"
    assert source_prompt(hit).plain.startswith("2025-01-21 · Helen Okonkwo-Shaw\n")
    assert hit_label(SimpleNamespace(**{**vars(hit), "person": None})) == "2025-01-21 · Dr Helen O-S · session"
