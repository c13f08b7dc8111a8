"""Reflect: one question at a time with notes beside it, a rendered preview, and a save through the service."""

from __future__ import annotations

from textual.widgets import Markdown, Select, Static

from tests.ui.conftest import SIZE, notifications, visible_text, wait_for


async def _start(app, pilot, phase: str = "asking"):
    await wait_for(pilot, lambda: app.home_facts is not None)
    await pilot.press("r")
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "ReflectScreen")
    screen = app.screen
    await wait_for(pilot, lambda: screen.phase == phase)
    return screen


async def test_answer_each_question_preview_and_save(app, service, lena):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(app, pilot)
        assert screen.query_one("#mentor", Select).value == "Rosa Delgado"  # the mentor last met
        assert visible_text(screen.query_one("#question", Static)) == "What? question for Rosa Delgado"
        assert "From your notes" in visible_text(screen.query(".related-head").first())
        assert len(screen.query(".related-item")) == 1
        await pilot.press(*"We talked about hiring.", "enter")
        assert visible_text(screen.query_one("#step", Static)) == "step 2 of 3"
        await pilot.press(*"Teaching matters.", "enter")
        await pilot.press(*"I will write the role by Friday.", "enter")
        assert screen.phase == "preview"
        preview = screen.query_one("#preview-md", Markdown).source
        assert "We talked about hiring." in preview and "I will write the role by Friday." in preview
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.phase == "saved")
        flow, answers = service.saved_reflections[-1]
        assert answers == ["We talked about hiring.", "Teaching matters.", "I will write the role by Friday."]
        assert flow.mentor == "Rosa Delgado"
        assert (lena / "2026-11-25 reflection - fake.md").exists()
        toast = notifications(app)[-1]
        assert "Reflection after meeting Rosa" in toast.message


async def test_back_and_edit_keep_answers(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(app, pilot)
        await pilot.press(*"first", "enter", *"second")
        await pilot.press("ctrl+b")
        assert screen.step == 0 and screen.query_one("#answer").text == "first"
        assert screen.answers[1] == "second"
        await pilot.press("enter", "enter", *"third", "enter")
        assert screen.phase == "preview"
        await pilot.press("e")
        assert screen.phase == "asking" and screen.step == 0
        await pilot.press("ctrl+j", *"more", "enter")
        assert screen.answers[0] == "first\nmore"


async def test_leaving_with_answers_asks_first(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(app, pilot)
        await pilot.press(*"something", "enter", "escape")
        assert app.screen is screen and "Press esc again" in notifications(app)[-1].message
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "HomeScreen"
        assert service.saved_reflections == []


async def test_framework_choice_restarts_the_flow(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(app, pilot)
        screen.query_one("#framework", Select).value = "grow"
        await wait_for(pilot, lambda: screen.flow is not None and screen.flow.framework == "grow")
        await wait_for(pilot, lambda: screen.phase == "asking")
        assert visible_text(screen.query_one("#step", Static)) == "step 1 of 4"


async def test_a_failing_start_is_reported_and_esc_still_leaves(app, service):
    from coach.errors import ModelError

    def broken(framework="rolfe", mentor=None):
        raise ModelError("The embedding model is missing: reinstall coach (pip install -e .).")

    service.start_reflection = broken
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.home_facts is not None)
        await pilot.press("r")
        await wait_for(pilot, lambda: any(n.title == "Model" for n in notifications(app)))
        screen = app.screen
        await wait_for(pilot, lambda: "could not start" in visible_text(screen.query_one("#stage", Static)))
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "HomeScreen"


def _with_checkins(service):
    """The fake's flow asks about two of the last session's open commitments first."""
    from datetime import date
    from types import SimpleNamespace

    start = service.start_reflection

    def flow_with_checkins(framework="rolfe", mentor=None):
        flow = start(framework, mentor)
        flow.checkins = [
            SimpleNamespace(id=ref, text=text, path="2026-11-17 rosa.md", date=date(2026, 11, 17),
                            question=f"Did you “{text}”?")
            for ref, text in (("c-draft", "Draft the job description"), ("c-call", "Call the recruiter"))]
        return flow

    service.start_reflection = flow_with_checkins


async def test_checkins_ask_each_commitment_with_choices_then_record_and_undo(app, service):
    from types import SimpleNamespace

    _with_checkins(service)
    service.checkin_marks = [SimpleNamespace(id="c-draft", changed=True,
                                             describe=lambda: "Draft the job description: marked done "
                                             "(your answer 'done' in 2026-11-25 reflection - fake.md, line 9)")]
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(app, pilot, phase="checkin")
        assert visible_text(screen.query_one("#question", Static)) == "Did you “Draft the job description”?"
        assert not screen.query_one("#answer").display  # no box to type into: a choice, not free text
        await pilot.press("enter")  # "done" is highlighted first
        assert screen.checkin_step == 1
        assert "Call the recruiter" in visible_text(screen.query_one("#question", Static))
        await pilot.press("down", "enter")  # "not yet"
        assert screen.phase == "asking" and screen.query_one("#answer").display
        await pilot.press("ctrl+b")  # back to the last check-in, its answer kept
        assert screen.phase == "checkin" and screen.checkin_step == 1
        await pilot.press("enter", *"We met.", "enter", "enter", "enter")
        assert screen.phase == "preview"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.phase == "saved")
        assert service.saved_checkins[-1] == {"c-draft": "done", "c-call": "not_yet"}
        toast = notifications(app)[-1]
        assert "marked done" in toast.message and "line 9" in toast.message and "u undoes" in toast.message
        await pilot.press("u")
        await wait_for(pilot, lambda: service.undone_marks)
        assert [c.id for c in service.undone_marks[-1]] == ["c-draft"]


async def test_typed_words_at_a_checkin_are_refused_never_chosen_and_never_leave(app, service):
    _with_checkins(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _start(app, pilot, phase="checkin")
        # h, a, n, d would be other keys (home, ask) or read as a choice (n = not yet, d = done): all refused,
        # and the enter that ends the typed words records nothing.
        await pilot.press(*"haven't done it yet", "enter")
        await pilot.pause(0.1)
        assert app.screen is screen and screen.phase == "checkin" and screen.checkin_step == 0
        assert screen.checkin_answers == {}
        refusals = [n for n in notifications(app) if n.title == "Not an answer"]
        assert refusals and len(refusals) <= 2  # one for the words, one for the enter: not one per letter
        assert "choose done, not yet, dropped or skip with ↑↓, then enter" in refusals[0].message
        assert "Typed words are not read here" in visible_text(screen.query_one("#reflect-hint", Static))
        await pilot.press("down", "enter")  # a choice made with the arrows: not yet
        assert screen.checkin_step == 1 and screen.checkin_answers == {"c-draft": "not_yet"}
        await pilot.press("enter")  # nothing typed at this one: enter records the highlighted "done"
        assert screen.phase == "asking"
        await pilot.press(*"hi")  # the answer box takes letters as before
        assert screen.query_one("#answer").text.endswith("hi") and app.screen is screen
    assert service.saved_checkins == []  # nothing written
