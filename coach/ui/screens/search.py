"""Search: live hybrid search as you type (debounced), filters for mentor / since / kind, enter opens the note."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from textual.containers import Horizontal
from textual.content import Content
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from coach.retrieval.search import SearchFilters
from coach.ui import keymap
from coach.ui.safe import one_line
from coach.ui.screens.base import CoachScreen
from coach.ui.widgets.hits import hit_prompt

DEBOUNCE = 0.25  # seconds of quiet typing before a search runs
RESULTS = 10
KINDS = ("session", "reflection", "agenda", "review", "conversation", "other")  # conversations: only when chosen
SOURCES = (("all sources", "all"), ("notes", "notes"), ("principles", "knowledge"))


class SearchScreen(CoachScreen):
    """Results update ~250 ms after the last keystroke; an older search never overwrites a newer one."""

    SCREEN_TITLE = "search"
    KEYMAP_SCOPE = "search"
    BINDINGS = keymap.bindings(KEYMAP_SCOPE)

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.hits: list = []
        self._timer: Timer | None = None
        self._pending = False

    def compose_body(self) -> Iterable[Widget]:
        yield Input(self.initial_query, placeholder="Search your notes, e.g. what did Rosa say about hiring",
                    id="query")
        with Horizontal(id="filters"):
            yield Input(placeholder="mentor", id="mentor")
            yield Input(placeholder="since YYYY-MM-DD", id="since")
            yield Select([(kind, kind) for kind in KINDS], prompt="any kind", id="kind")
            yield Select(SOURCES, value="all", allow_blank=False, id="source")
        yield Static("Type to search. Enter opens a note.", id="search-status", classes="status", markup=False)
        yield OptionList(id="results")

    def on_mount(self) -> None:
        self.watch(self.app, "index_state", self._index_changed, init=False)
        self.focus_main()
        if self.initial_query:
            self.schedule()

    def focus_main(self) -> None:
        self.query_one("#query", Input).focus()

    def action_focus_filters(self) -> None:
        self.query_one("#mentor", Input).focus()

    def action_focus_query(self) -> None:
        self.focus_main()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.schedule()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.schedule()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        results = self.query_one("#results", OptionList)
        if self.hits:
            results.highlighted = results.highlighted or 0
            results.focus()

    def schedule(self) -> None:
        """Restart the debounce timer: only the last keystroke in a burst searches."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.run_search)

    def _index_changed(self, state) -> None:
        if state.search_ready and self._pending:
            self.run_search()

    def reload(self) -> None:
        if self.query_one("#query", Input).value.strip():
            self.schedule()

    def run_search(self) -> None:
        query = self.query_one("#query", Input).value.strip()
        if not query:
            self._status("Type to search. Enter opens a note.")
            self._show_hits([])
            return
        filters = self._filters()
        if filters is None:
            return
        if not self.app.index_state.search_ready:
            self._pending = True
            self._status("The index is still loading; results will appear as soon as it is ready.")
            return
        self._pending = False
        engine = self.app.service.engine
        self._status("Searching…")
        self.run_job(lambda: engine.search(query, RESULTS, filters), self._show, group="search",
                     failed=lambda error: self._status("Search failed; see the message."))

    def _filters(self) -> SearchFilters | None:
        """Filters from the inputs, or None (with a message) when the date cannot be read."""
        mentor = self.query_one("#mentor", Input).value.strip() or None
        since_text = self.query_one("#since", Input).value.strip()
        try:
            since = date.fromisoformat(since_text) if since_text else None
        except ValueError:
            self._status("Since: use a date like 2026-09-01.")
            return None
        kind = self.query_one("#kind", Select)
        source = self.query_one("#source", Select).value
        return SearchFilters(mentor=mentor, since=since, kind=None if kind.is_blank() else str(kind.value),
                             source=str(source))

    def _show(self, response) -> None:
        if response.nothing_relevant or not response.hits:
            self._status(f"Nothing relevant found for “{one_line(response.query, 60)}”. Try other words or drop a filter.")
        else:
            count = len(response.hits)
            self._status(f"{count} result{'s' if count != 1 else ''} · enter opens the note")
        self._show_hits(response.hits)

    def _show_hits(self, hits: list) -> None:
        self.hits = list(hits)
        results = self.query_one("#results", OptionList)
        results.clear_options()
        options: list = []
        for index, hit in enumerate(self.hits):
            options += [None] if index else []  # a separator line between results
            options.append(Option(hit_prompt(hit), id=str(index)))
        results.add_options(options)
        if self.hits:
            results.highlighted = 0

    def _status(self, text: str) -> None:
        self.query_one("#search-status", Static).update(Content(text))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[int(event.option.id or 0)]
        self.app.open_note(hit.path, hit.start_line, hit.source, hit.end_line)
