"""Confirming a "maybe done" with one key, and undoing it: back to "maybe done" (no mark), never an error."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from textual.widgets import Static

from tests.ui.conftest import SIZE, notifications, open_commitments, visible_text, wait_for


def _maybe(service) -> None:
    service.open_commitments.insert(0, SimpleNamespace(
        text="Email Mrs Dobson every Friday", status="maybe_done", mentor="Kwame Asante", owner="me",
        path="2025-10-17 dobson.md", date=date(2025, 10, 17), age_days=400, line=5, id="c-maybe",
        status_path="2025-11-05 kwame.md", status_date=date(2025, 11, 5), evidence="Three Friday emails so far",
        evidence_line=23, progress=(), marked_on=None, checkin=None, status_note=None))


async def test_d_confirms_a_maybe_done_and_u_puts_it_back(app, service):
    _maybe(service)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        table = await open_commitments(app, pilot, rows=2)
        screen = app.screen
        detail = screen.query_one("#commitment-detail", Static)
        row = next(i for i in range(2) if "Dobson" in str(table.get_row_at(i)[2]))
        table.move_cursor(row=row)
        await wait_for(pilot, lambda: "Dobson" in visible_text(detail))
        shown = visible_text(detail)
        assert ("maybe done (d confirms done, o keeps it open) in 2025-11-05 kwame:23 (2025-11-05): "
                "“Three Friday emails so far”") in shown
        assert "maybe_done" not in shown
        table.focus()
        await pilot.press("d")
        await wait_for(pilot, lambda: service.marks == [("c-maybe", "done")])
        await pilot.press("u")
        await wait_for(pilot, lambda: service.marks[-1] == ("c-maybe", "notes"))
        await wait_for(pilot, lambda: any(n.title == "Undone" for n in notifications(app)))
        assert not any("can be marked" in n.message for n in notifications(app))
        assert service.open_commitments[0].status == "maybe_done"
