"""Prepare: the agenda as an editable list (move, reorder, edit, drop, add), saved, exported or copied."""

from __future__ import annotations

import threading

from textual.widgets import ListView, Static

from tests.ui.conftest import SIZE, notifications, visible_text, wait_for


async def _open(app, pilot):
    await wait_for(pilot, lambda: app.home_facts is not None)
    await pilot.press("p")
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "PrepareScreen")
    screen = app.screen
    await wait_for(pilot, lambda: len(screen.query_one("#agenda", ListView).children) == 3)
    return screen


def _texts(screen) -> list[str]:
    return [item.text for item in screen.items]


async def test_edit_the_agenda_then_save(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        assert "Report back on" in visible_text(screen.query_one("#agenda").children[0].query_one(Static))
        assert "From 2026-11-17 · rosa" in visible_text(screen.query_one("#item-source", Static))
        await pilot.press("J")  # move the first commitment below the second
        assert _texts(screen)[:2] == ["Hand the design system to Joy", "Draft the senior designer job description"]
        await pilot.press("J")  # at the edge of its section an item joins the next section
        assert screen.items[1].section == "suggested"
        await pilot.press("k", "x")
        assert _texts(screen) == ["Draft the senior designer job description",
                                  "How do I know the design system is drifting?"]
        await pilot.press("e", "ctrl+u", *"Draft the job description", "enter")
        assert _texts(screen)[0] == "Draft the job description"
        await pilot.press("i", *"Ask about interview loops", "enter")
        assert _texts(screen)[1] == "Ask about interview loops"
        await pilot.press("s")
        await wait_for(pilot, lambda: service.saved_agendas)
        saved = service.saved_agendas[-1]
        assert [i.text for i in saved.items] == _texts(screen)
        assert saved.mentor == "Rosa Delgado"


async def test_export_and_copy(app, service, settings):
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("w")
        folder = settings.data_dir / "exports"
        await wait_for(pilot, lambda: folder.exists() and any(folder.iterdir()))
        text = next(folder.iterdir()).read_text()
        assert text.startswith("# Agenda for the next meeting with Rosa Delgado")
        assert "## Report back on" in text and "- Hand the design system to Joy" in text
        await pilot.press("y")
        assert app.clipboard == text


async def test_escape_cancels_an_edit_before_leaving(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("e", *"zzz", "escape")
        assert app.screen is screen and _texts(screen)[0] == "Draft the senior designer job description"
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "HomeScreen"


async def test_save_twice_writes_one_file_and_says_saving_at_once(app, service, lena):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        service.save_gate = threading.Event()
        await pilot.press("s", "s")
        assert "Saving…" in visible_text(screen.query_one("#prepare-status", Static))
        assert "Saving already" in notifications(app)[-1].message
        service.save_gate.set()
        await wait_for(pilot, lambda: not screen.saving)
        await pilot.press("s")  # nothing changed since: no copy either
        await pilot.pause(0.2)
        assert len(service.saved_agendas) == 1
        assert len(list(lena.glob("*agenda*.md"))) == 1
        assert "Saved" in visible_text(screen.query_one("#prepare-status", Static))


async def test_unsaved_edits_warn_before_leaving(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        await pilot.press("x")
        assert "2 items" in visible_text(screen.query_one("#prepare-status", Static))
        await pilot.press("r")  # another screen's key would throw the edits away: warned, stayed
        assert app.screen is screen
        assert "not saved" in notifications(app)[-1].message
        await pilot.press("escape")  # the second time, leaving is what the user means
        assert app.screen.__class__.__name__ == "HomeScreen"


async def test_drop_can_be_undone(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        before = _texts(screen)
        await pilot.press("x")
        assert len(screen.items) == 2 and "u undoes" in notifications(app)[-1].message
        await pilot.press("u")
        await wait_for(pilot, lambda: _texts(screen) == before)
        await pilot.press("escape")  # back to the draft: nothing to warn about
        assert app.screen.__class__.__name__ == "HomeScreen"


def test_saved_agenda_has_no_screen_decorations():
    from coach.ui import agenda_edit as ed
    from tests.ui.conftest import FakeItem

    items = [FakeItem("commitments", "Draft the JD — open 0 days (Rosa)", (), 0),
             FakeItem("commitments", "Book the rehearsal — open 12 days", (), 12),
             FakeItem("suggested", "Why is it open 3 days — open 3 days?", (), None)]
    assert [i.text for i in ed.for_saving(items)] == [
        "Draft the JD (Rosa)", "Book the rehearsal", "Why is it open 3 days — open 3 days?"]


async def test_rows_show_the_commitment_in_its_own_words_with_the_age_beside_it(app, service):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        rows = [visible_text(item.query_one(Static)) for item in screen.query_one("#agenda").children]
        assert rows[0].endswith("▢ Draft the senior designer job description  8 days")
        assert rows[1] == "▢ Hand the design system to Joy  269 days · still relevant?"
        assert not any("— open" in row or "— from" in row for row in rows)
        assert "open 8 days" not in screen.markdown() and "still relevant" not in screen.markdown()
        await pilot.press("s")
        await wait_for(pilot, lambda: service.saved_agendas)
        saved = [item.text for item in service.saved_agendas[-1].items]
        assert saved[:2] == ["Draft the senior designer job description", "Hand the design system to Joy"]


async def test_m_drafts_the_agenda_for_the_next_mentor(app, service):
    asked = []
    real = service.agenda
    service.agenda = lambda mentor=None: asked.append(mentor) or real(mentor)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        people = list(screen.people)
        assert len(people) == 2 and len(set(people)) == 2  # one entry per person, however spelled
        await pilot.press("m")
        await wait_for(pilot, lambda: asked[-1] == people[1])
        await pilot.press("m")
        await wait_for(pilot, lambda: asked[-1] == people[0])


async def test_the_full_list_is_one_key_away(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(app, pilot)
        assert "f full list (+1)" in visible_text(screen.query_one("#prepare-status", Static))
        await pilot.press("f")
        await wait_for(pilot, lambda: len(screen.query_one("#agenda", ListView).children) == 4)
        assert _texts(screen)[-1] == "Book the design offsite"  # its own words: the age is beside it, once
        row = visible_text(screen.query_one("#agenda", ListView).children[-1].query_one(Static))
        assert row.count("still relevant?") == 1 and "260 days · still relevant?" in row
        await pilot.press("f")
        await wait_for(pilot, lambda: len(screen.query_one("#agenda", ListView).children) == 3)
        assert "Book the design offsite" not in _texts(screen)
