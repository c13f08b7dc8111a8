"""The `coach` command: headless subcommands (index, search, eval, ...); no subcommand opens the app."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from coach.commands import register_all
from coach.commands.common import State
from coach.errors import CoachError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="coach: a local-first reflection coach over your own mentoring notes.",
    pretty_exceptions_enable=False,
)

NotesOpt = Annotated[Path | None, typer.Option("--notes", help="Your notes folder (COACH_NOTES_DIR).")]
DataOpt = Annotated[
    Path | None, typer.Option("--data", help="Where coach keeps its index (COACH_DATA_DIR).")
]


@app.callback(invoke_without_command=True)
def _root(ctx: typer.Context, notes: NotesOpt = None, data: DataOpt = None) -> None:
    State.notes, State.data = notes, data
    if ctx.invoked_subcommand is None:
        from coach.commands.app import launch_app

        launch_app()


register_all(app)


def main() -> None:
    """Run the CLI; user-facing errors become one line on stderr and a non-zero exit."""
    from coach.commands import output as cli_output

    # Files coach creates (index, caches, logs) are private however the shell's umask is set; notes it
    # writes get an explicit mode (fsutil.create_new), so this never leaks into the notes folder.
    os.umask(0o077)
    _report_warnings(cli_output)
    try:
        code = app(standalone_mode=False)  # returns a command's typer.Exit code instead of exiting
        if isinstance(code, int) and code:
            sys.exit(code)
    except CoachError as exc:
        cli_output.error(exc.message)
        sys.exit(2 if exc.__class__.__name__ == "IndexBusyError" else 1)
    except KeyboardInterrupt:
        cli_output.error("interrupted")
        sys.exit(130)
    except PermissionError as exc:  # a folder or file coach must write is not writable: say which
        where = exc.filename or State.data or "its data folder"
        cli_output.error(f"Permission denied: coach cannot access {where}. Make it readable and writable for "
                         "your user, or point COACH_DATA_DIR / --data (or COACH_CONFIG_FILE) at paths you own.")
        sys.exit(1)
    except Exception as exc:  # click usage errors and anything unexpected: one line, no traceback
        _report_unexpected(exc)


def _report_warnings(cli_output) -> None:
    """The core reports self-repairs (a damaged file moved aside) through the `coach` logger."""
    import logging

    class _Line(logging.Handler):
        coach_cli = True

        def emit(self, record: logging.LogRecord) -> None:
            cli_output.info(f"coach: {record.getMessage()}")

    logger = logging.getLogger("coach")
    if not any(getattr(h, "coach_cli", False) for h in logger.handlers):
        logger.addHandler(_Line(logging.WARNING))
        logger.propagate = False


def _report_unexpected(exc: Exception) -> None:
    from coach.commands import output as cli_output

    # typer may vendor its own click, so match by duck type rather than isinstance
    if exc.__class__.__name__ == "Exit" and hasattr(exc, "exit_code"):
        sys.exit(exc.exit_code)
    if hasattr(exc, "show") and hasattr(exc, "exit_code"):
        exc.show()
        sys.exit(exc.exit_code)
    log = _crash_log(exc)
    cli_output.error(
        f"unexpected error: {exc.__class__.__name__}: {exc}" + (f" (details: {log})" if log else "")
    )
    sys.exit(1)


def _crash_log(exc: Exception) -> str | None:
    """Keep the traceback in a private file for a bug report, never on the user's screen."""
    import traceback

    try:
        from coach.fsutil import atomic_write
        from coach.paths import ensure_private_dir

        data = State.settings().data_dir
        folder = ensure_private_dir(data / "logs", root=data)
        path = atomic_write(folder / "last-error.log", "".join(traceback.format_exception(exc)), mode=0o600)
        return str(path)
    except Exception:
        return None
