"""`coach` with no subcommand: build the settings and the service, then run the terminal app."""

from __future__ import annotations

import importlib

from coach.commands.common import State


def launch_app() -> None:
    """Run the Textual app; CoachErrors raised before it starts reach cli.main's one-line handler."""
    from coach.agent.service import CoachService

    settings = State.settings()
    service = CoachService(settings)
    # Imported by name so headless commands (and the import contracts) never pull in Textual.
    ui = importlib.import_module("coach.ui.app")
    ui.build_app(settings, service).run()
