"""Index status on the home screen: notes indexed, last sync, problems, and a progress bar while syncing."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from coach.ui.safe import plain


class IndexStatus(Vertical):
    """Follows `app.index_state`; the bar is shown only while a sync is running."""

    def compose(self) -> ComposeResult:
        yield Static("", id="index-line", markup=False)
        yield ProgressBar(id="index-bar", show_eta=False)

    def on_mount(self) -> None:
        self.watch(self.app, "index_state", self._show)

    def _show(self, state) -> None:
        self.query_one("#index-line", Static).update(plain(state.summary()))
        bar = self.query_one("#index-bar", ProgressBar)
        bar.display = state.phase == "syncing"
        if state.phase == "syncing":
            bar.update(total=state.total or None, progress=state.done)
