"""Coaching commands: reflect, agenda, commitments, themes — the jobs the coach does over your notes.

`coach reflect --answers FILE` reads one answer per stage: blocks separated by lines holding only
`---` (an empty block skips that stage), or, when the file has no such line, paragraphs separated
by blank lines. The number of answers must equal the number of stages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coach.commands import common
from coach.commands.common import JsonOpt, check_choice
from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.agent.api import CoachAPI

FRAMEWORK_CHOICES = ("rolfe", "gibbs", "grow")
STATUS_CHOICES = ("open", "maybe_done", "done", "dropped")
MentorOpt = Annotated[str | None, typer.Option("--mentor", help="Mentor name (partial, any case).")]


def _service() -> CoachAPI:
    from coach.agent.service import CoachService

    return CoachService(common.State.settings())


def _read_answers(path: Path) -> list[str]:
    from coach.agent.reflect import split_answers

    try:
        return split_answers(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CoachError(f"Cannot read the answers file {path}: {exc}.", "Answers file") from exc


def _ask(flow, as_json: bool) -> list[str]:
    """Ask each question in the terminal; an empty line ends an answer (an empty answer skips the stage)."""
    from coach.commands.output import err, out, plain

    console = err if as_json else out  # keep stdout pure JSON
    answers = []
    for question in flow.questions:
        console.print(plain(f"\n{question.stage}", "bold cyan"))
        console.print(plain(question.question))
        for ref in question.context:
            console.print(plain(f"  · {ref.date or ''} {ref.path}: {ref.snippet}", "dim"))
        answers.append(_read_paragraph())
    return answers


def _ask_checkins(flow, as_json: bool) -> dict[str, str | None]:
    """Ask about each of the last session's open commitments; only a choice is taken, never free text."""
    from coach.agent.checkins import read_choice
    from coach.commands.output import err, out, plain

    console = err if as_json else out
    if flow.checkins:
        console.print(plain("\nSince last time — d done · n not yet · x dropped · Enter skips", "bold cyan"))
    answers: dict[str, str | None] = {}
    for item in flow.checkins:
        console.print(plain(item.question))
        while True:
            line = sys.stdin.readline()
            try:
                answers[item.id] = read_choice(line.strip())
                break
            except CoachError as exc:
                if not line:  # end of input: skip the rest
                    return answers
                console.print(plain(exc.message, "yellow"))
    return answers


def _checkin_options(values: list[str]) -> dict[str, str]:
    """`--checkin ID=done` (also `ID:not yet`) to {id: choice}; a unique id prefix is not enough here."""
    found = {}
    for value in values:
        ref, sep, choice = value.replace(":", "=", 1).partition("=")
        if not sep or not ref.strip():
            raise CoachError(f"--checkin takes ID=done|not yet|dropped (got {value!r}).", "Check-in answer")
        found[ref.strip().lower()] = choice.strip()
    return found


def _read_paragraph() -> str:
    lines = []
    for line in iter(sys.stdin.readline, ""):
        if not line.strip():
            break
        lines.append(line.rstrip("\n"))
    return "\n".join(lines)


def reflect(
    framework: Annotated[str, typer.Option(help="rolfe | gibbs | grow.")] = "rolfe",
    mentor: MentorOpt = None,
    answers: Annotated[
        Path | None, typer.Option(
            "--answers",
            help="Answers file, one per stage: blocks between lines holding only --- (an empty block skips "
            "a stage), or blank-line-separated paragraphs when there is no --- line.",
        )
    ] = None,
    checkin: Annotated[
        list[str] | None, typer.Option(
            "--checkin", metavar="ID=ANSWER",
            help="Answer a check-in on the last session's commitments: done, not yet or dropped (repeatable; "
            "ids as `coach commitments` lists them).",
        )
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Reflect on a meeting, one framework stage at a time; saves a new reflection note.

    It first asks about each open commitment from the last session ("Did you …?": done / not yet / dropped)
    and records your answers as marks, this reflection as their evidence. Without --answers, every question
    is asked here: end an answer with an empty line (none skips a stage)."""
    from coach.agent.reflect import check_answers

    check_choice("framework", framework, FRAMEWORK_CHOICES)
    # A bad answers file fails before any notes are read or models loaded.
    replies = check_answers(framework, _read_answers(answers)) if answers else None
    scripted = _checkin_options(checkin or [])
    service = _service()
    flow = service.start_reflection(framework, mentor)
    checkins = scripted if replies is not None else scripted or _ask_checkins(flow, as_json)
    replies = replies if replies is not None else _ask(flow, as_json)
    _show_saved(service.save_reflection(flow, replies, checkins=checkins), as_json)
    deferred_notice(service)


def agenda(
    mentor: MentorOpt = None,
    save: Annotated[bool, typer.Option("--save", help="Also save the agenda as a new note.")] = False,
    full: Annotated[bool, typer.Option("--all", help="The full list: every open item, themes, more questions.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Draft the next meeting: what you agreed last time, your questions, a few long-running items (at most 10)."""
    service = _service()
    drafted = service.agenda(mentor)
    saved = service.save_agenda(drafted) if save else None
    _show_agenda(drafted, saved, as_json, full)
    deferred_notice(service)


def commitments(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="open (incl. maybe_done) | maybe_done | done | dropped.")] = None,
    done: Annotated[str | None, typer.Option("--done", metavar="ID", help="Mark this commitment done.")] = None,
    drop: Annotated[str | None, typer.Option("--drop", metavar="ID", help="Mark this commitment dropped.")] = None,
    reopen: Annotated[str | None, typer.Option("--reopen", metavar="ID", help="Mark it open again.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Commitments found in your notes, with their status carried across later sessions.

    --done / --drop / --reopen ID record your own mark (ids are listed by `coach commitments`; a unique
    prefix is enough). Marks live in the data folder; your notes are never edited."""
    if status is not None:
        check_choice("status", status, STATUS_CHOICES)
    marks = [(ref, mark) for ref, mark in ((done, "done"), (drop, "dropped"), (reopen, "open")) if ref]
    if len(marks) > 1 or (marks and status):
        raise CoachError("Give one of --done, --drop or --reopen at a time (without --status).")
    if marks:
        _show_marked(_service().mark_commitment(*marks[0]), as_json)
        return
    # The hidden alias `actions` (the old name) keeps its JSON key, so scripts written for it still work.
    key = "actions" if ctx.info_name == "actions" else "commitments"
    _show_commitments(_service().commitments(status), as_json, key)


def themes(as_json: JsonOpt = False) -> None:
    """Topics that recur across your sessions, with when they came up."""
    _show_themes(_service().themes(), as_json)


# --------------------------------------------------------------------------- output


def deferred_notice(service) -> None:
    """The note is saved; say on stderr (JSON on stdout stays clean) that indexing it waits."""
    from coach.commands.output import info

    why = getattr(service.engine, "deferred", None)
    if why:
        info(f"Indexing is deferred ({why.split('. ')[0]}): the note is saved, and the next `coach index` "
             "(or the running app) makes it searchable.")


def _show_saved(saved, as_json: bool) -> None:
    from coach.commands.output import emit_json, out, plain

    if as_json:
        emit_json(saved.to_json())
        return
    out.print(plain(f"Saved {saved.kind}: {saved.path}", "bold green"))
    for text in saved.commitments:
        out.print(plain(f"  - [ ] {text}"))
    for change in getattr(saved, "marks", ()):
        undo = f" — undo: coach commitments --reopen {change.id}" if change.changed else ""
        out.print(plain(f"  {change.describe()}{undo}", "cyan"))


def _sources(item) -> str:
    roles = {"reverse": " [reverse mentoring]", "mentor": " [you mentor]"}
    return ", ".join(s.path + (f" ({s.date})" if s.date else "") + roles.get(getattr(s, "role", None) or "", "")
                     for s in item.sources)


def _show_agenda(drafted, saved, as_json: bool, full: bool = False) -> None:
    from coach.agent.agenda import SECTIONS
    from coach.commands.output import emit_json, out, plain

    if as_json:
        emit_json(drafted.to_json(full) | ({"saved": saved.path} if saved else {}))
        return
    mentoring = " (you are the mentor)" if getattr(drafted, "role", "mentee") == "mentor" else ""
    since = f" · last session {drafted.since.date}" if drafted.since else ""
    out.print(plain(f"Next meeting with {drafted.mentor or 'your mentor'}{mentoring}{since}", "bold"))
    items = drafted.full if full else drafted.items
    for section in SECTIONS:
        shown = [item for item in items if item.section == section]
        if shown:
            out.print(plain(f"\n{_TITLES[section]} ({len(shown)})", "bold cyan"))
        for item in shown:
            out.print(plain(f"  - {item.text}"))
            out.print(plain(f"    {_sources(item)}", "dim"))
    if not items:
        out.print(plain("\nNothing open with this mentor in your notes.", "dim"))
    if drafted.confirm:
        out.print(plain(f"\nMaybe done — confirm with `coach commitments --done ID` or --reopen ({len(drafted.confirm)})",
                        "bold cyan"))
        for item in drafted.confirm:
            out.print(plain(f"  - {item.text}"))
    if drafted.more and not full:
        out.print(plain(f"\n{len(drafted.more)} more on the full list: coach agenda --all", "dim"))
    if saved:
        out.print(plain(f"\nSaved agenda: {saved.path}", "bold green"))


_TITLES = {"agreed": "From the last session", "questions": "Your questions", "long_running": "Carried over",
           "suggested": "Suggested questions", "more": "Also open", "themes": "Recurring themes"}


def _show_commitments(items, as_json: bool, key: str = "commitments") -> None:
    from coach.agent.tracking import commitment_json
    from coach.commands.output import emit_json, out, plain

    if as_json:
        emit_json({key: [commitment_json(item) for item in items]})
        return
    if not items:
        out.print(plain("No commitments found."))
    colours = {"open": "yellow", "maybe_done": "cyan", "done": "green", "dropped": "dim"}
    labels = {"maybe_done": "maybe?"}
    for item in items:
        owner = "" if item.owner == "me" else f" [{item.owner}]"
        status = labels.get(item.status, item.status)
        out.print(plain(f"{status:8} ", colours.get(item.status, "")) + plain(f"{item.text}{owner}"))
        checkin = getattr(item, "checkin", None)
        mark = f" · {item.status_note}" if getattr(item, "status_note", None) and checkin is None else ""
        where = f"{item.date.isoformat()} {item.path} · {item.age_days} days{mark}"
        out.print(plain(f"         {where} · id {getattr(item, 'id', '')}", "dim"))
        if checkin is not None:  # a reflection's check-in answer: its question and answer, note, line, day
            out.print(plain(f"         {_checkin_line(item)}", "dim"))
        elif item.evidence and not getattr(item, "status_note", None):
            confirm = " (confirm: --done ID, or --reopen ID)" if item.status == "maybe_done" else ""
            line = f":{item.evidence_line}" if item.evidence_line else ""
            out.print(plain(f"         evidence {item.status_date} {item.status_path}{line}: “{item.cited}”{confirm}",
                            "dim"))
        if item.status == "open" and item.progress:  # the latest word on it that did not settle it
            last = item.progress[-1]
            out.print(plain(f"         progress {last.date} {last.path}:{last.line}: “{last.text}”", "dim"))


def _checkin_line(item) -> str:
    """The evidence of a check-in answer under a commitment: 'evidence DATE NOTE:LINE: Did you “…”? — done (…)'."""
    from coach.agent.marks import checkin_cite

    answer = item.checkin
    if getattr(item, "marked_on", None) is None:  # "not yet" on an item still open: no mark, only the answer
        return f"check-in: you answered “{answer.answer}” in {checkin_cite(answer)}"
    line = f":{answer.line}" if answer.line else ""
    undo = f"; undo: coach commitments --reopen {item.id}" if item.status != "open" else ""
    verb = "reopened" if item.status == "open" else f"marked {item.status}"
    return f"evidence {answer.on.isoformat()} {answer.note}{line}: {item.evidence} ({verb} by your check-in answer{undo})"


def _show_marked(item, as_json: bool) -> None:
    from coach.agent.tracking import commitment_json
    from coach.commands.output import emit_json, out, plain

    if as_json:
        emit_json({"marked": commitment_json(item)})
        return
    how = item.status_note or f"back to what your notes say ({item.status})"
    out.print(plain(f"{item.text}", "bold") + plain(f"  [{item.id}]", "dim"))
    out.print(plain(f"  {how} · from {item.date.isoformat()} {item.path}"))


def _show_themes(found, as_json: bool) -> None:
    from coach.commands.output import emit_json, out, plain

    if as_json:
        emit_json({"themes": [theme.to_json() for theme in found]})
        return
    if not found:
        out.print(plain("No topic recurs across your notes yet."))
    for theme in found:
        span = f"{theme.first.isoformat()} to {theme.last.isoformat()}, {len(theme.notes)} notes"
        out.print(plain(theme.label, "bold") + plain(f"  ({span})", "dim"))
        for path in theme.notes:
            out.print(plain(f"  {path}", "dim"))


def register(app: typer.Typer) -> None:
    app.command()(reflect)
    app.command()(agenda)
    app.command()(commitments)
    app.command("actions", hidden=True)(commitments)  # the old name: scripts that call it keep working
    app.command()(themes)
