"""Conversation history: one private append-only JSONL file per conversation; a note only on request."""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from coach.errors import CoachError, ConfigError
from coach.fsutil import fsync_dir
from coach.paths import ensure_private_dir

ID_PATTERN = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{6}$")
SOURCE_TAG = "coach-conversation"


@dataclass
class Turn:
    """One question and its answer (empty with status 'pending' when the process died first)."""

    question: str
    answer: str = ""
    status: str = "pending"  # pending | complete | interrupted
    sources: list[dict] = field(default_factory=list)
    asked_at: str = ""


@dataclass
class Conversation:
    id: str
    turns: list[Turn]

    @property
    def started(self) -> str:
        return self.turns[0].asked_at if self.turns else ""

    def pairs(self) -> list[tuple[str, str]]:
        """(question, answer) pairs for a follow-up's history: finished answers only (a cut-off one
        would mislead the model, and asking the same question again is how the user retries it)."""
        return [(turn.question, turn.answer) for turn in self.turns if turn.answer and turn.status == "complete"]


def as_pairs(history: list) -> list[tuple[str, str]]:
    """Prior turns as (question, answer), from pairs or anything with .question and .answer (AskResult);
    an AskResult that did not complete is left out (see Conversation.pairs)."""
    pairs = []
    for item in history:
        if getattr(item, "status", "complete") != "complete":
            continue
        if hasattr(item, "question") and hasattr(item, "answer"):
            pairs.append((str(item.question), str(item.answer)))
        elif isinstance(item, (tuple, list)) and len(item) == 2:
            pairs.append((str(item[0]), str(item[1])))
    return pairs


def conversations_dir(settings) -> Path:
    return ensure_private_dir(Path(settings.data_dir) / "conversations", root=Path(settings.data_dir))


def new_id() -> str:
    """Sortable by time, unique by the random tail."""
    return f"{datetime.now():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def _path(settings, conversation_id: str) -> Path:
    if not ID_PATTERN.match(conversation_id or ""):  # also keeps '../' out of the path
        raise CoachError(f"No conversation {conversation_id!r}: ids look like 20250912T101530-ab12cd.")
    return conversations_dir(settings) / f"{conversation_id}.jsonl"


class ConversationLog:
    """Appends records to one conversation; each write is fsynced so a crash keeps the question."""

    def __init__(self, settings, conversation_id: str | None = None) -> None:
        self.id = conversation_id or new_id()
        self.path = _path(settings, self.id)
        self.turn = secrets.token_hex(4)
        """Pairs this process's question with its answer: two `coach ask` on one conversation at once
        interleave their records (Q1 Q2 A2 A1), and each answer must still land on its own question."""

    @classmethod
    def start(cls, settings, conversation_id: str | None, question: str) -> ConversationLog:
        """Open the log and put the question on disk (fsynced) before any answer: a crash keeps it."""
        log = cls(settings, conversation_id)
        try:
            log.add_question(question)
        except OSError as exc:
            raise ConfigError(f"Cannot write the conversation history in {log.path.parent}: "
                              f"{exc.strerror or exc}.") from None
        return log

    def add_question(self, question: str) -> None:
        self._append({"type": "question", "at": _now(), "text": question, "turn": self.turn})

    def add_answer(self, result) -> None:
        """Record an AskResult (complete or interrupted) with the sources it stood on."""
        self._append({
            "type": "answer",
            "turn": self.turn,
            "at": _now(),
            "status": result.status,
            "text": result.answer,
            "found_in_notes": result.found_in_notes,
            "sources": [_source(hit) for hit in result.sources],
            "citations": [{"label": c.label, "path": c.path, "verified": c.verified} for c in result.citations],
        })

    def _append(self, record: dict) -> None:
        created = not self.path.exists()
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            fsync_dir(self.path.parent)


def _source(hit) -> dict:
    return {"source": hit.source, "path": hit.path, "date": hit.date or None, "mentor": hit.mentor,
            "title": hit.title, "lines": [hit.start_line, hit.end_line]}


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def load_conversation(settings, conversation_id: str) -> Conversation:
    path = _path(settings, conversation_id)
    if not path.exists():
        raise CoachError(f"No conversation {conversation_id!r}. `coach history list` shows them.")
    return Conversation(conversation_id, _turns(_records(path)))


def _records(path: Path) -> list[dict]:
    """Every whole record; a line torn by a crash mid-write is skipped, not fatal."""
    records = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def _turns(records: list[dict]) -> list[Turn]:
    """Questions in the order asked, each with its own answer: matched by turn id (records written by
    two processes at once interleave), else — older files — the answer right after its question."""
    turns: list[Turn] = []
    by_id: dict[str, Turn] = {}
    for record in records:
        if record.get("type") == "question":
            turn = Turn(str(record.get("text", "")), asked_at=str(record.get("at", "")))
            turns.append(turn)
            if record.get("turn"):
                by_id[str(record["turn"])] = turn
        elif record.get("type") == "answer":
            answered = by_id.get(str(record.get("turn"))) if record.get("turn") else (turns[-1] if turns else None)
            if answered is not None and answered.status == "pending":
                _answer(answered, record)
    return turns


def _answer(turn: Turn, record: dict) -> None:
    turn.answer = str(record.get("text", ""))
    turn.status = "complete" if record.get("status") == "complete" else "interrupted"
    turn.sources = [s for s in record.get("sources", []) if isinstance(s, dict)]


def list_conversations(settings) -> list[Conversation]:
    """Newest first."""
    folder = conversations_dir(settings)
    found = []
    for path in sorted(folder.glob("*.jsonl"), reverse=True):
        if ID_PATTERN.match(path.stem):
            found.append(Conversation(path.stem, _turns(_records(path))))
    return found


def export_markdown(settings, conversation_id: str) -> str:
    conversation = load_conversation(settings, conversation_id)
    return _markdown(conversation, f"Conversation {conversation.id}")


def _markdown(conversation: Conversation, heading: str) -> str:
    lines = [f"# {heading}", ""]
    for turn in conversation.turns:
        lines += [f"**Question:** {turn.question}", ""]
        if turn.status != "complete":
            lines += [f"*({'no answer' if turn.status == 'pending' else 'interrupted — partial answer'})*", ""]
        if turn.answer:
            lines += [turn.answer, ""]
        if turn.sources:
            lines += ["Sources:"] + [f"- {_source_line(s)}" for s in turn.sources] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _source_line(source: dict) -> str:
    if source.get("source") == "knowledge":
        return f"principle: {source.get('title') or source.get('path')} ({source.get('path')})"
    label = ", ".join(str(part) for part in (source.get("date"), source.get("mentor")) if part)
    return f"{source.get('path')}" + (f" ({label})" if label else "")


def save_as_note(service, conversation_id: str) -> Path:
    """Write the conversation as a brand-new note (never overwriting); only ever on the user's request.
    The note is marked as coach's (see coach.agent.conversation_note)."""
    from coach.agent.conversation_note import write_conversation_note

    return write_conversation_note(service, conversation_id)
