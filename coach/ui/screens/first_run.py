"""First run: choose the notes folder, or start with the bundled sample notes in one keystroke."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from coach.errors import CoachError
from coach.ui import keymap
from coach.ui.config_file import update_config
from coach.ui.safe import clean
from coach.ui.sample import has_notes, install_sample_notes
from coach.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from textual import getters

    from coach.ui.app import CoachApp

WELCOME = (
    "Welcome to coach.\n\n"
    "Point it at the folder where you keep your mentoring notes: Markdown or .txt files, "
    "an Obsidian vault works. coach reads them and never edits a file it did not write. "
    "Nothing leaves this machine.\n\n"
    "No notes yet? Try the sample notes of Lena, a design lead, and her mentors Rosa and Theo (ctrl+t)."
)


class FirstRunScreen(Screen[Path | None]):
    """Dismisses with the chosen folder (saved to the config file), or None when left.

    Its job is typing a path, so the path box has the cursor; the app's letter keys are off here
    (APP_KEYS), so a letter typed with a button focused never opens another screen or changes data."""

    KEYMAP_SCOPE = "first_run"
    APP_KEYS = False
    BINDINGS = keymap.bindings(KEYMAP_SCOPE)
    if TYPE_CHECKING:
        app = getters.app(CoachApp)

    def compose(self) -> ComposeResult:
        yield TopBar("welcome")
        yield Static(WELCOME, id="welcome", markup=False)
        current = self.app.settings.notes_dir
        yield Input(str(current or ""), placeholder="~/notes/mentoring", id="folder")
        with Horizontal(id="first-run-buttons"):
            yield Button("Use this folder", id="use-folder", variant="primary")
            yield Button("Try the sample notes", id="use-sample")
        yield Static("", id="first-run-error", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#folder", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "use-folder":
            self.use_folder(self.query_one("#folder", Input).value)
        else:
            self.action_sample()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.use_folder(event.value)

    def action_sample(self) -> None:
        try:
            folder = install_sample_notes(Path(self.app.settings.data_dir))
        except CoachError as exc:
            self._problem(exc.message)
            return
        self._save(folder, "Sample notes ready: Lena Marsh and her mentors Rosa and Theo.")

    def use_folder(self, text: str) -> None:
        if not text.strip():
            self._problem("Type the path of your notes folder, or try the sample notes.")
            return
        folder = Path(text.strip()).expanduser().resolve()
        if not folder.is_dir():
            self._problem(f"There is no folder at {folder}. Check the path (~ works).")
            return
        note = "" if has_notes(folder) else " It has no .md or .txt notes yet; reflections you save will go there."
        self._save(folder, f"Using {folder}.{note}")

    def _save(self, folder: Path, message: str) -> None:
        try:
            update_config({"notes_dir": folder})
        except CoachError as exc:
            self._problem(exc.message)
            return
        self.notify(clean(message), title="Notes folder saved", markup=False)
        self.dismiss(folder)

    def _problem(self, text: str) -> None:
        self.query_one("#first-run-error", Static).update(clean(text))

    def action_leave(self) -> None:
        self.dismiss(None)
