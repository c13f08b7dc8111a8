"""The Growth screen: reachable by `g` from Home and from the palette; data from progress() in a worker."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from textual.widgets import Sparkline, Static

from coach.agent.growth.commitment_tally import CommitmentTally
from coach.agent.growth.mentor_words import MentorWords
from coach.agent.growth.next_step import NextStep
from coach.agent.growth.progress import Progress
from coach.agent.growth.relationships import RoleNote
from coach.agent.growth.statements import Statement
from coach.agent.growth.then_and_now import Pair
from coach.agent.growth.timeline import Month
from coach.agent.sources import Source
from coach.ui.app import build_app
from tests.ui.conftest import SIZE, notifications, screen_text, visible_text, wait_for


def fake_progress(since=None) -> Progress:
    then = Statement("I froze at the [b]roadmap[/b] review.", "2026-09-29 reflection.md", date(2026, 9, 29), 3,
                     "worry")
    now = Statement("I ran the design crit and wasn't nervous at all.", "2026-11-17 rosa.md", date(2026, 11, 17), 7,
                    "confidence")
    return Progress(
        since, date(2026, 11, 25), "Rosa Delgado", sessions=3, pairs=[Pair("design crit", then, now)],
        commitments=CommitmentTally(), months=[Month("2026-09", 1, 2, 0), Month("2026-10", 0, 1, 1), Month("2026-11", 2, 3, 2)],
        words=[MentorWords("You are ready to lead the crit.", "recognition", "Rosa Delgado", "2026-11-17 rosa.md",
                           date(2026, 11, 17), 5)],
        taught=[RoleNote("2026-11-10 theo.md", date(2026, 11, 10), "I taught Theo the tokens", "Theo", "reverse")],
        steps=[NextStep("Something to take to Rosa: “What would you suggest as my next step?”",
                        "What would you suggest as my next step?", "The next appropriate step",
                        (Source("2026-11-17 rosa.md", "2026-11-17"), Source("next-appropriate-step.md", None,
                                                                           "knowledge")))],
        roles={"2026-11-10 theo.md": "reverse"},
    )


@pytest.fixture
def growth_service(service):
    service.progress_calls = 0

    def progress(since=None):
        service.progress_calls += 1
        return fake_progress(since)

    def review(since=None):
        return SimpleNamespace(progress=fake_progress(since))

    def save_review(review):
        service.saved_reviews.append(review)
        return SimpleNamespace(path="2026-11-25 review - up to 2026-11-25.md", kind="review")

    service.saved_reviews = []
    service.progress, service.review, service.save_review = progress, review, save_review
    return service


async def test_growth_from_home_key_shows_timeline_cards_words_and_steps(settings, growth_service):
    app = build_app(settings, growth_service)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.search_ready)
        await pilot.press("g")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "GrowthScreen")
        screen = app.screen
        await wait_for(pilot, lambda: len(screen.query(".pair-card")) == 1)
        assert screen.query_one("#spark-sessions", Sparkline).data == [1, 0, 2]
        assert screen.query_one("#spark-done", Sparkline).data == [0, 1, 2]
        card = visible_text(screen.query_one(".pair-card", Static))
        assert "“I froze at the [b]roadmap[/b] review.”" in card  # shown literally, never as markup
        assert "2026-11-17 · rosa" in card
        assert "You are ready to lead the crit." in visible_text(screen.query_one("#words", Static))
        assert "(reverse mentoring)" in visible_text(screen.query_one("#taught", Static))
        assert "principle: next-appropriate-step.md" in visible_text(screen.query_one("#steps", Static))
        assert "What Rosa Delgado saw" in screen_text(app)
        await pilot.press("s")
        await wait_for(pilot, lambda: any("Saved review" in n.message for n in notifications(app)))
        assert len(growth_service.saved_reviews) == 1
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "HomeScreen"


async def test_growth_from_the_palette(settings, growth_service):
    from coach.ui.keymap import palette_rows

    assert any(key.action == "open('growth')" for key in palette_rows(None))
    app = build_app(settings, growth_service)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.search_ready)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"growth")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "GrowthScreen")
        await wait_for(pilot, lambda: growth_service.progress_calls >= 1)


async def test_growth_failure_is_a_message_not_a_crash(settings, growth_service):
    def broken(since=None):
        raise RuntimeError("index gone")

    growth_service.progress = broken
    app = build_app(settings, growth_service)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.search_ready)
        await pilot.press("g")
        await wait_for(pilot, lambda: "could not be read" in visible_text(app.screen.query_one("#growth-summary")))
        assert app.is_running


def test_growth_snapshot(settings, growth_service, snap_compare):
    async def shown(pilot):
        app = pilot.app
        await wait_for(pilot, lambda: app.index_state.search_ready)
        await pilot.press("g")
        await wait_for(pilot, lambda: len(app.screen.query(".pair-card")) == 1)
        await pilot.pause(0.1)

    assert snap_compare(build_app(settings, growth_service), terminal_size=(80, 24), run_before=shown)


def test_search_hits_are_labelled_with_their_role():
    from coach.ui.widgets.hits import hit_label

    reverse = SimpleNamespace(source="notes", date="2025-09-26", mentor="Ade Okafor", kind="session", role="reverse")
    mine = SimpleNamespace(**{**vars(reverse), "role": None})
    assert hit_label(reverse) == "2025-09-26 · Ade Okafor · session · reverse mentoring"
    assert hit_label(mine) == "2025-09-26 · Ade Okafor · session"


async def test_a_second_s_while_a_review_is_written_does_not_write_another(settings, growth_service):
    import threading

    release, saving = threading.Event(), growth_service.save_review

    def slow_save(review):
        release.wait(10)
        return saving(review)

    growth_service.save_review = slow_save
    app = build_app(settings, growth_service)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.search_ready)
        await pilot.press("g")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "GrowthScreen")
        await wait_for(pilot, lambda: len(app.screen.query(".pair-card")) == 1)
        await pilot.press("s", "s")
        assert any("being written" in n.message for n in notifications(app))
        release.set()
        await wait_for(pilot, lambda: any("Saved review" in n.message for n in notifications(app)))
        await pilot.pause(0.3)
        assert len(growth_service.saved_reviews) == 1
