"""Shared CLI plumbing: global options, settings, the engine and option parsing helpers."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from coach.errors import CoachError

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


class State:
    """Global options (--notes, --data), resolved into Settings on first use."""

    notes: Path | None = None
    data: Path | None = None

    @classmethod
    def settings(cls):
        from coach.config import load_settings

        return load_settings(notes_dir=cls.notes, data_dir=cls.data)


def engine():
    from coach.retrieval.engine import Engine

    return Engine(State.settings())


def check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise CoachError(f"--{name} must be one of {', '.join(choices)} (got {value!r}).")


def date_opt(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CoachError(f"--{name} needs a date like 2025-06-01 (got {value!r}).") from None
