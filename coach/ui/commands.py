"""The command palette (ctrl+p): the keymap's named actions, the app's and the current screen's, with keys."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from coach.ui import keymap


class CoachCommands(Provider):
    """Lists and fuzzy-matches the keymap rows that have a palette name; the help line shows the key."""

    def _entries(self) -> list[tuple[str, Callable[[], None], str]]:
        scope = getattr(self.screen, "KEYMAP_SCOPE", None)
        entries: list[tuple[str, Callable[[], None], str]] = []
        for key in keymap.palette_rows(scope):
            if key.palette is None:
                continue
            hint = keymap.palette_key_hint(key)
            help_text = f"{hint} · {key.help}" if hint else key.help
            entries.append((key.palette, partial(self._run, key), help_text))
        return entries

    def _run(self, key: keymap.Key) -> None:
        if key.scope == keymap.APP_SCOPE:
            self.app.call_later(self.app.run_action, key.action)
        else:
            screen = self.screen
            self.app.call_later(screen.run_action, key.action)

    async def discover(self) -> Hits:
        for name, run, help_text in self._entries():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._entries():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)
