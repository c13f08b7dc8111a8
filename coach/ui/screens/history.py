"""Past conversations, newest first: pick one to read it again and continue it with its context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.option_list import Option

from coach.ui.safe import clean, one_line, plain


@dataclass(frozen=True)
class PastSource:
    """A source as the conversation log kept it, shaped like a search hit for the sources pane."""

    source: str
    path: str
    date: str | None
    mentor: str | None
    title: str | None
    start_line: int
    end_line: int | None

    @classmethod
    def from_log(cls, record: dict) -> PastSource:
        lines = record.get("lines") or [0, None]
        return cls(str(record.get("source") or "notes"), str(record.get("path") or ""), record.get("date"),
                   record.get("mentor"), record.get("title"), int(lines[0] or 0), lines[-1])


def started_label(conversation) -> str:
    """'2026-11-25 10:15' from the first question's timestamp (as written when it was not ISO)."""
    try:
        return datetime.fromisoformat(conversation.started).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return conversation.started or conversation.id


def conversation_prompt(conversation) -> Content:
    """Two lines: when and how long, then the first question."""
    count = len(conversation.turns)
    head = f"{started_label(conversation)} · {count} question{'s' if count != 1 else ''}"
    first = conversation.turns[0].question if conversation.turns else ""
    return Content.assemble((head, "$text-muted"), "\n", (one_line(first, 70), "bold"))


class HistoryScreen(ModalScreen[str | None]):
    """Returns the chosen conversation's id (or None on esc)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, conversations: list) -> None:
        super().__init__()
        self.conversations = [c for c in conversations if c.turns]

    def compose(self) -> ComposeResult:
        with Vertical(id="history-box"):
            if not self.conversations:
                yield Static("No past conversations yet. Ask something first.", markup=False)
            options = [Option(conversation_prompt(c), id=c.id) for c in self.conversations]
            yield OptionList(*options, id="history-list")
            yield Static("enter continues it · esc closes", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#history-box").border_title = "Past conversations"
        self.query_one("#history-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def past_turn_widgets(conversation) -> list[Widget]:
    """The conversation's turns as the chat shows them: question, a note when unfinished, the answer."""
    widgets: list[Widget] = [Static(f"Continuing the conversation of {started_label(conversation)}",
                                    classes="hint", markup=False)]
    for turn in conversation.turns:
        widgets.append(Static(plain(turn.question), classes="question"))
        if turn.status != "complete":
            note = "⚠ No answer was saved." if turn.status == "pending" else "⚠ This answer was unfinished."
            widgets.append(Static(note, classes="answer-status", markup=False))
        if turn.answer:
            widgets.append(Markdown(clean(turn.answer), classes="answer", open_links=False))
    return widgets


def past_sources(conversation) -> list[PastSource]:
    """The sources of the conversation's last answer."""
    last = conversation.turns[-1] if conversation.turns else None
    return [PastSource.from_log(record) for record in (last.sources if last else [])]
