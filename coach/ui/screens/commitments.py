"""Commitments: open / done / dropped, with the note each came from and its age; enter opens the source;
d / x / o mark the selected one done, dropped or open again (kept in coach's data, never in the notes)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import DataTable, Static

from coach.ui import keymap
from coach.ui.facts import age
from coach.ui.safe import cell, note_label, one_line, plain
from coach.ui.screens.base import CoachScreen

FILTERS = ("open", "done", "dropped", None)
MARKS = {"open": "▢ open", "maybe_done": "? maybe done", "done": "✓ done", "dropped": "✗ dropped"}
SHOWN_AS = {"open": ("open", "maybe_done")}
"""The open filter also shows "maybe done" items: they are not closed until the user confirms (d)."""
class CommitmentsScreen(CoachScreen):
    """`f` cycles the filter (open → done → dropped → all); d / x / o mark the selected commitment."""

    SCREEN_TITLE = "commitments"
    KEYMAP_SCOPE = "commitments"
    BINDINGS = keymap.bindings(KEYMAP_SCOPE)

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
        selected = getattr(self._current(), "id", None)  # a background re-sync must not move the cursor
        self.items = sorted(items, key=lambda item: (item.date, item.path), reverse=True)
        self._fill()
        self._select(selected)
        self.focus_main()

    def _select(self, commitment_id: str | None) -> None:
        rows = [i for i, item in enumerate(self.shown) if getattr(item, "id", None) == commitment_id]
        if commitment_id and rows:
            self.query_one("#commitment-table", DataTable).move_cursor(row=rows[0])

    def action_cycle_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self._fill()

    @property
    def shown(self) -> list:
        wanted = SHOWN_AS.get(self.filter, (self.filter,))
        return [item for item in self.items if self.filter is None or item.status in wanted]

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
        summary = " · ".join(f"{n} {status.replace('_', ' ')}" for status, n in counts.items()
                             if n or status != "maybe_done")
        self._say(f"Showing {self.filter or 'all'} · {summary} · d done · x drop · o reopen · enter opens the note")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The whole commitment and where it was settled, under the table (columns cut long text)."""
        item = self._current()
        if item is None:
            return
        self._show_detail(item)

    def _show_detail(self, item) -> None:
        settled = getattr(item, "status_path", None)
        how = f" · {item.status} in {note_label(None, settled)}" if settled else ""
        if settled and getattr(item, "evidence", None):  # every automatic change shows its evidence
            line = f":{item.evidence_line}" if getattr(item, "evidence_line", None) else ""
            how += f"{line}: “{item.evidence}”"
        if item.status == "maybe_done":
            how += " · d confirms done, o keeps it open"
        progress = getattr(item, "progress", ())
        if item.status == "open" and progress:  # the latest word on it that did not settle it
            how += f" · progress in {note_label(None, progress[-1].path)}:{progress[-1].line}: “{progress[-1].text}”"
        if getattr(item, "status_note", None):
            how = f" · {item.status_note} (your notes: {item.inferred_status})"
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

    def action_mark(self, status: str) -> None:
        """Mark the selected commitment; the service writes the status file in a worker."""
        item = self._current()
        if item is None or not getattr(item, "id", None):
            self.notify("Select a commitment first.", markup=False)
            return
        if item.status == status:
            self.notify(f"Already {status}.", markup=False)
            return
        self._mark(item, status)

    def _mark(self, item, status: str, *, undo: bool = False) -> None:
        service = self.app.service
        items = list(self.items)  # already tracked: marking need not track them all again
        before = item.status
        self.run_job(lambda: service.mark_action(item.id, status, among=items),
                     lambda marked: self._marked(marked, None if undo else before), group="mark")

    def _marked(self, marked, before: str | None) -> None:
        self.items = [marked if getattr(old, "id", None) == marked.id else old for old in self.items]
        table = self.query_one("#commitment-table", DataTable)
        row = table.cursor_row
        self._fill()
        if table.row_count:  # the same place: the next row when the marked one left this filter
            table.move_cursor(row=min(row, table.row_count - 1))
        how = getattr(marked, "status_note", None) or f"back to what your notes say ({marked.status})"
        text = one_line(f"{marked.text}: {how}", 200)
        if before is None:  # this was an undo: say so, offer no undo of the undo
            self.notify(text, title="Undone", markup=False)
        else:
            self.app.undo.offer(text, lambda: self._mark(marked, before, undo=True), title="Commitment")
        for screen in self.app.screen_stack:  # Home's open list, under this screen
            if screen is not self and callable(getattr(screen, "reload", None)):
                screen.reload()

    def _say(self, text: str) -> None:
        self.query_one("#commitments-status", Static).update(plain(text))
