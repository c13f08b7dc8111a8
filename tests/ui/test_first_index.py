"""First index: the notes go in before the principles and search opens as soon as they are in, with real
progress and "one-time setup" on screen."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from textual.widgets import Static

from tests.ui.conftest import SIZE, FakeEngine, visible_text, wait_for


class TwoPhaseEngine(FakeEngine):
    """Indexes the notes, then holds in the principles until the test opens `gate`."""

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.gate = threading.Event()

    def sync(self, progress=None, rebuild=False, wait=0.0):
        self.sync_calls += 1
        notes = self.scan_notes().notes
        for done in range(len(notes) + 1):
            progress(SimpleNamespace(source="notes", done=done, total=len(notes)))
        for done in range(3):
            progress(SimpleNamespace(source="knowledge", done=done, total=24))
            self.gate.wait(10)
        return [SimpleNamespace(source="notes", skipped=[]), SimpleNamespace(source="knowledge", skipped=[])]


async def test_search_opens_when_the_notes_are_in_while_the_principles_index(app, service, settings):
    service.engine = engine = TwoPhaseEngine(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.search_ready, timeout=10)
        state = app.index_state
        assert state.phase == "syncing" and state.source == "knowledge" and state.setup
        line = visible_text(app.screen.query_one("#index-line", Static))
        assert line.startswith("one-time setup: indexing the principles 0/24") and "search works now" in line
        await pilot.press("slash", *"hire")
        await wait_for(pilot, lambda: engine.searches, timeout=10)  # the search ran before the sync ended
        assert app.index_state.phase == "syncing"
        engine.gate.set()
        await wait_for(pilot, lambda: app.index_state.phase == "ready", timeout=10)
        assert not app.index_state.setup
