"""UI fixtures: a fake CoachService typed against coach.agent.api.CoachAPI (mypy checks it in `make lint`),
notes on disk, and Pilot helpers."""

from __future__ import annotations

import asyncio
import html
import re
import threading
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

from coach.agent.api import CoachAPI
from coach.agent.events import AskResult, DoneEvent, FailedEvent, SourcesEvent, TokenEvent
from coach.config import Settings, load_settings
from coach.errors import CoachError
from coach.notes.reader import scan_folder
from coach.retrieval.search import Hit, SearchResponse
from tests.conftest import write_note

if TYPE_CHECKING:
    from coach.ui.app import CoachApp

TODAY = date(2026, 11, 25)
SIZE = (100, 32)


def make_hit(note, text: str | None = None, source: str = "notes", query: str = "") -> Hit:
    body = text or note.body.strip()
    words = tuple(w for w in query.lower().split() if w in body.lower())
    return Hit(source, note.path, note.title, note.date.isoformat() if source == "notes" else "", note.mentor,
               note.kind, None, "", body, body[:240], words, 0.9, 0.8, note.body_offset + 2,
               note.body_offset + 4, f"{note.path}-0")


class FakeSearcher:
    def __init__(self, engine: FakeEngine) -> None:
        self.engine = engine

    def note_count(self, source: str = "notes") -> int:
        return len(self.engine.scan_notes().notes)


class FakeEngine:
    """Searches by substring over the real files in the notes folder; records what it was asked."""

    query_embedder = None  # no meaning search here: the substring match is the whole engine

    def __init__(self, settings) -> None:
        self.settings = settings
        self.searches: list = []
        self.sync_calls = 0
        self.sync_error: BaseException | None = None
        self.sync_gate: threading.Event | None = None
        self.searcher = FakeSearcher(self)

    def notes_dir(self) -> Path:
        return Path(self.settings.notes_dir)

    def scan_notes(self):
        return scan_folder(self.notes_dir())

    def sync(self, progress=None, rebuild: bool = False, wait: float = 0.0):
        self.sync_calls += 1
        notes = self.scan_notes().notes
        for done in range(len(notes) + 1):
            if progress:
                progress(SimpleNamespace(source="notes", done=done, total=len(notes)))
            if self.sync_gate is not None:
                self.sync_gate.wait(5)
        if self.sync_error is not None:
            raise self.sync_error
        return [SimpleNamespace(source="notes", skipped=[]), SimpleNamespace(source="knowledge", skipped=[])]

    def search(self, query, k=None, filters=None, mode="hybrid"):
        self.searches.append((query, filters))
        words = query.lower().split()
        hits = []
        for note in sorted(self.scan_notes().notes, key=lambda n: n.date, reverse=True):
            if filters is not None and filters.mentor and filters.mentor.lower() not in (note.mentor or "").lower():
                continue
            if filters is not None and filters.kind and note.kind != filters.kind:
                continue
            if any(w in note.body.lower() or w in note.title.lower() for w in words):
                hits.append(make_hit(note, query=query))
        return SearchResponse(query, hits[: k or 5], nothing_relevant=not hits)


@dataclass
class FakeFlow:
    framework: str
    mentor: str | None
    date: date
    questions: list = field(default_factory=list)
    checkins: list = field(default_factory=list)


@dataclass(frozen=True)
class FakeItem:
    section: str
    text: str
    sources: tuple = ()
    age_days: int | None = None
    commitment: str | None = None


@dataclass
class FakeAgenda:
    mentor: str | None
    date: date
    items: list = field(default_factory=list)
    more: list = field(default_factory=list)
    confirm: list = field(default_factory=list)


class FakeService:
    """The CoachService facade, scripted: answers stream from `answer_tokens`, saves write real files."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = FakeEngine(settings)
        self.today = TODAY
        self.saved_conversations: list = []
        self.answer_tokens = ["Rosa said ", "to **hire senior** ", "when the team needs teaching."]
        self.token_delay = 0.0
        self.fail_with = None
        self.asked: list = []
        self.saved_reflections: list = []
        self.saved_checkins: list = []
        self.checkin_marks: list = []
        self.undone_marks: list = []
        self.saved_agendas: list = []
        self.marks: list = []
        self.save_gate: threading.Event | None = None
        self.embedding_progress: tuple[int, int] | None = None
        self.open_commitments = [
            SimpleNamespace(text="Draft the senior designer job description", status="open", mentor="Rosa Delgado",
                            path="2026-11-17 rosa.md", date=date(2026, 11, 17), age_days=8, line=12, id="c-draft"),
            SimpleNamespace(text="Pair with Nadia on the tokens migration", status="done", mentor="Theo Lindqvist",
                            path="2026-09-01 theo.md", date=date(2026, 9, 1), age_days=70, line=9, id="c-pair"),
            SimpleNamespace(text="Weekly sync with Marcus", status="dropped", mentor="Rosa Delgado",
                            path="2026-08-18 rosa.md", date=date(2026, 8, 18), age_days=56, line=14, id="c-sync"),
        ]

    def notes(self):
        return self.engine.scan_notes().notes

    async def ask(self, question: str, history: Sequence = (), conversation_id: str | None = None,
                  kind: str | None = None) -> AsyncIterator[object]:
        self.asked.append((question, list(history), conversation_id))
        notes = self.engine.scan_notes().notes
        hits = [make_hit(n, query=question) for n in notes[:2]]
        yield SourcesEvent(hits, True)
        text = ""
        for token in self.answer_tokens:
            await asyncio.sleep(self.token_delay)
            text += token
            yield TokenEvent(token)
        result = AskResult(question, text, hits, [], True, "complete", conversation_id or "20261125T100000-abc123")
        if self.fail_with is not None:
            yield FailedEvent(self.fail_with, replace(result, status="interrupted"))
            return
        yield DoneEvent(result)

    def ask_blocking(self, question, history=(), kind=None):
        async def collect():
            async for event in self.ask(question, history, None, kind):
                if isinstance(event, (DoneEvent, FailedEvent)):
                    return event.result if isinstance(event, DoneEvent) else event.partial
        return asyncio.run(collect())

    def conversations(self):
        return []

    def conversation(self, conversation_id):
        raise CoachError(f"No conversation {conversation_id} in this fake.", "Not found")

    def save_conversation(self, conversation_id):
        self.saved_conversations.append(conversation_id)
        path = write_note(self.engine.notes_dir(), f"{TODAY} coach conversation - fake.md", "# Coach conversation\n",
                          kind="conversation")
        return path.name

    def commitments(self, status=None):
        return [a for a in self.open_commitments if status is None or a.status == status]

    def mark_commitment(self, ref, status, among=None):
        self.marks.append((ref, status))
        item = next(a for a in self.open_commitments if getattr(a, "id", None) == ref)
        item.inferred_status = getattr(item, "inferred_status", item.status)
        if status == "notes":  # marks.UNMARK: the mark removed, back to what the notes say
            item.status, item.status_note, item.marked_on = item.inferred_status, None, None
        else:
            item.status, item.status_note, item.marked_on = status, f"marked {status} in coach on {TODAY}", TODAY
        return item

    def undo_marks(self, changes):
        self.undone_marks.append(list(changes))

    def themes(self):
        return []

    def start_reflection(self, framework="rolfe", mentor=None):
        notes = self.engine.scan_notes().notes
        ctx = [SimpleNamespace(path=n.path, date=n.date.isoformat(), snippet=n.body[:80]) for n in notes[:1]]
        stages = {"rolfe": ["What?", "So what?", "Now what?"], "grow": ["Goal", "Reality", "Options", "Way forward"]}
        questions = [SimpleNamespace(stage=s, question=f"{s} question for {mentor or 'you'}", context=tuple(ctx))
                     for s in stages.get(framework, stages["rolfe"])]
        return FakeFlow(framework, mentor, TODAY, questions)

    def save_reflection(self, flow, answers, checkins=None, index=True):
        self.saved_reflections.append((flow, list(answers)))
        self.saved_checkins.append(dict(checkins or {}))
        path = write_note(self.engine.notes_dir(), f"{TODAY} reflection - fake.md",
                          "# Reflection after meeting Rosa\n\n" + "\n\n".join(answers), date=str(TODAY),
                          kind="reflection")
        return SimpleNamespace(path=path.name, kind="reflection", commitments=[], marks=list(self.checkin_marks))

    def agenda(self, mentor=None):
        src = (SimpleNamespace(path="2026-11-17 rosa.md", date="2026-11-17"),)
        return FakeAgenda(mentor, TODAY, [
            # as the real agenda phrases them: the age in the text, the commitment's own words beside it
            FakeItem("commitments", "Draft the senior designer job description — open 8 days", src, 8,
                     "Draft the senior designer job description"),
            FakeItem("commitments", "Hand the design system to Joy — from 2026-03-01: still relevant?", src, 269,
                     "Hand the design system to Joy"),
            FakeItem("suggested", "How do I know the design system is drifting?", src),
        ], more=[FakeItem("more", "Book the design offsite — from 2026-03-10: still relevant?", src, 260,
                          "Book the design offsite")])

    def save_agenda(self, agenda, index=True):
        if self.save_gate is not None:  # a slow disk: the test opens the gate when it has looked
            self.save_gate.wait(5)
        self.saved_agendas.append(agenda)
        path = write_note(self.engine.notes_dir(), f"{TODAY} agenda - fake.md", "# Agenda for Rosa\n", kind="agenda")
        return SimpleNamespace(path=path.name, kind="agenda")

    # Growth is scripted per test (tests/ui/test_growth_screen.py sets these on the instance).
    def progress(self, since=None):
        raise CoachError("The fake service has no growth data; script progress() in the test.")

    def review(self, since=None):
        raise CoachError("The fake service has no review; script review() in the test.")

    def save_review(self, review):
        raise CoachError("The fake service cannot save a review; script save_review() in the test.")


def lena_notes(folder: Path) -> Path:
    write_note(folder, "2026-11-17 rosa.md",
               "# Rosa: delegation and hiring\n\nRosa said to delegate outcomes, not tasks.\n\n"
               "Hire senior when the team needs someone to teach.\n",
               date="2026-11-17", mentor="Rosa Delgado", kind="session")
    write_note(folder, "2026-11-10 theo.md", "# Theo: the accessibility audit\n\nTickets need screenshots.\n",
               date="2026-11-10", mentor="Theo Lindqvist", kind="session")
    write_note(folder, "2026-09-29 reflection.md", "# Reflection on the roadmap review\n\nI froze.\n",
               date="2026-09-29", kind="reflection")
    return folder


@pytest.fixture
def lena(notes_dir) -> Path:
    return lena_notes(notes_dir)


@pytest.fixture
def settings(lena, isolated_env):
    return load_settings(notes_dir=lena, data_dir=isolated_env / "data")


@pytest.fixture
def service(settings) -> FakeService:
    return FakeService(settings)


def as_api(service: FakeService) -> CoachAPI:
    """The fake where the app expects the service: mypy (make lint) checks it has every CoachAPI method."""
    return service


@pytest.fixture
def app(settings: Settings, service: FakeService) -> CoachApp:
    from coach.ui.app import build_app

    return build_app(settings, as_api(service))


async def wait_for(pilot, condition, timeout: float = 5.0) -> None:
    """Let workers run until `condition()` holds (fails the test after `timeout`)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {getattr(condition, '__name__', condition)}")
        await pilot.pause(0.02)


async def open_commitments(app, pilot, rows: int, timeout: float = 5.0):
    """Press c, wait for the Commitments screen and for its table to hold `rows` rows; the table."""
    from textual.widgets import DataTable

    await pilot.press("c")
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "CommitmentsScreen")
    table = app.screen.query_one("#commitment-table", DataTable)
    await wait_for(pilot, lambda: table.row_count == rows, timeout=timeout)
    return table


def visible_text(widget) -> str:
    """What a Static-like widget shows, as plain text."""
    visual = getattr(widget, "visual", None)
    return getattr(visual, "plain", None) or str(visual if visual is not None else widget.render())


def ask_answers(screen) -> list[str]:
    """The Markdown source of each answer on the Ask screen, oldest first."""
    from textual.widgets import Markdown

    return [m.source for m in screen.query(".answer").results(Markdown)]


def ask_statuses(screen) -> list[str]:
    """The status lines shown under the Ask screen's answers (unfinished, stopped, flagged citations)."""
    return [visible_text(s) for s in screen.query(".answer-status") if s.display]


def screen_text(app) -> str:
    """Every character on screen (renders the whole screen, so a markup crash would surface here)."""
    svg = app.export_screenshot()
    rows = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.DOTALL)
    return html.unescape("".join(rows)).replace("\xa0", " ")


def notifications(app) -> list:
    return list(app._notifications)
