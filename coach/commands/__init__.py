"""The CLI's subcommands, one module per area; `register_all` attaches them to the typer app."""

from __future__ import annotations

import importlib

# Each module defines `register(app)`. Kept as names so a missing optional area never breaks the rest.
MODULES = (
    "coach.commands.library", "coach.commands.ask", "coach.commands.doctor", "coach.commands.coaching",
    "coach.commands.growth",
)


def register_all(app) -> None:
    for name in MODULES:
        importlib.import_module(name).register(app)
