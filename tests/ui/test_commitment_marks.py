"""Marking commitments in the app (real service, temp notes): keys and palette write the status file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, Static

from coach.agent.service import CoachService
from coach.ui.app import build_app
from tests.conftest import write_note
from tests.ui.conftest import SIZE, TODAY, notifications, open_commitments, visible_text, wait_for


@pytest.fixture
def marked_app(notes_dir, make_engine, fake_embedder):
    write_note(notes_dir, "2026-11-03 session.md",
               "# Hiring\n\n## Actions\n- [ ] Draft the senior designer job description\n"
               "- [ ] Book a skip-level with Tom\n", date="2026-11-03", mentor="Rosa Delgado", kind="session")
    engine = make_engine(notes_dir, fake_embedder)
    model = GenericFakeChatModel(messages=iter([AIMessage(content="ok")]))
    service = CoachService(engine.settings, engine=engine, chat_model=model, today=TODAY)
    return build_app(engine.settings, service), notes_dir, Path(engine.settings.data_dir)


def _statuses(table: DataTable) -> dict[str, str]:
    return {str(table.get_row_at(i)[2]): str(table.get_row_at(i)[0]) for i in range(table.row_count)}


def _marks(data: Path) -> dict:
    path = data / "commitment-marks.json"
    return json.loads(path.read_text())["marks"] if path.exists() else {}


async def _commitments(app, pilot) -> DataTable:
    await wait_for(pilot, lambda: app.index_state.search_ready, timeout=60)
    table = await open_commitments(app, pilot, rows=2, timeout=20)
    await pilot.press("f", "f", "f")  # all statuses, so marked rows stay in view
    return table


async def test_mark_done_with_a_key_and_drop_from_the_palette(marked_app):
    app, notes, data = marked_app
    before = hashlib.sha256((notes / "2026-11-03 session.md").read_bytes()).hexdigest()
    async with app.run_test(size=SIZE) as pilot:
        table = await _commitments(app, pilot)
        screen = app.screen
        row = next(i for i in range(2) if "senior" in str(table.get_row_at(i)[2]))
        table.move_cursor(row=row)
        await pilot.press("d")
        await wait_for(pilot, lambda: len(_marks(data)) == 1, timeout=20)
        await wait_for(pilot, lambda: _statuses(table)["Draft the senior designer job description"] == "✓ done")
        stored = next(iter(_marks(data).values()))
        assert stored == {"status": "done", "marked_on": TODAY.isoformat(), "path": "2026-11-03 session.md",
                          "text": "Draft the senior designer job description"}
        detail = visible_text(screen.query_one("#commitment-detail", Static))
        assert f"marked done in coach on {TODAY.isoformat()} (your notes: open)" in detail
        assert visible_text(screen.query_one("#commitments-status", Static)).startswith("all 2: 1 open · 1 done ·")

        table.move_cursor(row=1 - row)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"mark commitment dropped")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(_marks(data)) == 2, timeout=20)
        await wait_for(pilot, lambda: _statuses(table)["Book a skip-level with Tom"] == "✗ dropped")
        assert any("marked dropped in coach" in n.message for n in notifications(app))

        await pilot.press("escape")  # home: nothing left open
        await wait_for(pilot, lambda: "Nothing open" in visible_text(app.screen.query_one("#open-list", Static)),
                       timeout=20)
    assert hashlib.sha256((notes / "2026-11-03 session.md").read_bytes()).hexdigest() == before


async def test_reopen_removes_the_mark_and_the_row_returns_to_open(marked_app):
    app, _, data = marked_app
    async with app.run_test(size=SIZE) as pilot:
        table = await _commitments(app, pilot)
        table.move_cursor(row=0)
        await pilot.press("x")
        await wait_for(pilot, lambda: len(_marks(data)) == 1, timeout=20)
        await pilot.press("o")
        await wait_for(pilot, lambda: _marks(data) == {}, timeout=20)
        await wait_for(pilot, lambda: sorted(_statuses(table).values()) == ["▢ open", "▢ open"])
        await pilot.press("o")
        await wait_for(pilot, lambda: any("Already open" in n.message for n in notifications(app)))


async def test_a_checkin_mark_shows_its_question_answer_and_note_not_marked_in_coach(marked_app):
    app, _, _ = marked_app
    service = app.service
    flow = service.start_reflection("rolfe")
    ref = next(c.id for c in flow.checkins if c.text.startswith("Draft the senior"))
    saved = service.save_reflection(flow, ["We met.", "", ""], checkins={ref: "done"})
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.search_ready, timeout=60)
        table = await open_commitments(app, pilot, rows=1, timeout=20)  # the open one; f, f: done
        screen = app.screen
        await pilot.press("f")
        await wait_for(pilot, lambda: table.row_count == 1 and "senior" in str(table.get_row_at(0)[2]))
        detail = screen.query_one("#commitment-detail", Static)
        await wait_for(pilot, lambda: "check-in" in visible_text(detail))
        shown = visible_text(detail)
        line = service.mark_evidence()[ref].line
        label = saved.path.removesuffix(".md").removeprefix(f"{TODAY} ").lstrip(" -")
        assert f"marked done by your check-in answer “done” in {TODAY} · {label}:{line} (your notes: open)" in shown
        assert "in coach on" not in shown
