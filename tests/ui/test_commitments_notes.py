"""Commitments table with its filter, the notes browser, the reader, and $EDITOR without a terminal."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from tests.ui.conftest import SIZE, notifications, open_commitments, visible_text, wait_for


def _rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_commitments_filter_and_open_source(app, service):
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        table = await open_commitments(app, pilot, rows=1)
        assert _rows(table)[0] == ["▢ open", "8 days", "Draft the senior designer job description",
                                   "Rosa Delgado", "2026-11-17"]
        detail = visible_text(app.screen.query_one("#commitment-detail", Static))
        assert detail == "Draft the senior designer job description — 2026-11-17 · rosa · Rosa Delgado"
        assert visible_text(app.screen.query_one("#commitments-status", Static)).startswith("1 open · 1 done · 1 dropped")
        await pilot.press("f")
        assert [r[0] for r in _rows(table)] == ["✓ done"]
        await pilot.press("f", "f")
        assert table.row_count == 3
        await pilot.press("f", "enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ReaderScreen")
        assert app.screen.path == "2026-11-17 rosa.md" and app.screen.line == 12


async def test_one_mentor_spelled_two_ways_is_one_name_in_the_table(app, service):
    from coach.retrieval.people import people_from

    service.open_commitments[1].mentor, service.open_commitments[1].status = "Dr Theo L", "open"
    service.open_commitments[0].mentor = "Theo"
    service.engine.searcher.people = lambda: people_from(["Theo Lindqvist", "Theo", "Dr Theo L", "Rosa Delgado"])
    service.open_commitments[0].status = "maybe_done"
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        table = await open_commitments(app, pilot, rows=2)
        assert [row[3] for row in _rows(table)] == ["Theo Lindqvist", "Theo Lindqvist"]
        assert [row[0] for row in _rows(table)] == ["?", "▢"]  # at 80 columns the mark alone
        status = visible_text(app.screen.query_one("#commitments-status", Static))
        assert status.startswith("2 open (1 maybe done: d confirms) · 1 dropped")
        assert len(status) <= 78  # one line at 80 columns, not a wall of counts


async def test_notes_browser_filters_reads_and_edit_fails_gracefully(app, service, monkeypatch):
    monkeypatch.setenv("EDITOR", "true")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "NotesScreen")
        screen = app.screen
        table = screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 3)
        assert [r[0] for r in _rows(table)] == ["2026-11-17", "2026-11-10", "2026-09-29"]
        screen.query_one("#notes-filter", Input).value = "theo"
        await pilot.pause()
        assert _rows(table) == [["2026-11-10", "Theo Lindqvist", "session", "Theo: the accessibility audit"]]
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ReaderScreen")
        reader = app.screen
        await wait_for(pilot, lambda: reader.note is not None)
        await pilot.press("e")  # no real terminal under run_test: a message, not a crash
        await wait_for(pilot, lambda: any("EDITOR" in n.message for n in notifications(app)))
        assert app.screen is reader
