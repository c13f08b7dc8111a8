"""The agent's four tools: search the notes, search the principles, list commitments, read a note.

All read-only (no tool writes, deletes or fetches anything: RELIABILITY risk 7), each bounded in what it
returns, and each records what it handed the model (`Toolbox.hits`) so the answer is checked against
exactly that, and a quiet one-line step for the user ("searched notes: 'raise' with Ade"). Their output is
nonce-delimited data blocks with the cite to copy, like the pipeline's prompt."""

from __future__ import annotations

import asyncio
import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field

from coach.agent import context as ctx_mod
from coach.agent.tracking import commitment_json
from coach.notes.model import Skipped
from coach.notes.provenance import is_conversation, user_text
from coach.notes.reader import NOTE_SUFFIXES, read_note
from coach.retrieval.results import Hit, SearchFilters, mentor_matches
from coach.retrieval.retriever import NotesRetriever, hit_from_document

if TYPE_CHECKING:
    from coach.agent.api import CoachAPI

NOTES_K = 5
PRINCIPLES_K = 3
MAX_COMMITMENTS = 15
MAX_READ_LINES = 60
MAX_READ_CHARS = 4000
MAX_OUTPUT_CHARS = 6000  # whatever a tool returns, the model reads at most this much of it
STATUSES = ("open", "maybe_done", "done", "dropped")
NOTHING = "(nothing relevant found)"
NO_ROOM = "(no room for more passages: answer from what you have)"
# Tools run here, not on asyncio's default pool: asyncio.run waits for that one on the way out, so a
# stopped answer (esc) would wait for a search still running. Nobody waits for this one. One worker:
# the model may ask for several tools at once, and the engine's lazy loading is not made for threads.
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach-tool")


class SearchNotesArgs(BaseModel):
    query: str = Field(description="What to look for, in a few words (a topic, not a whole question).")
    mentor: str | None = Field(None, description="Only notes with this person (any part of their name).")
    since: str | None = Field(None, description="Only notes on or after this date, YYYY-MM-DD.")
    until: str | None = Field(None, description="Only notes on or before this date, YYYY-MM-DD.")
    kind: str | None = Field(None, description="Only notes of this kind: session, reflection, agenda, review.")


class SearchPrinciplesArgs(BaseModel):
    query: str = Field(description="The topic to find general mentoring guidance on.")


class ListCommitmentsArgs(BaseModel):
    status: str | None = Field(None, description="open, maybe_done, done or dropped; omit for all.")
    mentor: str | None = Field(None, description="Only commitments made with this person.")


class ReadNoteArgs(BaseModel):
    path: str = Field(description="The note's path as a search result gave it (relative to the notes folder).")
    lines: str | None = Field(None, description="A line range such as 12-30; omit for the start of the note.")


@dataclass
class Toolbox:
    """The tools over one service for one answer, and everything they returned."""

    service: CoachAPI
    nonce: str = field(default_factory=ctx_mod.new_nonce)
    budget: int = 24_000
    """Characters left for everything the tools return in this answer (the model's window is finite)."""
    hits: list[Hit] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    def tools(self) -> list[BaseTool]:
        tool = _tool
        return [
            tool(
                self.search_notes, name="search_notes", args_schema=SearchNotesArgs,
                description="Search the mentee's own notes (sessions, reflections). Returns passages, "
                            "each with the cite to copy, e.g. [2025-09-12, Ade Okafor]."),
            tool(
                self.search_principles, name="search_principles", args_schema=SearchPrinciplesArgs,
                description="Search the library of general mentoring principles (not the mentee's notes)."),
            tool(
                self.list_commitments, name="list_commitments", args_schema=ListCommitmentsArgs,
                description="The mentee's commitments found in the notes, with status (open, maybe_done, "
                            "done, dropped), when and with whom they were made, and the evidence of status."),
            tool(
                self.read_note, name="read_note", args_schema=ReadNoteArgs,
                description=f"Read part of one note (at most {MAX_READ_LINES} lines), e.g. to see more around "
                            "a search result."),
        ]

    # -- the tools ----------------------------------------------------------------------------

    def search_notes(self, query: str, mentor: str | None = None, since: str | None = None,
                     until: str | None = None, kind: str | None = None) -> str:
        self.steps.append(describe_search("searched notes", query, mentor, since, until, kind))
        retriever = NotesRetriever(engine=self.service.engine, k=NOTES_K, filters=SearchFilters(source="notes"))
        try:
            docs = retriever.invoke(query, mentor=mentor, since=since, until=until, kind=_kind(kind))
        except ValueError as exc:
            return f"Error: {exc}"
        return self._blocks([hit_from_document(doc) for doc in docs], query)

    def search_principles(self, query: str) -> str:
        self.steps.append(f"searched principles: '{_short(query)}'")
        retriever = NotesRetriever(engine=self.service.engine, k=PRINCIPLES_K,
                                   filters=SearchFilters(source="knowledge"))
        docs = [doc for doc in retriever.invoke(query) if doc.metadata.get("source") == "knowledge"]
        return self._blocks([hit_from_document(doc) for doc in docs], query)

    def list_commitments(self, status: str | None = None, mentor: str | None = None) -> str:
        status = (status or "").strip().lower().replace(" ", "_") or None
        self.steps.append("listed commitments" + (f" ({status})" if status else "") + _with(mentor))
        if status is not None and status not in STATUSES:
            return f"Error: status must be one of {', '.join(STATUSES)}."
        items = [commitment_json(item) for item in self.service.commitments(status)]
        items = [item for item in items if item["owner"] in (None, "me") and mentor_matches(mentor, item["mentor"])]
        if not items:
            return "(no commitments found)"
        items.sort(key=lambda item: item["date"], reverse=True)
        if (room := self._room()) is None:
            return NO_ROOM
        shown = ctx_mod.build_context([commitment_hit(item) for item in items[:MAX_COMMITMENTS]], [],
                                      room, self.nonce)
        kept = {hit.chunk_id.split(":", 1)[1] for hit in shown.notes}
        evidence = [evidence_hit(self.service, item) for item in items if str(item.get("id")) in kept]
        return self._emit(shown.notes + [hit for hit in evidence if hit], shown.notes_block)

    def read_note(self, path: str, lines: str | None = None) -> str:
        self.steps.append(f"read {_short(path, 60)}" + (f", lines {lines}" if lines else ""))
        try:
            hit = read_passage(self.service, path, lines)
        except ValueError as exc:
            return f"Error: {exc}"
        if (room := self._room()) is None:
            return NO_ROOM
        body = ctx_mod.as_data(hit.text)[:min(MAX_READ_CHARS, room - ctx_mod.HEADER_CHARS)]
        head = f'<<note id=1 nonce={self.nonce} cite="[{ctx_mod.note_label(hit)}]" lines={hit.start_line}-{hit.end_line}>>'
        return self._emit([hit], f"{head}\n{body}\n<</note nonce={self.nonce}>>")

    # -- output -------------------------------------------------------------------------------

    def _blocks(self, hits: list[Hit], query: str) -> str:
        if not hits:
            return NOTHING
        if (room := self._room()) is None:
            return NO_ROOM
        notes = [hit for hit in hits if hit.source == "notes"]
        principles = [hit for hit in hits if hit.source != "notes"]
        context = ctx_mod.build_context(notes, principles, room, self.nonce, question=query)
        text = "\n".join(block for block, kept in ((context.notes_block, context.notes),
                                                    (context.principles_block, context.principles)) if kept)
        return self._emit(context.hits, text)

    def _room(self) -> int | None:
        """Characters this tool call may return; None when not even one short passage fits."""
        room = min(MAX_OUTPUT_CHARS, self.budget)
        return room if room >= ctx_mod.MIN_PASSAGE_CHARS + ctx_mod.HEADER_CHARS else None

    def _emit(self, hits: list[Hit], text: str) -> str:
        self.hits.extend(hit for hit in hits if hit not in self.hits)
        text = text[:MAX_OUTPUT_CHARS]
        self.budget -= len(text)
        return text


def _tool(func, **spec) -> BaseTool:
    """A StructuredTool whose async form runs `func` on the tool pool (cancellable without waiting)."""

    async def run(**kwargs):
        return await asyncio.wrap_future(_POOL.submit(functools.partial(func, **kwargs)))

    return StructuredTool.from_function(func, coroutine=run, **spec)


def commitment_hit(item: dict) -> Hit:
    """A commitment as a passage the answer may stand on: its words, status and the evidence for it
    (with the cite of the note the evidence is in, so the answer can cite that note too)."""
    text = f"Commitment: {item['text']} (status: {item['status'].replace('_', ' ')}"
    text += f", {item['age_days']} days ago)." if item.get("age_days") is not None else ")."
    if item.get("evidence"):
        cite = ", ".join(part for part in (item.get("settled_on"), item.get("mentor")) if part)
        text += f" Evidence, in the note [{cite or 'a later note'}]: {item['evidence']}"
    line = int(item.get("line") or 0)
    return Hit(source="notes", path=item["path"], title="", date=item["date"], mentor=item["mentor"],
               kind="session", role=None, heading="commitments", text=text, snippet=item["text"], matches=(),
               score=0.0, similarity=0.0, start_line=line, end_line=line, chunk_id=f"commitment:{item.get('id')}")


def evidence_hit(service, item: dict) -> Hit | None:
    """The sentence that settled a commitment, as a passage of the note it is in."""
    if not item.get("evidence") or not item.get("settled_by"):
        return None
    entry = _manifest_entry(service, item["settled_by"])
    line = int(item.get("evidence_line") or 0)
    return Hit(source="notes", path=item["settled_by"], title=entry.title if entry else "",
               date=item.get("settled_on") or (entry.date if entry else ""),
               mentor=entry.mentor if entry else item.get("mentor"), kind=entry.kind if entry else "other",
               role=entry.role if entry else None, heading="", text=item["evidence"], snippet=item["evidence"],
               matches=(), score=0.0, similarity=0.0, start_line=line, end_line=line,
               chunk_id=f"evidence:{item.get('id')}")


def read_passage(service, path: str, lines: str | None) -> Hit:
    """Lines of one note inside the notes folder (never outside it, never a saved conversation, never
    coach's own wording), as a Hit; ValueError with a plain reason otherwise."""
    root = Path(service.engine.notes_dir())
    target = _inside_notes(root, path)
    note = read_note(target, root, service.settings.max_note_bytes)
    if isinstance(note, Skipped):
        raise ValueError(f"cannot read {path}: {note.reason}")
    if is_conversation(note):
        raise ValueError("that is a saved conversation with coach, not a note of what anyone said")
    body = user_text(note).split("\n")
    first, last = _line_range(lines, note.body_offset, len(body))
    text = "\n".join(body[first - note.body_offset: last - note.body_offset + 1])
    entry = _manifest_entry(service, note.path)
    return Hit(source="notes", path=note.path, title=note.title,
               date=entry.date if entry else note.date.isoformat(),
               mentor=entry.mentor if entry else note.mentor, kind=note.kind, role=note.role, heading="",
               text=text, snippet=text[:200], matches=(), score=0.0, similarity=0.0, start_line=first,
               end_line=last, chunk_id=f"read:{note.path}:{first}-{last}")


def _inside_notes(root: Path, path: str) -> Path:
    rel = (path or "").strip().lstrip("/")
    if not rel or "\x00" in rel or any(part.startswith(".") for part in Path(rel).parts):
        raise ValueError(f"not a note path: {path!r}")
    target = root / rel
    real_root = os.path.realpath(root)
    if not os.path.realpath(target).startswith(real_root.rstrip(os.sep) + os.sep):
        raise ValueError("that path is outside the notes folder")
    if target.suffix.lower() not in NOTE_SUFFIXES or not target.is_file():
        raise ValueError(f"no note at {path!r}")
    return target


def _line_range(lines: str | None, offset: int, count: int) -> tuple[int, int]:
    """File line numbers (1-based, inclusive) within the body, at most MAX_READ_LINES of them."""
    first_body, last_body = offset, offset + count - 1
    if lines:
        parts = str(lines).replace("–", "-").split("-")
        try:
            first = int(parts[0])
            last = int(parts[1]) if len(parts) > 1 and parts[1].strip() else first + MAX_READ_LINES - 1
        except ValueError:
            raise ValueError(f"lines must look like 12-30 (got {lines!r})") from None
    else:
        first, last = first_body, first_body + MAX_READ_LINES - 1
    if first < first_body:  # a range that starts in the front matter keeps its length from the body's start
        first, last = first_body, last + first_body - first
    first = min(first, last_body)
    last = max(first, min(last, last_body, first + MAX_READ_LINES - 1))
    return first, last


def _manifest_entry(service, path: str):
    try:
        manifest = service.engine.searcher.manifest("notes")
    except Exception:  # the index is optional here: the file itself says enough
        return None
    return manifest.notes.get(path) if manifest else None


def describe_search(verb: str, query: str, mentor, since, until, kind) -> str:
    """'searched notes: 'raise' with Ade, since 2025-06-01'."""
    text = f"{verb}: '{_short(query)}'" + _with(mentor)
    if kind:
        text += f", {kind} notes"
    if since:
        text += f", since {since}"
    if until:
        text += f", until {until}"
    return text


def _with(mentor: str | None) -> str:
    return f" with {_short(mentor, 40)}" if mentor else ""


def _short(text: str | None, limit: int = 50) -> str:
    flat = " ".join(ctx_mod.as_data(text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _kind(kind: str | None) -> str | None:
    kind = (kind or "").strip().lower() or None
    return None if kind == "conversation" else kind  # saved conversations are never the agent's evidence
