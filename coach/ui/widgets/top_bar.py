"""The one-line bar at the top of every screen: where the notes are, the index, and where the model runs."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from coach.ui.safe import one_line


class TopBar(Static):
    """`coach · <screen> · index ✓ 10 notes · model: local (offline)`, with a warning when notes leave the machine."""

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
        parts += [" · ", one_line(app.index_state.summary(), 60), " · "]
        settings = app.settings
        if settings.is_remote_llm:
            host = settings.llm_base_url or settings.llm_provider
            parts.append((f"⚠ REMOTE model ({one_line(host, 30)}): notes leave this machine", "bold $warning"))
        else:
            parts.append(("model: local (offline)", "$text-success"))
        return Content.assemble(*parts)
