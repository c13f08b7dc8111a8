"""Library commands: index, search, eval — the notes and principles the coach stands on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coach.commands import common
from coach.commands.common import JsonOpt, check_choice, date_opt


def index(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Drop the index and rebuild it from the notes.")
    ] = False,
    wait: Annotated[
        float, typer.Option("--wait", help="Seconds to wait if another coach is indexing.")
    ] = 0.0,
    as_json: JsonOpt = False,
) -> None:
    """Sync your notes folder (and the principles library) into the index."""
    from coach.commands import views as cli_views

    engine = common.engine()
    reports = engine.sync(progress=cli_views.progress_printer(), rebuild=rebuild, wait=wait)
    cli_views.show_index(reports, as_json)


def search(
    query: Annotated[str, typer.Argument(help="What to look for, in your own words.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=100, help="How many results.")] = 5,
    mentor: Annotated[
        str | None, typer.Option(help="Only notes with this mentor (partial, any case).")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Only notes on/after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Only notes on/before YYYY-MM-DD.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="session | reflection | agenda | review | conversation | other (saved conversations only when asked for).")
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Only notes with this tag (repeatable).")
    ] = None,
    source: Annotated[str, typer.Option(help="notes | knowledge | all.")] = "all",
    role: Annotated[
        str | None, typer.Option(help="mentee | reverse | mentor: whose mentoring the note records.")
    ] = None,
    mode: Annotated[str, typer.Option(help="hybrid | dense | keyword.")] = "hybrid",
    as_json: JsonOpt = False,
) -> None:
    """Search your notes and the principles library (hybrid: meaning + keywords)."""
    from coach.commands import views as cli_views
    from coach.retrieval.search import SearchFilters

    check_choice("source", source, ("notes", "knowledge", "all"))
    check_choice("mode", mode, ("hybrid", "dense", "keyword"))
    if role is not None:
        check_choice("role", role, ("mentee", "reverse", "mentor"))
    if kind is not None:
        check_choice("kind", kind, ("session", "reflection", "agenda", "review", "other", "principle"))
    filters = SearchFilters(
        mentor, date_opt("since", since), date_opt("until", until), kind, tuple(tag or ()), source, role
    )
    engine = common.engine()
    cli_views.require_index(engine)
    response = engine.search(query, k=k, filters=filters, mode=mode)
    cli_views.show_search(response, as_json)


def evaluate(
    directory: Annotated[Path, typer.Argument(help="A folder with notes/ and queries.jsonl.")],
    k: Annotated[int, typer.Option("-k", help="Results per query.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Measure retrieval quality on a labelled set (indexes into a temporary folder)."""
    from coach.commands import views as cli_views
    from coach.retrieval.eval_run import evaluate_folder

    report = evaluate_folder(directory, k=k, progress=cli_views.progress_printer())
    cli_views.show_eval(report, as_json)


def register(app: typer.Typer) -> None:
    app.command()(index)
    app.command()(search)
    app.command("eval")(evaluate)
