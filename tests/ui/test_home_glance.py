"""Home shows a few open commitments (since the last session, then the oldest) and how many more."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from textual.widgets import Static

from tests.ui.conftest import SIZE, TODAY, visible_text, wait_for


def _open(text: str, day: str):
    when = date.fromisoformat(day)
    return SimpleNamespace(text=text, status="open", mentor="Rosa Delgado", path=f"{day} rosa.md", date=when,
                           age_days=(TODAY - when).days, line=3)


async def test_home_lists_the_few_that_matter_and_points_to_the_rest(app, service):
    service.open_commitments = [_open(f"Old thing {n}", f"2026-0{n}-02") for n in range(1, 9)]
    service.open_commitments += [_open("Draft the senior designer job description", "2026-11-17")]
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        listing = app.screen.query_one("#open-list", Static)
        await wait_for(pilot, lambda: "Since your last session" in visible_text(listing))
        lines = visible_text(listing).splitlines()
        assert lines[:3] == ["Since your last session", "  8 days ▢ Draft the senior designer job description",
                             "Waiting longest"]
        assert lines[3] == "327 days ▢ Old thing 1"  # oldest first, with its age
        assert lines[-1] == "… and 2 more — press c to see all"  # 1 + 6 shown of 9
        assert len(lines) == 10
        assert "Open commitments (9)" in str(app.screen.query_one("#open-card").border_title)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "CommitmentsScreen")


def test_home_facts_name_each_mentor_once_and_mentees_apart():
    from datetime import date
    from types import SimpleNamespace

    from coach.ui.facts import home_facts

    def note(day, mentor, role=None):
        return SimpleNamespace(date=date.fromisoformat(day), path=f"{day}.md", mentor=mentor, kind="session",
                               role=role, title="t", body="")

    notes = [note("2026-01-01", "Kwame Asante"), note("2026-02-01", "Kwame"), note("2026-03-01", "Helen O-S"),
             note("2026-03-15", "Dr Helen Okonkwo-Shaw"), note("2026-04-01", "Josh", "mentor"),
             note("2026-04-02", "Josh", "mentor"), note("2026-04-03", "Mrs Dobson")]
    facts = home_facts(notes)
    assert [m.split()[-1] for m in facts.mentors] == ["Okonkwo-Shaw", "Asante"]  # newest first, one name each
    assert facts.mentees == ["Josh"]  # a parent met once is neither
