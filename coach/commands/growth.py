"""Growth commands: `coach progress` (the growth mirror, cited) and `coach review` (a periodic review note)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coach.commands import common
from coach.commands.common import JsonOpt, date_opt

if TYPE_CHECKING:
    from coach.agent.api import CoachAPI

SinceOpt = Annotated[str | None, typer.Option("--since", help="Only notes on/after YYYY-MM-DD.")]
ROLE_LABELS = {"reverse": "reverse mentoring", "mentor": "you mentor"}


def _service() -> CoachAPI:
    from coach.agent.service import CoachService

    return CoachService(common.State.settings())


def progress(
    since: SinceOpt = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also write the timeline as an image (FILE.svg or FILE.png).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Evidence of growth over time: then and now, kept commitments, your mentor's words, next steps."""
    from coach.agent.growth.chart import check_target

    start = date_opt("since", since)
    service = _service()
    if plot is not None:  # a bad target fails before the slow part
        check_target(plot, service.settings.notes_dir)
    found = service.progress(start)
    written = _plot(found, plot, service.settings.notes_dir) if plot is not None else None
    if as_json:
        from coach.commands.output import emit_json

        emit_json(found.to_json() | ({"plot": str(written)} if written else {}))
        return
    _show_progress(found, written)


def review(
    since: SinceOpt = None,
    save: Annotated[bool, typer.Option("--save", help="Save the review as a new note (kind: review).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """A periodic review (default: since your last saved review): what changed, what is next, what to ask."""
    from coach.agent.growth.review_text import review_text

    service = _service()
    drafted = service.review(date_opt("since", since))
    saved = service.save_review(drafted) if save else None
    if saved:
        from coach.commands.coaching import deferred_notice

        deferred_notice(service)
    if as_json:
        from coach.commands.output import emit_json

        emit_json(drafted.to_json() | ({"saved": saved.path} if saved else {}))
        return
    from coach.commands.output import out, plain

    out.print(plain(review_text(drafted)))
    if saved:
        out.print(plain(f"Saved review: {saved.path}", "bold green"))


def _plot(found, path: Path, notes_dir) -> Path:
    from coach.agent.growth.chart import write_timeline

    since = found.since.isoformat() if found.since else "the first note"
    title = f"Sessions and commitments, {since} to {found.until.isoformat()}"
    return write_timeline(path, found.months, title, notes_dir)


# --------------------------------------------------------------------------- text output


def _cite(found, path: str, day: str | None) -> str:
    role = ROLE_LABELS.get(found.role_of(path))
    return f"{day + ' ' if day else ''}{path}" + (f" [{role}]" if role else "")


def _show_progress(found, written: Path | None) -> None:
    from coach.commands.output import out, plain

    period = f"{found.since.isoformat() if found.since else 'the first note'} to {found.until.isoformat()}"
    out.print(plain(f"Your growth, {period} · {found.sessions} sessions", "bold"))
    out.print(plain("\nThen and now", "bold cyan"))
    if not found.pairs:
        out.print(plain("  No then-and-now pair the notes support yet."))
    for pair in found.pairs:
        out.print(plain(f"  {pair.theme}: {pair.then.stance} → {pair.now.stance}", "bold"))
        out.print(plain(f"    then “{_flat(pair.then.text)}”"))
        out.print(plain(f"         {_cite(found, pair.then.path, pair.then.date.isoformat())}:{pair.then.line}", "dim"))
        out.print(plain(f"    now  “{_flat(pair.now.text)}”"))
        out.print(plain(f"         {_cite(found, pair.now.path, pair.now.date.isoformat())}:{pair.now.line}", "dim"))
    _show_kept_commitments(found)
    _show_words(found)
    _show_roles(found)
    out.print(plain("\nThe next appropriate step", "bold cyan"))
    for step in found.steps:
        out.print(plain(f"  - {step.text}"))
        where = ", ".join(_cite(found, s.path, s.date) if s.origin == "notes" else f"principle {s.path}"
                          for s in step.sources)
        out.print(plain(f"    {where}", "dim"))
    if written:
        out.print(plain(f"\nTimeline written to {written}", "bold green"))


def _show_kept_commitments(found) -> None:
    from coach.commands.output import out, plain

    totals = found.commitments.totals
    out.print(plain("\nKept commitments", "bold cyan"))
    out.print(plain(f"  made {totals.made} · done {totals.done} · dropped {totals.dropped} · open {totals.open}"))
    for mentor, tally in sorted(found.commitments.by_mentor.items()):
        out.print(plain(f"  {mentor}: made {tally.made}, done {tally.done}, open {tally.open}", "dim"))
    for item, step in found.commitments.longest_open:
        out.print(plain(f"  ▢ {item.text}  ({_cite(found, item.path, item.date.isoformat())})"))
        out.print(plain(f"    {step}", "dim"))


def _show_words(found) -> None:
    from coach.commands.output import out, plain

    mentors = list(getattr(found, "mentors", [])) or sorted({w.mentor for w in found.words}) or [found.mentor]
    for mentor in mentors:
        out.print(plain(f"\nWhat {mentor or 'your mentor'} said to you", "bold cyan"))
        theirs = [w for w in found.words if w.mentor == mentor]
        if not theirs:
            out.print(plain("  No words of theirs quoted in these notes."))
        for words in theirs:
            said = "as you noted it" if getattr(words, "form", "quote") == "reported" else words.kind
            out.print(plain(f"  “{_flat(words.quote)}” ({said})"))
            out.print(plain(f"    {_cite(found, words.path, words.date.isoformat())}:{words.line}", "dim"))


def _show_roles(found) -> None:
    from coach.commands.output import out, plain

    if not (found.taught or found.mentoring):
        return
    out.print(plain("\nWhat you taught and who you mentor", "bold cyan"))
    for note in found.taught + found.mentoring:
        out.print(plain(f"  {note.date.isoformat()} {note.title} [{ROLE_LABELS[note.role]}]"))
        out.print(plain(f"    {note.path}", "dim"))


def register(app: typer.Typer) -> None:
    app.command()(progress)
    app.command()(review)


def _flat(quote: str) -> str:
    """A quote that wraps over lines in its note, on one line."""
    return " ".join(quote.split())
