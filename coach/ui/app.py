"""CoachApp: screens, key bindings, the command palette, and the worker that keeps the index fresh."""

from __future__ import annotations

import asyncio
import importlib
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from textual.screen import Screen

from coach.errors import CoachError
from coach.paths import ensure_private_dir
from coach.ui import keymap
from coach.ui.commands import CoachCommands
from coach.ui.freshness import IndexKeeper
from coach.ui.indexing import IndexingApp
from coach.ui.messages import NotesChanged
from coach.ui.safe import clean, one_line
from coach.ui.sample import has_notes
from coach.ui.state import IndexState
from coach.ui.undo import UndoKeeper

if TYPE_CHECKING:
    from coach.agent.api import CoachAPI
    from coach.config import Settings
    from coach.ui.facts import HomeFacts

# Keys that open a screen, and the screen class each one opens (imported on demand: first paint stays cheap).
SCREENS_BY_ACTION = {
    "home": ("coach.ui.screens.home", "HomeScreen"),
    "reflect": ("coach.ui.screens.reflect", "ReflectScreen"),
    "prepare": ("coach.ui.screens.prepare", "PrepareScreen"),
    "search": ("coach.ui.screens.search", "SearchScreen"),
    "ask": ("coach.ui.screens.ask", "AskScreen"),
    "commitments": ("coach.ui.screens.commitments", "CommitmentsScreen"),
    "notes": ("coach.ui.screens.notes", "NotesScreen"),
    "model": ("coach.ui.screens.model", "ModelScreen"),
    "growth": ("coach.ui.screens.growth", "GrowthScreen"),
}
KEPT_SCREENS = {"ask"}


class NoWaitExecutor(ThreadPoolExecutor):
    """The app's worker threads: shutting down never waits for them (the process leaves without them, see
    coach.commands.app.leave_promptly; every write coach makes is atomic or crash-safe)."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=True)


class CoachApp(IndexingApp):
    """The terminal app. Build it with `build_app(settings, service)`; tests hand it a fake service."""

    CSS_PATH = "coach.tcss"
    TITLE = "coach"
    # Only coach's own provider: Textual's system commands duplicated Quit, Theme and Keys.
    COMMANDS = {CoachCommands}
    BINDINGS = keymap.bindings(keymap.APP_SCOPE)  # the table and its rules: coach/ui/keymap.py
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, settings: Settings, service: CoachAPI, *, sync_on_start: bool = True) -> None:
        super().__init__()
        self.settings = settings
        self.service = service
        self.sync_on_start = sync_on_start
        # One writer at a time inside the app: a save's re-index must not race the background sync.
        self.engine_lock = threading.RLock()
        # The query model loads once: the warm-up worker and the first search must not both load it.
        self.model_lock = threading.Lock()
        self.home_facts: HomeFacts | None = None
        """The home screen's last reading of the notes (mentors, last session), reused by other screens."""
        self.keeper = IndexKeeper(self)
        """Re-syncs when notes change outside coach (file watcher, or a periodic sync)."""
        self.undo = UndoKeeper(self)
        """The last data change, undone by `u` while its toast shows."""

    # -- start-up -------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        from coach.ui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        # Thread workers run in the loop's default executor; asyncio.run waits for it at exit, so one still
        # reading commitments or embedding a batch would hold the exit for seconds. Not this one (in a real
        # terminal: tests keep waiting for their workers, so none outlives its temp folders).
        if not self.is_headless:
            asyncio.get_running_loop().set_default_executor(NoWaitExecutor(thread_name_prefix="coach-worker"))
        if not has_notes(self.settings.notes_dir):
            self.index_state = IndexState(phase="no-notes")
            self.show_first_run()
        elif self.sync_on_start:
            # After the first frame: worker threads importing big libraries would hold the GIL meanwhile.
            self.call_after_refresh(self.start_workers)

    def start_workers(self) -> None:
        self.sync_index()
        self.warm_models()
        self.keeper.start()

    def on_unmount(self) -> None:
        self.keeper.halt()  # the watcher thread ends within its poll interval

    def show_first_run(self) -> None:
        from coach.ui.screens.first_run import FirstRunScreen

        self.push_screen(FirstRunScreen(), callback=self._notes_chosen)

    def _notes_chosen(self, folder: Path | None) -> None:
        if folder is None:
            return
        # Settings are shared with the service and engine: the new folder takes effect everywhere at once.
        self.settings.notes_dir = folder
        self.index_state = IndexState()
        self.post_message(NotesChanged())
        self.start_workers()

    # -- navigation -----------------------------------------------------------------------------

    def action_open(self, name: str) -> None:
        """Open a screen; from anywhere but home it replaces the current one, so `esc` returns home."""
        if self.index_state.phase == "no-notes" and name != "model":
            self.notify("Choose a notes folder first (or try the sample notes).", markup=False)
            return
        module, cls_name = SCREENS_BY_ACTION[name]
        screen_cls = getattr(importlib.import_module(module), cls_name)
        if isinstance(self.screen, screen_cls):
            self.screen.focus_main()
            return
        if not self._may_leave():
            return
        target = self._kept(name, screen_cls)
        if name == "home":
            self.go_home()
        elif len(self.screen_stack) > 1 and not self.screen.is_modal:
            self.switch_screen(target)
        else:
            self.push_screen(target)

    def _kept(self, name: str, screen_cls):
        """Ask is installed once and kept: leaving it and coming back shows the same conversation."""
        if name not in KEPT_SCREENS:
            return screen_cls()
        if not self.is_screen_installed(name):
            self.install_screen(screen_cls(), name)
        return name

    def action_past_conversations(self) -> None:
        """Ask, with the list of past conversations open over it."""
        self.action_open("ask")
        if self.screen.__class__.__name__ == "AskScreen":
            self.call_after_refresh(self.screen.run_action, "history")

    def go_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def go_home(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def _may_leave(self) -> bool:
        """Unsaved edits on the current screen: the first key that would leave it warns instead."""
        confirm = getattr(self.screen, "confirm_leave", None)
        return confirm() if callable(confirm) else True

    def action_first_run(self) -> None:
        self.show_first_run()

    def action_undo(self) -> None:
        self.undo.undo()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """A screen with `APP_KEYS = False` (choosing the notes folder) runs none of the keymap's app actions
        but quit and help: a letter typed there must not open (or change) anything."""
        if getattr(self.screen, "APP_KEYS", True) or action in ("quit", "quit_softly", "help"):
            return True
        return action not in keymap.app_actions()

    async def action_quit_softly(self) -> None:
        """`q`: like ctrl+q, but unsaved edits on the current screen warn first (a second `q` quits)."""
        if self._may_leave():
            await self.action_quit()

    async def action_quit(self) -> None:
        """Stop every worker first (an answer being written ends within a token), then exit."""
        self.keeper.halt()
        self.workers.cancel_all()
        self.exit()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_help(self) -> None:
        from coach.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def open_note(self, path: str, line: int = 0, source: str = "notes", end_line: int | None = None) -> None:
        """Show a note (or a principle) rendered, scrolled to lines `line`..`end_line` of the file."""
        from coach.ui.screens.reader import ReaderScreen

        self.push_screen(ReaderScreen(path, line, source, end_line))

    # -- errors ---------------------------------------------------------------------------------

    def report_error(self, error: BaseException) -> None:
        """Every failure ends here: a notification that names the fix; the app carries on."""
        if isinstance(error, CoachError):
            self.notify(clean(error.message, 600), title=error.title, severity="error", timeout=12, markup=False)
            return
        log = self._crash_log(error)
        detail = f"{type(error).__name__}: {one_line(error, 300)}"
        hint = f" Details were saved to {log}." if log else ""
        self.notify(detail + hint, title="Something went wrong", severity="error", timeout=15, markup=False)

    def _crash_log(self, error: BaseException) -> str | None:
        """Keep the traceback in a private file for a bug report, never on screen."""
        try:
            folder = ensure_private_dir(Path(self.settings.data_dir) / "logs")
            path = folder / "last-error.log"
            path.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
            return str(path)
        except Exception:
            return None


def build_app(settings: Settings, service: CoachAPI, *, sync_on_start: bool = True) -> CoachApp:
    """The app for these settings and this service (the real CoachService, or a fake in tests)."""
    return CoachApp(settings, service, sync_on_start=sync_on_start)
