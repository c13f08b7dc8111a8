"""Saving a conversation as a note on the user's request: marked as coach's, written atomically, indexed.

The note is `kind: conversation`, `created_by: coach`, with no mentor: it records what the mentee
asked and what coach answered, never a meeting. The mentee's questions are plain lines; coach's
answers sit in `> [!coach]` callouts (see coach.notes.provenance). Search shows it only when asked
for by kind, and no feature reads it as evidence of what anyone said. A quotation in an answer
that is not verbatim in the notes it cites is left out, so none is written down."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from coach import paths
from coach.agent.support import remove_unverified
from coach.errors import CoachError, IndexBusyError
from coach.fsutil import create_new
from coach.notes import provenance
from coach.notes.model import Note
from coach.notes.reader import read_note

TITLE_PREFIX = "Coach conversation: "
PREAMBLE = ("A conversation with coach, saved at your request. Your questions are plain text; coach's answers "
            "are in boxes like this one. They are not notes of a meeting, and coach never reads them back "
            "as anything you or your mentor said.")


def save_conversation(service, conversation_id: str) -> str:
    """The new note's path relative to the notes folder. If another process holds the index, the note
    is still saved and the next sync indexes it."""
    folder = service.engine.notes_dir()
    try:
        written = write_conversation_note(service, conversation_id)
    except OSError as exc:
        raise CoachError(f"Could not write the conversation into {folder}: {exc.strerror or exc}.",
                         "Write failed") from exc
    try:
        service.engine.sync()
    except IndexBusyError:
        pass  # saved; searchable after the next sync (the app retries when the index is free)
    return written.relative_to(folder).as_posix()


def write_conversation_note(service, conversation_id: str) -> Path:
    """Write the conversation as a brand-new note (never overwriting); only ever on the user's request."""
    from coach.agent.history import SOURCE_TAG, load_conversation

    conversation = load_conversation(service.settings, conversation_id)
    if not conversation.turns:
        raise CoachError(f"Conversation {conversation_id} is empty; nothing to save.")
    title = TITLE_PREFIX + _shorten(conversation.turns[0].question, 60)
    front = {"date": service.today.isoformat(), "kind": provenance.CONVERSATION, "title": title,
             "created_by": provenance.CREATED_BY, "source": SOURCE_TAG, "conversation": conversation.id}
    head = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    body = conversation_markdown(conversation, title, SourceTexts(service.engine.notes_dir()))
    name = f"{service.today.isoformat()} coach conversation - {_slug(conversation.turns[0].question)}.md"
    return create_new(service.engine.notes_dir() / name, f"---\n{head}---\n\n{body}")


def conversation_markdown(conversation, title: str, texts: SourceTexts) -> str:
    """The note body: the mentee's questions as plain lines, coach's answers in coach callouts."""
    lines = [f"# {title}", "", provenance.callout("saved conversation", PREAMBLE), ""]
    for turn in conversation.turns:
        lines += [f"**Question:** {' '.join(turn.question.split())}", ""]
        answer = checked_answer(turn.answer, texts.of(turn.sources)) if turn.answer else ""
        if turn.status != "complete":
            answer = f"({'no answer' if turn.status == 'pending' else 'interrupted — partial answer'})\n\n{answer}"
        sources = [f"- {_source_line(s)}" for s in turn.sources]
        body = "\n\n".join(part for part in (answer.strip(), "Sources:\n" + "\n".join(sources) if sources else "")
                           if part)
        if body:
            lines += [provenance.callout("coach answered", body), ""]
    return "\n".join(lines).rstrip() + "\n"


def checked_answer(answer: str, sources: list[str]) -> str:
    """The answer without any sentence whose quotation is not verbatim in its sources, line by line
    (so the quotes' Markdown survives)."""
    kept = []
    for line in answer.split("\n"):
        clean, dropped = remove_unverified(line, sources)
        if dropped:
            clean = (clean + " [a quotation not found in your notes was left out]").strip()
        kept.append(clean)
    return "\n".join(kept)


class SourceTexts:
    """The text of the notes and principles an answer stood on (read once each)."""

    def __init__(self, notes_dir: Path) -> None:
        self.roots = {"notes": Path(notes_dir), "knowledge": paths.knowledge_dir()}
        self._texts: dict[tuple[str, str], str] = {}

    def of(self, sources: list[dict]) -> list[str]:
        return [self._text(str(s.get("source", "notes")), str(s.get("path", ""))) for s in sources]

    def _text(self, source: str, path: str) -> str:
        key = (source, path)
        if key not in self._texts:
            root = self.roots.get(source)
            note = read_note(root / path, root) if root is not None and path else None
            self._texts[key] = note.body if isinstance(note, Note) else ""
        return self._texts[key]


def _source_line(source: dict) -> str:
    if source.get("source") == "knowledge":
        return f"principle: {source.get('title') or source.get('path')} ({source.get('path')})"
    label = ", ".join(str(part) for part in (source.get("date"), source.get("mentor")) if part)
    return f"{source.get('path')}" + (f" ({label})" if label else "")


def _shorten(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


SLUG_LIMIT = 60
"""Characters of the question in a saved conversation's file name (file names stop at 255 bytes)."""


def _slug(text: str) -> str:
    words = re.findall(r"[\w]+", text.casefold())[:6]
    slug = "-".join(word[:SLUG_LIMIT] for word in words)[:SLUG_LIMIT]
    while len(slug.encode("utf-8")) > 2 * SLUG_LIMIT:  # non-Latin letters take up to 4 bytes each
        slug = slug[:-1]
    return slug.strip("-") or "untitled"
