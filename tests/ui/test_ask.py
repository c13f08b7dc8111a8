"""Ask: streamed Markdown answers, sources beside them, follow-ups carry history, esc stops a reply."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from coach.errors import ProviderError
from tests.ui.conftest import SIZE, ask_answers, ask_statuses, notifications, wait_for


async def _ask(app, pilot, question: str):
    await wait_for(pilot, lambda: app.index_state.search_ready, timeout=30)  # the first app of a session imports a lot
    if app.screen.__class__.__name__ != "AskScreen":
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "AskScreen")
    screen = app.screen
    screen.query_one("#question-input", Input).value = question
    await pilot.press("enter")
    return screen




async def test_answer_streams_with_sources_and_follow_up_keeps_context(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ask(app, pilot, "What did Rosa say about hiring?")
        await wait_for(pilot, lambda: len(screen.history) == 1)
        await wait_for(pilot, lambda: "when the team needs teaching" in ask_answers(screen)[-1])
        assert ask_answers(screen)[-1] == "Rosa said to **hire senior** when the team needs teaching."
        assert screen.query_one("#source-list", OptionList).option_count == 2
        await _ask(app, pilot, "And when?")
        await wait_for(pilot, lambda: len(screen.history) == 2)
        question, history, conversation = service.asked[-1]
        assert question == "And when?"
        assert [r.question for r in history] == ["What did Rosa say about hiring?"]
        assert conversation == "20261125T100000-abc123"


async def test_selecting_a_source_opens_the_note(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ask(app, pilot, "hiring")
        await wait_for(pilot, lambda: len(screen.history) == 1)
        await pilot.press("ctrl+t", "enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ReaderScreen")


async def test_escape_stops_a_reply_and_marks_it_unfinished(app, service):
    service.token_delay = 0.5
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ask(app, pilot, "hiring")
        await wait_for(pilot, lambda: "Rosa said" in (ask_answers(screen) or [""])[-1])
        await pilot.press("escape")
        await wait_for(pilot, lambda: any("Stopped" in s for s in ask_statuses(screen)))
        assert not screen.streaming
        assert app.screen is screen  # the first esc stops; it does not leave
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "HomeScreen"


async def test_a_provider_failure_is_shown_with_the_partial_answer(app, service):
    service.fail_with = ProviderError("The model server at http://localhost:11434 is not answering. Start it.")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _ask(app, pilot, "hiring")
        await wait_for(pilot, lambda: any("Unfinished" in s for s in ask_statuses(screen)))
        toast = notifications(app)[-1]
        assert toast.title == "Provider" and "Start it." in toast.message
        assert "Rosa said" in ask_answers(screen)[-1]
        assert screen.history[-1].status == "interrupted"


async def test_save_as_note_only_after_a_question(app, service, lena):
    """Every service has save_conversation (coach.agent.api.CoachAPI): ctrl+s waits only for a conversation."""
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "AskScreen")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("Ask something first" in n.message for n in notifications(app)))
        assert service.saved_conversations == []
        screen = await _ask(app, pilot, "hiring")
        await wait_for(pilot, lambda: len(screen.history) == 1)
        assert screen.check_action("save_note", ()) is True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: service.saved_conversations == ["20261125T100000-abc123"])
        await wait_for(pilot, lambda: any("coach conversation" in n.message for n in notifications(app)))
