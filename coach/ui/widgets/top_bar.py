"""The one-line bar at the top of every screen: where the notes are, the index, and where the model runs."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlparse

from textual.content import Content
from textual.widgets import Static

from coach.ui.safe import one_line

if TYPE_CHECKING:
    from textual import getters

    from coach.ui.app import CoachApp


class TopBar(Static):
    """`coach · <screen> · index ✓ 10 notes · model: local (offline)`, with a warning when notes leave the machine."""

    if TYPE_CHECKING:
        app = getters.app(CoachApp)

    def __init__(self, screen_title: str = "") -> None:
        super().__init__("", markup=False)
        self.screen_title = screen_title

    def on_mount(self) -> None:
        self.watch(self.app, "index_state", self._refresh_bar)
        self.set_interval(30, self._refresh_bar)  # keep "synced 3 min ago" honest

    def _refresh_bar(self, *_: object) -> None:
        self.update(self.render_bar())

    def render_bar(self) -> Content:
        app = self.app
        parts: list[tuple[str, str] | str] = [("coach", "bold")]
        if self.screen_title:
            parts += [" · ", (self.screen_title, "bold")]
        settings = app.settings
        # The remote warning comes before anything else: on a narrow terminal the end of the bar is cut.
        if settings.is_remote_llm:
            host = urlparse(settings.llm_base_url or "").hostname or settings.llm_provider
            parts += [" · ", (f" ⚠ REMOTE model: notes go to {one_line(host, 30)} ", "bold reverse $warning")]
        parts += [" · ", one_line(app.index_state.summary(), 60)]
        if not settings.is_remote_llm:
            parts += [" · ", ("local model, offline", "$text-success")]
        return Content.assemble(*parts)
