"""The `?` screen: every key, grouped by where it works."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
Anywhere
  r  reflect         p  prepare         /  search
  a  ask             c  commitments     n  notes
  g  growth
  ?  this help       ctrl+p  commands   ctrl+r  re-index
  esc  back          ctrl+q  quit

Search       type to search · ctrl+f filters · enter opens
Ask          enter sends · esc stops · ctrl+o sources
             ctrl+s save as note · ctrl+l past conversations
             ctrl+n new conversation · ctrl+r retries a failed answer
Reflect      enter next · ctrl+j new line · ctrl+b back
             preview: enter saves · e edits · esc discards
Prepare      j/k move · J/K reorder · e edit · d drop · o add
             s save as note · x export · y copy
Commitments  f filter · enter opens the note
             d done · x drop · o reopen (kept in coach, not the notes)
Notes        enter reads · e opens $EDITOR

Your notes stay on this machine unless the top bar says a
remote model is in use.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(HELP, markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-box").border_title = "Keys"
