"""Commitments: open / done / dropped, with the note each came from and its age; enter opens the source."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import DataTable, Static

from coach.ui.facts import age
from coach.ui.safe import cell, note_label, one_line, plain
from coach.ui.screens.base import CoachScreen

FILTERS = ("open", "done", "dropped", None)
MARKS = {"open": "▢ open", "done": "✓ done", "dropped": "✗ dropped"}


class CommitmentsScreen(CoachScreen):
    """`f` cycles the filter (open → done → dropped → all)."""

    SCREEN_TITLE = "commitments"
    BINDINGS = [Binding("f", "cycle_filter", "Filter"), Binding("enter", "open_source", "Open note", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.items: list = []
        self.filter: str | None = "open"

    def compose_body(self) -> Iterable[Widget]:
        yield Static("Reading commitments…", id="commitments-status", classes="status", markup=False)
        yield DataTable(id="commitment-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="commitment-detail", classes="status", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#commitment-table", DataTable)
        table.add_columns("Status", "Age", "Commitment", "Mentor", "From")
        self.reload()

    def focus_main(self) -> None:
        self.query_one("#commitment-table", DataTable).focus()

    def reload(self) -> None:
        service = self.app.service
        self.run_job(lambda: service.actions(None), self._loaded, group="actions",
                     failed=lambda error: self._say("Commitments could not be read: see the message."))

    def _loaded(self, items: list) -> None:
        self.items = sorted(items, key=lambda item: (item.date, item.path), reverse=True)
        self._fill()
        self.focus_main()

    def action_cycle_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self._fill()

    @property
    def shown(self) -> list:
        return [item for item in self.items if self.filter is None or item.status == self.filter]

    def _fill(self) -> None:
        table = self.query_one("#commitment-table", DataTable)
        table.clear()
        for item in self.shown:
            table.add_row(
                cell(MARKS.get(item.status, item.status)),
                cell(age(item.age_days)),
                cell(item.text, 44),
                cell(item.mentor or "", 16),
                cell(note_label(item.date.isoformat(), item.path), 40),
            )
        counts = {status: sum(1 for i in self.items if i.status == status) for status in MARKS}
        summary = " · ".join(f"{n} {status}" for status, n in counts.items())
        self._say(f"Showing {self.filter or 'all'} · {summary} · f filter · enter opens the note")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The whole commitment and where it was settled, under the table (columns cut long text)."""
        item = self._current()
        if item is None:
            return
        settled = getattr(item, "status_path", None)
        how = f" · {item.status} in {note_label(None, settled)}" if settled else ""
        text = f"{item.text} — {note_label(item.date.isoformat(), item.path)}{how}"
        self.query_one("#commitment-detail", Static).update(plain(one_line(text, 400)))

    def _current(self):
        table = self.query_one("#commitment-table", DataTable)
        shown = self.shown
        return shown[table.cursor_row] if shown and 0 <= table.cursor_row < len(shown) else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_source()

    def action_open_source(self) -> None:
        item = self._current()
        if item is not None:
            self.app.open_note(item.path, item.line)

    def _say(self, text: str) -> None:
        self.query_one("#commitments-status", Static).update(plain(text))
