"""Home while commitments are first read: how far the one-time matching has got, not a bare 'Reading…'."""

from __future__ import annotations

import threading

from textual.widgets import Static

from tests.ui.conftest import SIZE, visible_text, wait_for


async def test_home_shows_the_first_reads_progress_then_the_list(app, service):
    gate = threading.Event()
    real = service.commitments

    def slow_commitments(status=None):
        service.embedding_progress = (320, 941)
        gate.wait(10)
        service.embedding_progress = None
        return real(status)

    service.commitments = slow_commitments  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.search_ready)
        shown = app.screen.query_one("#open-list", Static)
        await wait_for(pilot, lambda: "matched 320 of 941 later sentences" in visible_text(shown))
        assert all(len(line) <= 44 for line in visible_text(shown).splitlines())  # fits the card at 80x24
        assert visible_text(shown).startswith("Reading commitments…")
        gate.set()
        await wait_for(pilot, lambda: "Draft the senior designer" in visible_text(shown))
        assert "sentences" not in visible_text(shown)
