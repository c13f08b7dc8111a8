"""`coach` with no subcommand: build the settings and the service, then run the terminal app."""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time

from coach.commands.common import State

EXIT_GRACE = 0.2
"""Seconds the process waits, after the app closed, for worker threads still finishing (a search, a batch)."""


def launch_app() -> None:
    """Run the Textual app; CoachErrors raised before it starts reach cli.main's one-line handler."""
    from coach.agent.service import CoachService

    settings = State.settings()
    service = CoachService(settings)
    # Imported by name so headless commands (and the import contracts) never pull in Textual.
    ui = importlib.import_module("coach.ui.app")
    app = ui.build_app(settings, service)
    app.run()
    leave_promptly(app.return_code or 0)


def leave_promptly(code: int) -> None:
    """Exit now: neither a worker thread still busy (an index batch, reading commitments) nor the
    interpreter's teardown of the loaded models and the store (measured: ~6 s on a busy machine) may hold
    the terminal after the app closed. Everything coach writes is atomic or crash-safe (RELIABILITY.md)."""
    deadline = time.monotonic() + EXIT_GRACE
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join(max(0.0, deadline - time.monotonic()))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
