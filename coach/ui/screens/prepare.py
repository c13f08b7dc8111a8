"""Prepare: the drafted agenda for a mentor as an editable list; save as a note, export, or copy."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, ListItem, ListView, Select, Static

from coach.paths import ensure_private_dir
from coach.ui import agenda_edit as ed
from coach.ui import keymap
from coach.ui.reflection import saved_title
from coach.ui.safe import clean, one_line, plain
from coach.ui.screens.base import CoachScreen


class PrepareScreen(CoachScreen):
    """`items` is the user's working copy; the service's agenda object is only rebuilt from it to save.

    Saves: one at a time ("Saving…" at once, confirmed when the file is written, then re-indexed);
    saving the same items again writes no copy; leaving with unsaved edits asks for esc twice."""

    SCREEN_TITLE = "prepare"
    KEYMAP_SCOPE = "prepare"
    BINDINGS = keymap.bindings(KEYMAP_SCOPE)
    UNSAVED_WARNING = "This agenda has edits that are not saved: s saves it, esc again leaves without saving."

    def __init__(self) -> None:
        super().__init__()
        self.agenda = None
        self.items: list = []
        self._editing: str | None = None  # "edit" | "add" while the editor is open
        self.saving = False
        self.saved: tuple[list, str] | None = None
        """(the items as last saved, the note's path): saving them unchanged again makes no copy."""
        self.edited = False
        """Edits since the draft or the last save (showing the full list is not an edit)."""
        self.showing_full = False
        self.more: list = []
        """The rest of the full list (f), each commitment in its own words."""
        self.people: list[str] = []
        """The mentors (then the people you mentor) in the box, in its order."""

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="prepare-head"):
            yield Select([], prompt="mentor", id="mentor-select")
            yield Static("Drafting the agenda…", id="prepare-status", classes="status", markup=False)
        yield ListView(id="agenda")
        yield Static("", id="item-source", markup=False)
        yield Input(placeholder="Edit the item and press enter (esc cancels)", id="item-editor")

    def on_mount(self) -> None:
        self.query_one("#item-editor").display = False
        facts = self.app.home_facts
        mentors: list[str] = facts.mentors if facts else []
        mentees = [m for m in (getattr(facts, "mentees", []) if facts else []) if m not in mentors]
        select = self.query_one("#mentor-select", Select)
        self.people = mentors + mentees
        select.set_options([(one_line(m, 40), m) for m in mentors] +
                           [(one_line(f"{m} (you mentor)", 40), m) for m in mentees])
        if mentors or mentees:
            select.value = (mentors or mentees)[0]
        self.draft()

    def action_next_mentor(self) -> None:
        """The agenda for the next person in the box (one key: a mentee with two mentors sees both)."""
        select = self.query_one("#mentor-select", Select)
        values = self.people
        if len(values) < 2:
            self.notify("Your notes name one mentor: there is no other agenda to draft.", markup=False)
            return
        current = values.index(select.value) if select.value in values else -1
        select.value = values[(current + 1) % len(values)]  # Select.Changed drafts it

    def focus_main(self) -> None:
        self.query_one("#agenda", ListView).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.agenda is not None:
            self.draft()

    def draft(self) -> None:
        select = self.query_one("#mentor-select", Select)
        mentor = None if select.is_blank() else str(select.value)
        service = self.app.service
        self._say("Drafting the agenda…")
        self.run_job(lambda: service.agenda(mentor), self._drafted, group="agenda",
                     failed=lambda error: self._say("No agenda: see the message."))

    async def _drafted(self, agenda) -> None:
        self.agenda = agenda
        self.items = ed.in_own_words(agenda.items)
        self.more = ed.in_own_words(getattr(agenda, "more", []))  # the age beside them, not in their text
        self.saved, self.edited = None, False
        self.showing_full = False
        await self.render_items(0)
        self.focus_main()

    def has_unsaved(self) -> bool:
        """Edits since the draft or the last save (a fresh draft needs no warning: it can be drafted again)."""
        return self.agenda is not None and self.edited

    async def render_items(self, index: int) -> None:
        view = self.query_one("#agenda", ListView)
        await view.clear()
        await view.extend(ListItem(Static(self._row(i), markup=False)) for i in range(len(self.items)))
        if self.items:
            view.index = max(0, min(index, len(self.items) - 1))
        self._show_source()
        if self.agenda is not None and not self.saving:
            self._say(self._summary())  # the count follows every drop and add

    def _row(self, i: int) -> Content:
        item = self.items[i]
        first = i == 0 or self.items[i - 1].section != item.section
        line = Content.assemble("▢ ", clean(item.text), (ed.age_note(item), "$text-muted"))
        if not first:
            return line
        return Content.assemble((ed.section_title(item.section), "bold $text-primary"), "\n", line)

    def _summary(self) -> str:
        """How many items, and what else is one key away (the mentor is in the box beside it)."""
        agenda = self.agenda
        more, confirm = len(getattr(agenda, "more", [])), len(getattr(agenda, "confirm", []))
        text = f"{len(self.items)} items"
        if more:
            text += " · f ranked list" if self.showing_full else f" · f full list (+{more})"
        if confirm:
            text += f" · {confirm} may be done: confirm in c"
        return text

    async def action_full_list(self) -> None:
        """Show every open item (the full list), or the ranked agenda again; edits to the rest are kept."""
        if self.agenda is None:
            return
        more = self.more
        if self.showing_full:
            self.items = [item for item in self.items if not any(item is m for m in more)]
        else:
            self.items = self.items + [m for m in more if not any(m is item for item in self.items)]
        self.showing_full = not self.showing_full
        await self.render_items(self.index)

    @property
    def index(self) -> int:
        return self.query_one("#agenda", ListView).index or 0

    def on_list_view_highlighted(self, event: ListView.Highlighted) -> None:
        self._show_source()

    def _show_source(self) -> None:
        text = ed.source_line(self.items[self.index]) if self.items else "Nothing on the agenda: i adds an item."
        self.query_one("#item-source", Static).update(plain(one_line(text, 300)))

    def action_cursor(self, delta: int) -> None:
        view = self.query_one("#agenda", ListView)
        view.action_cursor_down() if delta > 0 else view.action_cursor_up()

    async def action_move(self, delta: int) -> None:
        items, index = ed.move(self.items, self.index, delta)
        self.edited = self.edited or items != self.items
        self.items = items
        await self.render_items(index)

    async def action_drop(self) -> None:
        if self.items:
            dropped = self.items[self.index]
            await self._change(ed.drop(self.items, self.index), self.index, f"Dropped “{one_line(dropped.text, 80)}”")

    async def _change(self, items: list, index: int, message: str) -> None:
        """Apply an edit to the list and offer to undo it (`u`, while the toast shows)."""
        before, at, was_edited = list(self.items), self.index, self.edited
        self.items, self.edited = items, True
        await self.render_items(index)

        async def undo() -> None:
            self.items, self.edited = before, was_edited
            await self.render_items(at)
            self.focus_main()

        self.app.undo.offer(message, undo, title="Agenda")

    def action_edit(self) -> None:
        if self.items:
            self._open_editor("edit", self.items[self.index].text)

    def action_add(self) -> None:
        self._open_editor("add", "")

    def _open_editor(self, mode: str, text: str) -> None:
        self._editing = mode
        editor = self.query_one("#item-editor", Input)
        editor.value = text
        editor.display = True
        editor.focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        text = " ".join(event.value.split())
        mode, self._editing = self._editing, None
        event.input.display = False
        index = self.index
        self.focus_main()
        if text and mode == "edit" and text != self.items[index].text:
            await self._change(ed.edit(self.items, index, text), index, f"Edited “{one_line(text, 80)}”")
        elif text and mode == "add":
            items, index = ed.add(self.items, index, text)
            await self._change(items, index, f"Added “{one_line(text, 80)}”")

    def action_back(self) -> None:
        if self._editing is not None:
            self._editing = None
            self.query_one("#item-editor").display = False
            self.focus_main()
            return
        super().action_back()  # asks for a second esc when there are unsaved edits

    def markdown(self) -> str:
        return ed.to_markdown(self.agenda, ed.for_saving(self.items))

    def action_save(self) -> None:
        if self.agenda is None:
            self.notify("The agenda is still being drafted.", markup=False)
            return
        if self.saving:
            self.notify("Saving already: one file is being written.", markup=False)
            return
        if self.saved is not None and self.saved[0] == self.items:
            self.notify(clean(f"Already saved as {self.saved[1]} (nothing changed since)."), markup=False)
            return
        self.saving = True
        self._say("Saving…")
        service, items = self.app.service, list(self.items)
        agenda = ed.with_items(self.agenda, ed.for_saving(items))

        def save():  # written first and confirmed; the app re-indexes it after (no wait for a running sync)
            return saved_title(service, service.save_agenda(agenda, index=False))

        self.run_job(save, lambda result: self._saved(result, items), group="save", failed=self._save_failed)

    def _saved(self, result, items: list) -> None:
        title, path = result
        self.saving, self.saved = False, (items, path)
        self.edited = self.items != items  # an edit made while it was saving is still unsaved
        self._say(f"Saved “{title}” as {path}")
        self.notify(clean(f"Saved “{title}” to {path}"), title="Agenda saved", markup=False)
        self.app.sync_index()  # indexes the new note and refreshes the counts everywhere

    def _save_failed(self, error: BaseException) -> None:
        self.saving = False
        self._say("Not saved: see the message. s tries again.")

    def action_export(self) -> None:
        if self.agenda is None:
            return
        folder = Path(self.app.settings.data_dir) / "exports"
        name = f"agenda-{datetime.now():%Y%m%d-%H%M%S}.md"
        text = self.markdown()

        def export() -> Path:
            target = ensure_private_dir(folder) / name
            target.write_text(text, encoding="utf-8")
            return target

        self.run_job(export, lambda path: self.notify(clean(f"Exported to {path}"), title="Agenda exported",
                                                      markup=False), group="export")

    def action_copy(self) -> None:
        if self.agenda is not None:
            self.app.copy_to_clipboard(self.markdown())
            self.notify("Copied the agenda as Markdown (if your terminal allows clipboard access).", markup=False)

    def _say(self, text: str) -> None:
        self.query_one("#prepare-status", Static).update(plain(text))
