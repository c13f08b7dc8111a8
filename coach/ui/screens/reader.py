"""Read one note rendered as Markdown, scrolled to a passage; `e` opens it in $EDITOR."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Iterable
from pathlib import Path

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Markdown, Static

from coach import paths
from coach.errors import NotesError
from coach.notes.reader import read_note
from coach.ui import keymap
from coach.ui.safe import clean, one_line
from coach.ui.screens.base import CoachScreen


class ReaderScreen(CoachScreen):
    """A note's header (title, date, mentor, file) and its body; the passage at `line` is brought into view."""

    SCREEN_TITLE = "note"
    KEYMAP_SCOPE = "reader"
    BINDINGS = keymap.bindings(KEYMAP_SCOPE)

    def __init__(self, path: str, line: int = 0, source: str = "notes", end_line: int | None = None) -> None:
        super().__init__()
        self.path, self.line, self.source = path, line, source
        self.end_line = max(end_line or line, line)
        self.note = None

    def compose_body(self) -> Iterable[Widget]:
        yield Static(Content(one_line(self.path, 200)), id="reader-head")
        with VerticalScroll(id="reader-body"):
            yield Markdown("", id="note-body", open_links=False)

    def on_mount(self) -> None:
        self.reload()

    def focus_main(self) -> None:
        self.query_one("#reader-body").focus()

    @property
    def root(self) -> Path:
        return paths.knowledge_dir() if self.source == "knowledge" else self.app.service.engine.notes_dir()

    def reload(self) -> None:
        root = self.root
        self.run_job(lambda: _read(root, self.path, self.app.settings.max_note_bytes), self._show, group="read")

    async def _show(self, note) -> None:
        self.note = note
        who = " · ".join(part for part in (note.date.isoformat(), note.mentor, note.kind) if part)
        self.query_one("#reader-head", Static).update(
            Content.assemble((one_line(note.title, 120), "bold"), "\n", (one_line(f"{who} · {note.path}", 200), "$text-muted"))
        )
        markdown = self.query_one("#note-body", Markdown)
        await markdown.update(clean(note.body))
        self.call_after_refresh(self._scroll_to_passage, markdown, note)
        self.focus_main()

    def _scroll_to_passage(self, markdown: Markdown, note) -> None:
        """Mark the blocks of the passage and scroll the first into view.

        Hit lines count from 1 at the top of the file; blocks count from 0 at the top of the body."""
        if self.line <= 0:
            return
        first, last = self.line - note.body_offset, self.end_line - note.body_offset
        passage = [block for block in markdown.children if _overlaps(block, first, last)]
        for block in passage:
            block.add_class("passage")
        if passage:
            self.query_one("#reader-body", VerticalScroll).scroll_to_widget(passage[0], top=True, animate=False)

    def action_edit(self) -> None:
        if self.source == "knowledge":
            self.notify("Principles ship with coach; they are read-only here.", markup=False)
            return
        path = self.root / self.path
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            with self.app.suspend():
                subprocess.run([*shlex.split(editor), str(path)], check=False)
        except Exception as exc:  # no terminal to hand over (headless), or the editor is missing
            self.app.report_error(NotesError(f"Could not open {editor}: {exc}. Set $EDITOR to your editor."))
            return
        self.reload()
        self.app.sync_index()


def _overlaps(block, first: int, last: int) -> bool:
    start, end = getattr(block, "source_range", (0, 0))
    return start <= last and end > first


def _read(root: Path, rel: str, max_bytes: int):
    """The note, or a NotesError that says why it cannot be shown."""
    result = read_note(root / rel, root, max_bytes)
    if not hasattr(result, "body"):
        raise NotesError(f"Cannot show {rel}: {result.reason}.")
    return result
