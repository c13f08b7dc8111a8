"""Ask's sources pane: the hits an answer came from, notes first, then principles; choosing one opens it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coach.ui.safe import plain
from coach.ui.widgets.hits import source_prompt

if TYPE_CHECKING:
    from textual import getters

    from coach.ui.app import CoachApp


class AskSources(Vertical):
    """The list of sources beside the chat; `hits` are those shown, in the list's order."""

    if TYPE_CHECKING:
        app = getters.app(CoachApp)

    def __init__(self) -> None:
        super().__init__(id="sources")
        self.hits: list = []

    def compose(self) -> ComposeResult:
        yield Static("Sources", classes="related-head", markup=False)
        yield OptionList(id="source-list")

    def show(self, hits: list, found_in_notes: bool) -> None:
        notes = [h for h in hits if h.source != "knowledge"]
        principles = [h for h in hits if h.source == "knowledge"]
        self.hits = notes + principles
        options: list[Option | None] = [] if found_in_notes else [
            Option(plain("Nothing found in your notes"), disabled=True)]
        for i, hit in enumerate(notes):
            options += [None] if i else []  # a separator line between sources
            options.append(Option(source_prompt(hit), id=str(i)))
        if principles:
            options.append(Option(plain("Principles (general guidance)", "bold"), disabled=True))
            options += [Option(source_prompt(hit), id=str(len(notes) + i)) for i, hit in enumerate(principles)]
        source_list = self.query_one("#source-list", OptionList)
        source_list.clear_options()
        source_list.add_options(options)

    def clear(self) -> None:
        self.hits = []
        self.query_one("#source-list", OptionList).clear_options()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            hit = self.hits[int(event.option.id)]
            self.app.open_note(hit.path, hit.start_line, hit.source, hit.end_line)

    def focus_list(self) -> None:
        """Focus the list with its first source highlighted."""
        source_list = self.query_one("#source-list", OptionList)
        source_list.focus()
        if source_list.highlighted is None:
            enabled = [i for i in range(source_list.option_count) if not source_list.get_option_at_index(i).disabled]
            source_list.highlighted = enabled[0] if enabled else None
