"""Notes browser: every note by date and mentor, filtered as you type; enter reads it, e opens $EDITOR."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from coach.ui import keymap
from coach.ui.safe import cell, plain
from coach.ui.screens.base import CoachScreen


class NotesScreen(CoachScreen):
    """Newest first; the filter matches title, mentor, kind and file name."""

    SCREEN_TITLE = "notes"
    KEYMAP_SCOPE = "notes"
    BINDINGS = keymap.bindings(KEYMAP_SCOPE)

    def __init__(self) -> None:
        super().__init__()
        self.notes: list = []
        self.skipped: list = []

    def compose_body(self) -> Iterable[Widget]:
        yield Input(placeholder="Filter by title, mentor, kind or file name", id="notes-filter")
        yield Static("Reading the notes folder…", id="notes-status", classes="status", markup=False)
        yield DataTable(id="notes-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#notes-table", DataTable).add_columns("Date", "Mentor", "Kind", "Title")
        self.reload()

    def focus_main(self) -> None:
        self.query_one("#notes-table", DataTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#notes-filter", Input).focus()

    def reload(self) -> None:
        engine = self.app.service.engine
        self.run_job(engine.scan_notes, self._loaded, group="scan")

    def _loaded(self, scan) -> None:
        self.notes = sorted(scan.notes, key=lambda n: (n.date, n.path), reverse=True)
        self.skipped = list(scan.skipped)
        self._fill()
        self.focus_main()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_main()

    @property
    def shown(self) -> list:
        words = self.query_one("#notes-filter", Input).value.casefold().split()
        return [n for n in self.notes if all(w in _haystack(n) for w in words)]

    def _fill(self) -> None:
        table = self.query_one("#notes-table", DataTable)
        table.clear()
        shown = self.shown
        for note in shown:
            table.add_row(cell(note.date.isoformat()), cell(note.mentor or "", 20), cell(note.kind),
                          cell(note.title, 80))
        skipped = f" · {len(self.skipped)} file(s) skipped (unreadable, empty or binary)" if self.skipped else ""
        self.query_one("#notes-status", Static).update(
            plain(f"{len(shown)} of {len(self.notes)} notes{skipped} · enter reads · e edits"))

    def _current(self):
        table = self.query_one("#notes-table", DataTable)
        shown = self.shown
        return shown[table.cursor_row] if shown and 0 <= table.cursor_row < len(shown) else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        note = self._current()
        if note is not None:
            self.app.open_note(note.path)

    def action_edit(self) -> None:
        note = self._current()
        if note is not None:
            from coach.ui.screens.reader import ReaderScreen

            reader = ReaderScreen(note.path)
            self.app.push_screen(reader)
            self.app.call_after_refresh(reader.action_edit)


def _haystack(note) -> str:
    return f"{note.title} {note.mentor or ''} {note.kind} {note.path}".casefold()
