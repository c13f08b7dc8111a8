"""The app on the real CoachService and Engine (temp notes, hash embedder, fake chat model): files on disk."""

from __future__ import annotations

import shutil

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from textual.widgets import DataTable, Input, ListView, Markdown, OptionList

from coach.agent.service import CoachService
from coach.notes.reader import read_note
from coach.ui.app import build_app
from coach.ui.sample import SAMPLE_DIR
from coach.ui.screens.reflect import CHECKIN_CHOICES
from tests.conftest import file_hashes
from tests.ui.conftest import SIZE, TODAY, wait_for

ANSWER = "Rosa said to hire senior when the team needs someone to teach [2026-11-17, Rosa Delgado]."


@pytest.fixture
def real(notes_dir, make_engine, fake_embedder):
    for note in SAMPLE_DIR.iterdir():
        shutil.copy2(note, notes_dir / note.name)
    engine = make_engine(notes_dir, fake_embedder)
    model = GenericFakeChatModel(messages=iter([AIMessage(content=ANSWER)] * 3))
    service = CoachService(engine.settings, engine=engine, chat_model=model, today=TODAY)
    return build_app(engine.settings, service), service, notes_dir



async def _ready(app, pilot):
    await wait_for(pilot, lambda: app.index_state.search_ready, timeout=60)


async def test_search_and_reflect_write_a_note_the_next_search_finds(real):
    app, service, notes = real
    before = file_hashes(notes)
    async with app.run_test(size=SIZE) as pilot:
        await _ready(app, pilot)
        assert app.index_state.notes == 10
        await pilot.press("slash", *"hire senior teach")
        screen = app.screen
        await wait_for(pilot, lambda: screen.hits, timeout=10)
        assert screen.hits[0].path == "2026-11-17 rosa - delegation and hiring.md"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.home_facts is not None, timeout=10)
        await pilot.press("r")
        reflect = app.screen
        await wait_for(pilot, lambda: reflect.phase in ("checkin", "asking"), timeout=20)
        assert reflect.phase == "checkin" and reflect.flow.checkins  # the last session's commitments first
        while reflect.phase == "checkin":
            choices = reflect.query_one("#checkin-choices", OptionList)
            choices.highlighted = [key for key, _ in CHECKIN_CHOICES].index("skip")
            await pilot.press("enter")
            await pilot.pause()
        assert len(reflect.flow.questions) == 3
        answer = reflect.query_one("#answer")
        for text in ("We agreed Joy owns the design system.", "Letting go is hard for me.",
                     "I will write the zebrafish goal for Joy by Friday."):
            answer.text = text  # set, not typed: typing is covered with the fake service
            await pilot.press("enter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: reflect.phase == "saved", timeout=20)
    written = set(file_hashes(notes)) - set(before)
    assert len(written) == 1
    note = read_note(notes / written.pop(), notes)
    assert note.kind == "reflection" and note.mentor == "Rosa Delgado"
    assert {k: v for k, v in file_hashes(notes).items() if k in before} == before  # nothing else touched
    hits = service.engine.search("zebrafish goal", 3).hits
    assert hits and hits[0].path == note.path


async def test_ask_streams_from_the_fake_model_with_sources(real):
    app, _, _ = real
    async with app.run_test(size=SIZE) as pilot:
        await _ready(app, pilot)
        await pilot.press("a")
        screen = app.screen
        screen.query_one("#question-input", Input).value = "What did Rosa say about hiring?"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.history, timeout=20)
        answer = screen.query(".answer").first(Markdown).source
        assert "with Rosa Delgado" in answer.splitlines()[0] and "\n> " in answer  # lead line, verbatim quotes
        assert screen.query_one("#source-list", OptionList).option_count >= 1
        assert any(h.path.startswith("2026-11-17") for h in screen.sources)


async def test_prepare_and_commitments_on_real_notes(real):
    app, _, notes = real
    async with app.run_test(size=SIZE) as pilot:
        await _ready(app, pilot)
        await wait_for(pilot, lambda: app.home_facts is not None, timeout=10)
        await pilot.press("p")
        screen = app.screen
        await wait_for(pilot, lambda: screen.agenda is not None, timeout=30)
        assert len(screen.query_one("#agenda", ListView).children) == len(screen.items) > 0
        await pilot.press("s")
        await wait_for(pilot, lambda: any("agenda" in p.name for p in notes.iterdir()), timeout=20)
        await pilot.press("escape", "c")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "CommitmentsScreen")
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count > 0, timeout=20)
