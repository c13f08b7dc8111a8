"""The check-in's answer list: done / not yet / dropped / skip, chosen with the arrows and enter (or a click).

An answer here is a choice, never free text read for its meaning, so typing is refused with a message and
does nothing else: no letter leaves the reflection for another screen, none picks a choice ("dunno" must not
read as d = done), and an enter that ends typed words records nothing until a choice is made with the arrows
("not yet⏎" typed must not record the highlighted "done")."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import OptionList

REFUSED = ("Typed words are not read here: choose done, not yet, dropped or skip with ↑↓, then enter. "
           "Say more in the questions that follow.")
_MOVES = frozenset({"up", "down", "home", "end", "pageup", "pagedown"})


class CheckinChoices(OptionList):
    """An OptionList whose options' ids are the choices; typing is refused (see the module docstring)."""

    class Refused(Message):
        """Typing that is not a choice (once per burst): the screen says how to answer."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.typed = False
        """Words were typed since the last move: enter waits for a choice made with the arrows."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Every printable key but `?` (help) is this list's: no letter reaches the app's screen keys."""
        return character is not None and character.isprintable() and character != "?"

    def reset(self) -> None:
        """A new question: nothing typed yet."""
        self.typed = False

    async def _on_key(self, event: events.Key) -> None:
        character = event.character
        if event.key in _MOVES:
            self.typed = False
        elif event.key == "enter" and self.typed:
            event.stop()
            event.prevent_default()
            self.post_message(self.Refused())
            return
        elif character is not None and character.isprintable() and character != "?":
            event.stop()
            event.prevent_default()
            if not self.typed:
                self.typed = True
                self.post_message(self.Refused())
            return
        await super()._on_key(event)
