"""Ask screen on the real service (temp notes, fake chat model): save as note, and past conversations."""

from __future__ import annotations

import shutil

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, Markdown, OptionList

from coach.agent.events import AskResult
from coach.agent.history import ConversationLog, load_conversation
from coach.agent.service import CoachService
from coach.notes.reader import read_note
from coach.retrieval.results import SearchFilters
from coach.ui.app import build_app
from coach.ui.sample import SAMPLE_DIR
from tests.conftest import file_hashes
from tests.ui.conftest import SIZE, TODAY, notifications, screen_text, visible_text, wait_for

ANSWERS = ["Rosa said to hire senior when the team needs someone to teach [2026-11-17, Rosa Delgado].",
           "She said it in the November session [2026-11-17, Rosa Delgado].",
           "A third answer."]


@pytest.fixture
def real(notes_dir, make_engine, fake_embedder):
    for note in SAMPLE_DIR.iterdir():
        shutil.copy2(note, notes_dir / note.name)
    engine = make_engine(notes_dir, fake_embedder)
    model = GenericFakeChatModel(messages=iter([AIMessage(content=text) for text in ANSWERS]))
    service = CoachService(engine.settings, engine=engine, chat_model=model, today=TODAY)
    return build_app(engine.settings, service), service, notes_dir



async def _ask(app, pilot, question: str):
    if app.screen.__class__.__name__ != "AskScreen":
        await wait_for(pilot, lambda: app.index_state.search_ready, timeout=60)
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "AskScreen")
    screen = app.screen
    done = len(screen.history)
    screen.query_one("#question-input", Input).value = question
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(screen.history) == done + 1, timeout=30)
    return screen


def _chat_text(screen) -> str:
    parts = []
    for widget in screen.query_one("#chat").children:
        parts.append(widget.source if isinstance(widget, Markdown) else visible_text(widget))
    return "\n".join(parts)


async def test_save_as_note_writes_a_new_note_and_indexes_it(real):
    app, service, notes = real
    before = file_hashes(notes)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ask(app, pilot, "What did Rosa say about hiring?")
        assert screen.check_action("save_note", ()) is True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: set(file_hashes(notes)) - set(before), timeout=20)
        await wait_for(pilot, lambda: any("Saved as a new note" in n.message for n in notifications(app)),
                       timeout=20)
        await pilot.press("ctrl+s")  # nothing new since: no second copy
        await wait_for(pilot, lambda: any("Already saved as" in n.message for n in notifications(app)))
        assert len(set(file_hashes(notes)) - set(before)) == 1
    written = (set(file_hashes(notes)) - set(before)).pop()
    assert written.startswith(f"{TODAY} coach conversation - what-did-rosa-say-about-hiring")
    assert any(written in n.message for n in notifications(app))
    note = read_note(notes / written, notes)
    assert note.title == "Coach conversation: What did Rosa say about hiring?"
    assert "Rosa Delgado" in note.body and "\n> " in note.body  # the quoted passages, credited
    assert {k: v for k, v in file_hashes(notes).items() if k in before} == before  # nothing else touched
    question = "Coach conversation What did Rosa say about hiring"
    hits = service.engine.search(question, 5, SearchFilters(kind="conversation")).hits
    assert written in [hit.path for hit in hits]  # indexed at once, found when conversations are asked for
    assert written not in [hit.path for hit in service.engine.search(question, 5).hits]  # never by default


async def test_reopen_a_past_conversation_and_continue_it(real, monkeypatch):
    app, service, _ = real
    asked = []
    real_ask = service.ask

    def spy(question, history=(), conversation_id=None):
        asked.append((question, list(history), conversation_id))
        return real_ask(question, history, conversation_id)

    monkeypatch.setattr(service, "ask", spy)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ask(app, pilot, "What did Rosa say about hiring?")
        first_id = screen.conversation_id
        assert first_id
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: screen.conversation_id is None and "Rosa Delgado" not in _chat_text(screen))
        assert screen.query_one("#source-list", OptionList).option_count == 0

        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "HistoryScreen")
        options = app.screen.query_one("#history-list", OptionList)
        assert options.option_count == 1
        prompt = str(options.get_option_at_index(0).prompt)
        assert "1 question" in prompt and "What did Rosa say about hiring?" in prompt
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is screen and screen.conversation_id == first_id)
        await wait_for(pilot, lambda: "Rosa Delgado" in _chat_text(screen))
        assert "What did Rosa say about hiring?" in _chat_text(screen)
        assert screen.query_one("#source-list", OptionList).option_count >= 1  # the last answer's sources

        await _ask(app, pilot, "When did she say it?")
        _, history, conversation = asked[-1]
        assert conversation == first_id
        assert history[0][0] == "What did Rosa say about hiring?" and "Rosa Delgado" in history[0][1]
    turns = load_conversation(service.settings, first_id).turns
    assert [t.question for t in turns] == ["What did Rosa say about hiring?", "When did she say it?"]


async def test_palette_offers_the_conversation_actions_on_the_ask_screen(real):
    app, _, _ = real
    async with app.run_test(size=SIZE) as pilot:
        await _ask(app, pilot, "What did Rosa say about hiring?")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"past conversations")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "HistoryScreen")
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "AskScreen"


async def test_past_conversations_from_the_home_palette(real):
    app, _, _ = real
    async with app.run_test(size=SIZE) as pilot:
        await _ask(app, pilot, "What did Rosa say about hiring?")
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "HomeScreen"
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"past conversations")
        await wait_for(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "HistoryScreen")
        assert app.screen.query_one("#history-list", OptionList).option_count == 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "AskScreen"
                       and "Rosa Delgado" in _chat_text(app.screen))


async def test_hostile_text_in_a_past_conversation_renders_literally(real):
    app, service, _ = real
    log = ConversationLog(service.settings)
    log.add_question("[@click=app.quit]x[/] and [bold]y \x1b[2J")
    log.add_answer(AskResult("q", "Answer with [/] and [red]z[/]", [], [], True, "interrupted", log.id))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.search_ready, timeout=60)
        await pilot.press("a", "ctrl+o")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "HistoryScreen")
        await pilot.pause(0.1)
        assert "[@click=app.quit]x[/] and [bold]y" in screen_text(app)
        await pilot.press("enter")
        ask = app.screen
        await wait_for(pilot, lambda: ask.__class__.__name__ == "AskScreen" and ask.conversation_id == log.id)
        await pilot.pause(0.1)
        text = screen_text(app)
        assert "[@click=app.quit]x[/] and [bold]y" in text and "This answer was unfinished" in text
        assert app.is_running
