"""What every coach screen shares: the top bar, the footer, going back, and slow calls run off the UI thread."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.worker import Worker, WorkerState, get_current_worker

from coach.ui import keymap
from coach.ui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from textual import getters

    from coach.ui.app import CoachApp


class CoachScreen(Screen):
    """A full screen with the top bar and footer; `run_job` keeps every slow call in a thread worker."""

    SCREEN_TITLE = ""
    KEYMAP_SCOPE = ""
    """This screen's rows in coach/ui/keymap.py (its BINDINGS are `keymap.bindings(KEYMAP_SCOPE)`)."""
    BINDINGS = [Binding("escape", "back", "Back")]
    if TYPE_CHECKING:
        app = getters.app(CoachApp)  # Textual's typed app: the checker sees coach's (its service is a CoachAPI)

    def compose(self) -> ComposeResult:
        yield TopBar(self.SCREEN_TITLE)
        yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> Iterable[Widget]:
        return ()

    def focus_main(self) -> None:
        """Put the cursor where this screen's work happens (pressing its key again lands here)."""
        self.focus_next()

    UNSAVED_WARNING = "There are changes that are not saved: press esc again to leave without saving them."
    _leave_warned = False

    def has_unsaved(self) -> bool:
        """True while the screen holds edits that leaving would throw away (Prepare, Reflect)."""
        return False

    def confirm_leave(self) -> bool:
        """May the user leave now? With unsaved edits, the first attempt warns and stays; the next leaves."""
        if not self.has_unsaved() or self._leave_warned:
            return True
        self._leave_warned = True
        self.notify(self.UNSAVED_WARNING, title="Not saved", severity="warning", timeout=6, markup=False)
        return False

    def action_focus_main(self) -> None:
        self.focus_main()

    def action_back(self) -> None:
        if self.confirm_leave():
            self.app.go_back()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Keys that change a list act only while that list has focus (the keymap's `needs`)."""
        needed = keymap.needs_focus(self.KEYMAP_SCOPE, action)
        if needed is not None and (self.focused is None or self.focused.id != needed):
            return False
        return True

    def run_job(
        self,
        job: Callable[[], Any],
        done: Callable[[Any], Any],  # may be async: awaited on the UI thread
        *,
        group: str = "job",
        failed: Callable[[BaseException], None] | None = None,
    ) -> Worker:
        """Run `job` in a thread; `done(result)` or `failed(error)` then run on the UI thread.

        A newer job in the same group supersedes an older one (its result is dropped)."""

        def body() -> None:
            worker = get_current_worker()
            try:
                result = job()
            except Exception as exc:  # every failure becomes a message on screen, never a crash
                if not worker.is_cancelled:
                    self.app.call_from_thread(self._job_failed, exc, failed)
                return
            if not worker.is_cancelled:
                # Textual's `Callable[..., T | Awaitable[T]]` leaves mypy no T for a coroutine function.
                self.app.call_from_thread(self._job_done, done, result)  # type: ignore[arg-type]

        return self.run_worker(body, thread=True, exit_on_error=False, group=group, exclusive=True)

    async def _job_done(self, done: Callable[[Any], Any], result: Any) -> None:
        if self.is_attached:
            outcome = done(result)
            if inspect.isawaitable(outcome):
                await outcome

    def _job_failed(self, error: BaseException, failed: Callable[[BaseException], None] | None) -> None:
        self.app.report_error(error)
        if failed is not None and self.is_attached:
            failed(error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A worker that raised past run_job (a bug) still ends as a notification, not an exit.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.app.report_error(event.worker.error)
