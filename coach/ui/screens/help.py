"""The `?` screen: every key, grouped by where it works (read from the one keymap, so it stays true)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from coach.ui import keymap

FOOTNOTE = """
In a text box, enter sends or moves on, esc leaves it, and ctrl+p opens every command by name.
Your notes stay on this machine unless the top bar says a remote model is in use.
"""


def help_text() -> str:
    return keymap.help_text() + FOOTNOTE


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(help_text(), markup=False)

    def on_mount(self) -> None:
        box = self.query_one("#help-box")
        box.border_title = "Keys"
        box.focus()
