"""Ask and history commands: a streamed, cited answer from your notes, and the conversations kept."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from coach import providers
from coach.commands import common
from coach.commands.common import JsonOpt, check_choice
from coach.commands.output import emit_json, info, out, plain
from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.agent.api import CoachAPI

HISTORY_ACTIONS = ("list", "show", "export", "save")
SUMMARY_LABEL = "Coach's summary (written by the model from the passages above; check it against them):"


def make_service() -> CoachAPI:
    """The service for one command (tests replace this to hand in a fake chat model)."""
    from coach.agent.service import CoachService

    return CoachService(common.State.settings())


def ask(
    question: Annotated[str, typer.Argument(help="Your question, e.g. \"What did Ade say about feedback?\"")],
    conversation: Annotated[
        str | None, typer.Option("--conversation", help="Continue this conversation (see `coach history`).")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only notes of this kind; `conversation` searches saved conversations.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Ask about your notes: the passages that answer it, cited and grouped by who said it and when."""
    from coach.agent.history import load_conversation
    from coach.commands import views as cli_views

    if not question.strip():
        raise CoachError('The question is empty. Ask something, e.g. coach ask "What did Ade say about feedback?"')
    service = make_service()
    cli_views.require_index(service.engine)
    _remote_notice(service.settings)
    history = load_conversation(service.settings, conversation).pairs() if conversation else []
    live = not as_json and _is_terminal()
    result, error = asyncio.run(_consume(service, question, history, conversation, live, kind))
    if as_json:
        emit_json(ask_json(result, error))
    else:
        _show_result(result, streamed=live)
    if error is not None:
        _report_failure(result, error)
        raise typer.Exit(1)


async def _consume(service, question, history, conversation, live: bool, kind: str | None = None):
    """Print the quotes, then the summary as it arrives (terminal only); return (result, None), or
    (partial, error) on failure."""
    from coach.agent.events import DoneEvent, FailedEvent, QuotesEvent, RetryingEvent, StepEvent, TokenEvent

    async for event in service.ask(question, history, conversation, kind):
        if isinstance(event, QuotesEvent) and live:
            sys.stdout.write(plain(terminal_text(event.text)).plain + "\n")
            if event.prose:
                sys.stdout.write("\n" + plain(SUMMARY_LABEL).plain + "\n")
            sys.stdout.flush()
        elif isinstance(event, TokenEvent) and live:
            sys.stdout.write(plain(event.text).plain)
            sys.stdout.flush()
        elif isinstance(event, StepEvent) and live:
            info(f"· {event.text}")
        elif isinstance(event, RetryingEvent):
            info(f"{event.error.title}: trying again in {event.wait:g} s ({event.attempt} of {event.attempts})…")
        elif isinstance(event, DoneEvent):
            if live and event.rewritten:  # the checked summary differs from what streamed: show it whole
                sys.stdout.write("\n\nChecked summary:\n" + plain(event.result.summary or "(none)").plain)
            return event.result, None
        elif isinstance(event, FailedEvent):
            return event.partial, event.error
    raise CoachError("The answer ended without a result.")


def _report_failure(result, error) -> None:
    """The cause and its fix on stderr, then how to retry in the same conversation."""
    from coach.commands.output import error as print_error

    print_error(error.message)
    if result.conversation_id:
        kept = "The partial answer was kept, marked interrupted" if result.answer else "The question was kept"
        info(f"{kept}, in conversation {result.conversation_id}. To try again: "
             f"coach ask {_quoted(result.question)} --conversation {result.conversation_id}")


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)


def _is_terminal() -> bool:
    return sys.stdout.isatty()


def _remote_notice(settings) -> None:
    if settings.is_remote_llm:
        where = providers.url_for(settings) or settings.llm_provider
        info(f"Note: your question and the matching notes will be sent to {where} ({settings.llm_provider}).")


def ask_json(result, error=None) -> dict:
    """The documented `coach ask --json` shape; `error` is null unless the answer failed."""
    return {
        "question": result.question,
        "answer": result.answer,
        "sources": [_source_json(hit) for hit in result.sources],
        "citations": [{"label": c.label, "path": c.path, "verified": c.verified} for c in result.citations],
        "status": result.status,
        "found_in_notes": result.found_in_notes,
        "conversation_id": result.conversation_id,
        "error": None if error is None else _error_json(error),
        "mode": getattr(result, "mode", "extractive"),
        "lead": getattr(result, "lead", ""),
        "quotes": list(getattr(result, "quotes", [])),
        "summary": getattr(result, "summary", ""),
        "dropped_sentences": list(getattr(result, "dropped_sentences", [])),
        "steps": list(getattr(result, "steps", [])),
    }


def _error_json(error) -> dict:
    cause = getattr(error, "cause", None)
    return {"cause": str(cause) if cause else None, "title": error.title, "message": error.message,
            "retryable": bool(getattr(error, "retryable", False))}


def _source_json(hit) -> dict:
    return {
        "source": hit.source,
        "path": hit.path,
        "date": hit.date or None,
        "mentor": hit.mentor,
        "title": hit.title,
        "snippet": hit.snippet,
        "lines": [hit.start_line, hit.end_line],
    }


def _show_result(result, streamed: bool) -> None:
    if streamed:
        out.print()
    elif result.answer:
        out.print(plain(_labelled(result)))
    if result.status != "complete":
        out.print(plain("[unfinished: the answer stopped here]" if result.answer else "[no answer]", "yellow"))
    if not streamed and getattr(result, "steps", None):  # live, they were printed as they happened
        out.print(plain("Looked up: " + "; ".join(result.steps), "dim"))
    out.print()
    out.print(plain("Sources:", "bold"))
    if not result.sources:
        out.print(plain("  (none)", "dim"))
    for number, hit in enumerate(result.sources, 1):
        out.print(plain(f"  {number}. {_source_label(hit)}"))
    dropped = [c.label for c in result.citations if not c.verified]
    if dropped:
        out.print(plain(f"Removed citations that match no retrieved note: {'; '.join(dropped)}", "yellow"))
    unsupported = getattr(result, "dropped_sentences", [])
    if unsupported:
        out.print(plain(f"Removed {len(unsupported)} sentence(s) of the summary that no passage supports.", "yellow"))
    if result.status == "complete":
        info(f"conversation {result.conversation_id} — continue with --conversation {result.conversation_id}")


def _labelled(result) -> str:
    """The answer as printed: the quotes, then the model's summary under a plain label."""
    from coach.agent.ask import SUMMARY_HEAD

    return terminal_text(result.answer.replace(SUMMARY_HEAD, SUMMARY_LABEL))


def terminal_text(markdown: str) -> str:
    """The answer's Markdown as plain terminal text: bold markers dropped (the JSON keeps them)."""
    return markdown.replace("**", "")


def _source_label(hit) -> str:
    where = f"{hit.path}:{hit.start_line}-{hit.end_line}"
    if hit.source == "knowledge":
        return f"principle: {hit.title or hit.path}  ({where})"
    about = " · ".join(part for part in (hit.date, hit.mentor) if part)
    return f"{where}  ({about})" if about else where


def history(
    action: Annotated[str, typer.Argument(help="list | show ID | export ID | save ID.")] = "list",
    conversation_id: Annotated[str | None, typer.Argument(help="A conversation id from `coach history`.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Your past conversations: list them, show or export one, or save one as a note."""
    check_choice("action", action, HISTORY_ACTIONS)
    if action != "list" and not conversation_id:
        raise CoachError(f"`coach history {action}` needs a conversation id; `coach history list` shows them.")
    {"list": _list, "show": _show, "export": _export, "save": _save}[action](conversation_id or "", as_json)


def _list(_, as_json: bool) -> None:
    from coach.agent.history import list_conversations

    conversations = list_conversations(common.State.settings())
    rows = [{"id": c.id, "started": c.started, "turns": len(c.turns),
             "first_question": c.turns[0].question if c.turns else ""} for c in conversations]
    if as_json:
        emit_json({"conversations": rows})
        return
    if not rows:
        out.print(plain("No conversations yet. `coach ask \"...\"` starts one."))
    for row in rows:
        out.print(plain(f"{row['id']}  {row['turns']} turn(s)  {row['first_question']}"))


def _show(conversation_id: str, as_json: bool) -> None:
    from coach.agent.history import load_conversation

    conversation = load_conversation(common.State.settings(), conversation_id)
    _check_quotes(conversation)
    if as_json:
        emit_json({"id": conversation.id, "turns": [vars(turn) for turn in conversation.turns]})
        return
    for turn in conversation.turns:
        out.print(plain(f"Q: {turn.question}", "bold"))
        status = "" if turn.status == "complete" else f" ({turn.status})"
        out.print(plain(f"A{status}: {turn.answer}"))
        out.print()


def _check_quotes(conversation) -> None:
    """Answers recorded by earlier versions may hold a quotation that is not in the notes: it is left out."""
    from coach.agent.conversation_note import SourceTexts, checked_answer

    settings = common.State.settings()
    if settings.notes_dir is None:
        return
    texts = SourceTexts(settings.notes_dir)
    for turn in conversation.turns:
        if turn.answer:
            turn.answer = checked_answer(turn.answer, texts.of(turn.sources))


def _export(conversation_id: str, as_json: bool) -> None:
    from coach.agent.history import export_markdown

    text = export_markdown(common.State.settings(), conversation_id)
    if as_json:
        emit_json({"id": conversation_id, "markdown": text})
    else:
        sys.stdout.write(plain(text).plain)


def _save(conversation_id: str, as_json: bool) -> None:
    from coach.agent.history import save_as_note

    service = make_service()
    path = save_as_note(service, conversation_id)
    relative = path.relative_to(service.engine.notes_dir()).as_posix()
    if as_json:
        emit_json({"path": relative})
    else:
        out.print(plain(f"Saved as a new note: {relative} (kind: conversation; after `coach index`, "
                        "`coach search --kind conversation` finds it)."))


def register(app: typer.Typer) -> None:
    app.command()(ask)
    app.command()(history)
