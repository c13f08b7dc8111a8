"""Commitments: open / done / dropped, with the note each came from and its age; enter opens the source;
d / x / o mark the selected one done, dropped or open again (kept in coach's data, never in the notes)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import DataTable, Static

from coach.agent.marks import UNMARK, checkin_cite
from coach.ui import keymap
from coach.ui.facts import age
from coach.ui.glance import owned_text
from coach.ui.safe import cell, note_label, one_line, plain
from coach.ui.screens.base import CoachScreen

FILTERS = ("open", "done", "dropped", None)
MARKS = {"open": "▢ open", "maybe_done": "? maybe done", "done": "✓ done", "dropped": "✗ dropped"}
STATUS_WORDS = {"maybe_done": "maybe done"}
SHOWN_AS: dict[str, tuple[str, ...]] = {"open": ("open", "maybe_done")}
"""The open filter also shows "maybe done" items: they are not closed until the user confirms (d)."""
FIXED_WIDTH = 9 + 10 + 2 * 5 + 2
"""Age and date columns, each column's padding, and the scroll bar."""


def _people(service):
    """The notes' people from the index (None when it cannot say: the names are then shown as written)."""
    try:
        return service.engine.searcher.people()
    except Exception:
        return None

def _settled(item) -> str:
    """' · done in NOTE:LINE (DATE): “the sentence”': every automatic change with its evidence."""
    settled = getattr(item, "status_path", None)
    if not settled:
        return ""
    line = f":{item.evidence_line}" if getattr(item, "evidence_line", None) else ""
    when = getattr(item, "status_date", None)
    # The keys first: at 80x24 the detail has three lines, and a long sentence must not push them out.
    keys = " (d confirms done, o keeps it open)" if item.status == "maybe_done" else ""
    how = f" · {STATUS_WORDS.get(item.status, item.status)}{keys} in {note_label(None, settled)}{line}"
    how += f" ({when.isoformat()})" if when else ""
    cited = getattr(item, "cited", None) or getattr(item, "evidence", None)
    return how + (f": “{one_line(cited, 160)}”" if cited else "")


def _checkin_mark(item) -> str:
    """'marked done by your check-in answer “done” in 2026-12-02 · reflection - Helen:17': the answer is the
    evidence sentence (the question repeats the commitment shown just before it)."""
    answer = item.checkin
    line = f":{answer.line}" if answer.line else ""
    verb = "reopened" if item.status == "open" else f"marked {item.status}"
    return f"{verb} by your check-in answer “{answer.answer}” in {note_label(answer.on.isoformat(), answer.note)}{line}"


class CommitmentsScreen(CoachScreen):
    """`f` cycles the filter (open → done → dropped → all); d / x / o mark the selected commitment."""

    SCREEN_TITLE = "commitments"
    KEYMAP_SCOPE = "commitments"
    BINDINGS = keymap.bindings(KEYMAP_SCOPE)

    def __init__(self) -> None:
        super().__init__()
        self.items: list = []
        self.filter: str | None = "open"
        self.people = None
        """The notes' people (spellings of one mentor grouped), to show each mentor under one name."""
        self._laid_out: tuple[int, int, int] = (0, 0, 0)

    def compose_body(self) -> Iterable[Widget]:
        yield Static("Reading commitments…", id="commitments-status", classes="status", markup=False)
        yield DataTable(id="commitment-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="commitment-detail", classes="status", markup=False)

    def on_mount(self) -> None:
        self._columns()
        self.reload()

    def on_resize(self) -> None:
        if self._widths() != self._laid_out:
            self._columns()
            self._fill()

    def _widths(self) -> tuple[int, int, int]:
        """(commitment, mentor, status) column widths: the commitment takes what the others leave; under
        100 columns the status is its mark alone (▢ ? ✓ ✗) and the mentor column narrower."""
        width = self.size.width or self.app.size.width
        mentor, status = (18, 12) if width >= 110 else (14, 12) if width >= 100 else (14, 1)
        return max(24, width - FIXED_WIDTH - mentor - status), mentor, status

    def _columns(self) -> None:
        table = self.query_one("#commitment-table", DataTable)
        table.clear(columns=True)
        self._laid_out = self._widths()
        text, mentor, status = self._laid_out
        for label, width in (("Status" if status > 1 else "", status), ("Age", 9), ("Commitment", text), ("Mentor", mentor), ("Date", 10)):
            table.add_column(label, width=width)

    def focus_main(self) -> None:
        self.query_one("#commitment-table", DataTable).focus()

    def reload(self) -> None:
        service = self.app.service
        self.run_job(lambda: (service.commitments(None), _people(service)), self._loaded, group="commitments",
                     failed=lambda error: self._say("Commitments could not be read: see the message."))

    def _loaded(self, found: tuple) -> None:
        items, self.people = found
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
        if self.filter is None:
            return list(self.items)
        wanted = SHOWN_AS.get(self.filter, (self.filter,))
        return [item for item in self.items if item.status in wanted]

    def _fill(self) -> None:
        table = self.query_one("#commitment-table", DataTable)
        table.clear()
        text, mentor, status = self._laid_out
        for item in self.shown:
            table.add_row(
                cell(MARKS.get(item.status, item.status)[:status]),
                cell(age(item.age_days)),
                cell(owned_text(item), text),
                cell(self.person(item.mentor), mentor),
                cell(item.date.isoformat()),
            )
        self._say(self._summary())

    def person(self, mentor: str | None) -> str:
        """One name per mentor ("Helen O-S" and "Dr Helen Okonkwo-Shaw" are one person)."""
        if not mentor:
            return ""
        return (self.people.person_of(mentor) if self.people is not None else None) or mentor

    def _summary(self) -> str:
        """What is shown and the count that matters; the other filters' counts after it, briefly."""
        counts = {status: sum(1 for i in self.items if i.status == status) for status in MARKS}
        counts["open"] += counts.pop("maybe_done")  # shown with the open ones, counted among them
        maybe = sum(1 for i in self.items if i.status == "maybe_done")
        maybe_note = f" ({maybe} maybe done: d confirms)" if maybe else ""
        others = [f"{n} {status}{maybe_note if status == 'open' else ''}" for status, n in counts.items()
                  if n and status != self.filter]
        if self.filter is None:
            head = f"all {len(self.items)}:"
            return " ".join([head, " · ".join([*others, "f filter"])])
        head = f"{counts[self.filter]} {self.filter}" + (maybe_note if self.filter == "open" else "")
        return " · ".join([head, *others, "f filter"])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The whole commitment and where it was settled, under the table (columns cut long text)."""
        item = self._current()
        if item is None:
            return
        self._show_detail(item)

    def _show_detail(self, item) -> None:
        how = _settled(item)
        if item.status == "maybe_done" and not getattr(item, "status_path", None):
            how += " · d confirms done, o keeps it open"
        progress = getattr(item, "progress", ())
        if item.status == "open" and progress:  # the latest word on it that did not settle it
            last = progress[-1]
            how += f" · progress in {note_label(None, last.path)}:{last.line} ({last.date}): “{last.text}”"
        checkin = getattr(item, "checkin", None)
        if getattr(item, "status_note", None):
            notes_say = STATUS_WORDS.get(item.inferred_status, item.inferred_status)
            how = f" · {_checkin_mark(item) if checkin is not None else item.status_note} (your notes: {notes_say})"
        elif checkin is not None:  # "not yet" on one still open: the answer, the notes still decide
            how += f" · check-in: you answered “{checkin.answer}” in {checkin_cite(checkin)}"
        who = f" · {self.person(item.mentor)}" if item.mentor else ""
        text = f"{item.text} — {note_label(item.date.isoformat(), item.path)}{who}{how}"
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
        # Undo puts back the mark it had, or none: a "maybe done" read from the notes is not a mark to make.
        before = item.status if getattr(item, "marked_on", None) is not None else UNMARK
        self.run_job(lambda: service.mark_commitment(item.id, status, among=items),
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
            reload = getattr(screen, "reload", None)
            if screen is not self and callable(reload):
                reload()

    def _say(self, text: str) -> None:
        self.query_one("#commitments-status", Static).update(plain(text))
