"""The `coach` command: headless subcommands (index, search, eval, ...); no subcommand opens the app."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from coach.errors import CoachError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="coach: a local-first reflection coach over your own mentoring notes.",
    pretty_exceptions_enable=False,
)

NotesOpt = Annotated[Optional[Path], typer.Option("--notes", help="Your notes folder (COACH_NOTES_DIR).")]
DataOpt = Annotated[Optional[Path], typer.Option("--data", help="Where coach keeps its index (COACH_DATA_DIR).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


class State:
    """Global options, resolved into Settings on first use."""

    notes: Path | None = None
    data: Path | None = None

    @classmethod
    def settings(cls):
        from coach.config import load_settings

        return load_settings(notes_dir=cls.notes, data_dir=cls.data)


@app.callback(invoke_without_command=True)
def _root(ctx: typer.Context, notes: NotesOpt = None, data: DataOpt = None) -> None:
    State.notes, State.data = notes, data
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


def _engine():
    from coach.retrieval.engine import Engine

    return Engine(State.settings())


@app.command()
def index(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Drop the index and rebuild it from the notes.")] = False,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait if another coach is indexing.")] = 0.0,
    as_json: JsonOpt = False,
) -> None:
    """Sync your notes folder (and the principles library) into the index."""
    from coach import cli_views

    engine = _engine()
    reports = engine.sync(progress=cli_views.progress_printer(), rebuild=rebuild, wait=wait)
    cli_views.show_index(reports, as_json)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in your own words.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=100, help="How many results.")] = 5,
    mentor: Annotated[Optional[str], typer.Option(help="Only notes with this mentor (partial, any case).")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only notes on/after YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only notes on/before YYYY-MM-DD.")] = None,
    kind: Annotated[Optional[str], typer.Option(help="session | reflection | agenda | review | other.")] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", help="Only notes with this tag (repeatable).")] = None,
    source: Annotated[str, typer.Option(help="notes | knowledge | all.")] = "all",
    mode: Annotated[str, typer.Option(help="hybrid | dense | keyword.")] = "hybrid",
    as_json: JsonOpt = False,
) -> None:
    """Search your notes and the principles library (hybrid: meaning + keywords)."""
    from coach import cli_views
    from coach.retrieval.search import SearchFilters

    _check_choice("source", source, ("notes", "knowledge", "all"))
    _check_choice("mode", mode, ("hybrid", "dense", "keyword"))
    filters = SearchFilters(mentor, _date_opt("since", since), _date_opt("until", until), kind, tuple(tag or ()), source)
    engine = _engine()
    cli_views.require_index(engine)
    response = engine.search(query, k=k, filters=filters, mode=mode)
    cli_views.show_search(response, as_json)


@app.command("eval")
def evaluate(
    directory: Annotated[Path, typer.Argument(help="A folder with notes/ and queries.jsonl.")],
    k: Annotated[int, typer.Option("-k", help="Results per query.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Measure retrieval quality on a labelled set (indexes into a temporary folder)."""
    from coach import cli_views
    from coach.retrieval.eval_run import evaluate_folder

    report = evaluate_folder(directory, k=k, progress=cli_views.progress_printer())
    cli_views.show_eval(report, as_json)


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise CoachError(f"--{name} must be one of {', '.join(choices)} (got {value!r}).")


def _date_opt(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CoachError(f"--{name} needs a date like 2025-06-01 (got {value!r}).") from None


def main() -> None:
    """Run the CLI; user-facing errors become one line on stderr and a non-zero exit."""
    from coach import cli_output

    try:
        app(standalone_mode=False)
    except CoachError as exc:
        cli_output.error(exc.message)
        sys.exit(2 if exc.__class__.__name__ == "IndexBusyError" else 1)
    except KeyboardInterrupt:
        cli_output.error("interrupted")
        sys.exit(130)
    except Exception as exc:  # click usage errors and anything unexpected: one line, no traceback
        _report_unexpected(exc)


def _report_unexpected(exc: Exception) -> None:
    import click

    from coach import cli_output

    if isinstance(exc, click.exceptions.Exit):
        sys.exit(exc.exit_code)
    if isinstance(exc, click.ClickException):
        exc.show()
        sys.exit(exc.exit_code)
    log = _crash_log(exc)
    cli_output.error(f"unexpected error: {exc.__class__.__name__}: {exc}" + (f" (details: {log})" if log else ""))
    sys.exit(1)


def _crash_log(exc: Exception) -> str | None:
    """Keep the traceback in a private file for a bug report, never on the user's screen."""
    import traceback

    try:
        from coach.paths import ensure_private_dir

        folder = ensure_private_dir(State.settings().data_dir / "logs")
        path = folder / "last-error.log"
        path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        return str(path)
    except Exception:
        return None
