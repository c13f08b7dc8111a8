"""The app picks up notes edited outside it while it runs: file watcher, or a periodic sync when it is off."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from coach.agent.service import CoachService
from coach.errors import IndexBusyError
from coach.fsutil import TEMP_PREFIX
from coach.ui.app import build_app
from coach.ui.freshness import is_note_change
from coach.ui.messages import IndexSynced
from tests.conftest import write_note
from tests.ui.conftest import SIZE, TODAY, lena_notes, notifications, screen_text, wait_for

PICKUP = 20.0
"""Bound on watcher -> sync -> searchable (seconds; generous for a loaded 2-core machine)."""


@pytest.fixture
def build(notes_dir, make_engine, fake_embedder):
    lena_notes(notes_dir)

    def make(**settings):
        engine = make_engine(notes_dir, fake_embedder, **settings)
        model = GenericFakeChatModel(messages=iter([AIMessage(content="ok")]))
        service = CoachService(engine.settings, engine=engine, chat_model=model, today=TODAY)
        return build_app(engine.settings, service), service

    return make


def _synced(messages: list) -> int:
    return sum(isinstance(m, IndexSynced) for m in messages)


def _finds(service, words: str, path: str) -> bool:
    return path in [hit.path for hit in service.engine.search(words, 5).hits]


def test_only_visible_note_files_and_folders_count(tmp_path):
    root = tmp_path
    assert is_note_change(str(root / "2026-12-01 ade.md"), root)
    assert is_note_change(str(root / "sub" / "notes.TXT"), root)
    assert is_note_change(str(root / "old-folder"), root)  # a folder moved or deleted whole
    assert not is_note_change(str(root / f"{TEMP_PREFIX}abc123"), root)
    assert not is_note_change(str(root / ".obsidian" / "workspace.md"), root)
    assert not is_note_change(str(root / ".note.md.swp"), root)
    assert not is_note_change(str(root / "picture.png"), root)
    assert not is_note_change("/elsewhere/x.md", root)


async def test_a_note_written_from_outside_is_indexed_and_found(build, notes_dir):
    app, service = build()
    messages: list = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready" and app.index_state.notes == 3, timeout=60)
        assert app.keeper.mode == "watching"
        await pilot.pause(0.5)  # the watcher is up
        synced = _synced(messages)
        (notes_dir / ".obsidian").mkdir()
        (notes_dir / ".obsidian" / "workspace.md").write_text("hidden: never a note\n")
        (notes_dir / f"{TEMP_PREFIX}x1").write_text("half a save\n")
        await pilot.pause(1.5)
        assert _synced(messages) == synced  # hidden and temp files are not notes: no sync

        started = time.monotonic()
        write_note(notes_dir, "2026-11-24 ade.md", "# Ade on quokka budgets\n\nAde said quokka budgets need slack.\n",
                   date="2026-11-24", mentor="Ade Okafor", kind="session")
        await wait_for(pilot, lambda: app.index_state.phase == "ready" and app.index_state.notes == 4,
                       timeout=PICKUP)
        assert _finds(service, "quokka budgets slack", "2026-11-24 ade.md")
        assert "index ✓ 4 notes" in screen_text(app)  # Home's status line
        print(f"picked up in {time.monotonic() - started:.2f} s")

        (notes_dir / "2026-11-24 ade.md").unlink()
        await wait_for(pilot, lambda: app.index_state.phase == "ready" and app.index_state.notes == 3,
                       timeout=PICKUP)
        assert not _finds(service, "quokka budgets slack", "2026-11-24 ade.md")
    assert app.keeper.stop.is_set()


async def test_with_watching_off_a_periodic_sync_picks_changes_up(build, notes_dir):
    app, service = build(watch_notes=False, sync_interval=0.5)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready" and app.index_state.notes == 3, timeout=60)
        assert app.keeper.mode == "periodic"
        write_note(notes_dir, "2026-11-24 ade.md", "# Ade\n\nAde said quokka budgets need slack.\n",
                   date="2026-11-24", mentor="Ade Okafor", kind="session")
        await wait_for(pilot, lambda: app.index_state.notes == 4, timeout=PICKUP)
        assert _finds(service, "quokka budgets slack", "2026-11-24 ade.md")


async def test_a_busy_index_is_retried_quietly_later(build, notes_dir, monkeypatch):
    monkeypatch.setattr("coach.ui.freshness.BUSY_RETRY", 0.3)
    app, service = build()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.index_state.phase == "ready", timeout=60)
        real_sync, calls = service.engine.sync, []

        def busy_once(*args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                raise IndexBusyError("The index is busy: coach process 4242 is updating it.")
            return real_sync(*args, **kwargs)

        monkeypatch.setattr(service.engine, "sync", busy_once)
        shown = len(notifications(app))
        write_note(notes_dir, "2026-11-24 ade.md", "# Ade\n\nquokka budgets\n", date="2026-11-24", kind="session")
        await wait_for(pilot, lambda: app.index_state.notes == 4 and app.index_state.phase == "ready",
                       timeout=PICKUP)
        assert len(calls) >= 2
        assert len(notifications(app)) == shown  # a background retry does not nag
        assert app.screen.is_attached and Path(notes_dir / "2026-11-24 ade.md").exists()


async def test_when_the_folder_cannot_be_watched_it_falls_back_to_periodic_sync(build, monkeypatch):
    def cannot_watch(folder, on_change, stop):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr("coach.ui.freshness.watch_folder", cannot_watch)
    app, _ = build(sync_interval=60)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.keeper.mode == "periodic", timeout=30)
        toast = next(n for n in notifications(app) if n.title == "Notes folder")
        assert "inotify watch limit reached" in toast.message and "every 60 s" in toast.message
        assert app.is_running
