"""A multi-line answer box where enter submits and ctrl+j (or shift+enter, where the terminal sends it) adds a line."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea


class AnswerArea(TextArea):
    """TextArea with chat-style keys: most answers are one paragraph, so enter moves on."""

    class Submitted(Message):
        def __init__(self, area: AnswerArea, value: str) -> None:
            super().__init__()
            self.area, self.value = area, value

        @property
        def control(self) -> AnswerArea:
            return self.area

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(text, soft_wrap=True, show_line_numbers=False, tab_behavior="focus", **kwargs)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        if event.key in ("ctrl+j", "shift+enter"):
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        await super()._on_key(event)
