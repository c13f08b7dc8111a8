"""First run: no notes folder → choose one or load the sample notes; the config file keeps other keys."""

from __future__ import annotations

import tomllib

import pytest
from textual.widgets import Input, Static

from coach import paths
from coach.config import load_settings
from coach.ui.app import build_app
from tests.ui.conftest import SIZE, FakeService, lena_notes, visible_text, wait_for


@pytest.fixture
def bare(isolated_env):
    settings = load_settings(data_dir=isolated_env / "data")
    return settings, FakeService(settings)


def _config() -> dict:
    return tomllib.loads(paths.default_config_file().read_text())


async def test_sample_notes_in_one_keystroke(bare):
    settings, service = bare
    paths.default_config_file().write_text('llm_provider = "ollama"\n[extra]\nkeep = true\n')
    app = build_app(settings, service)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "FirstRunScreen")
        assert app.index_state.phase == "no-notes"
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        sample = settings.data_dir / "sample-notes"
        assert len(list(sample.glob("*.md"))) >= 8
        config = _config()
        assert config["notes_dir"] == str(sample)
        assert config["llm_provider"] == "ollama" and config["extra"] == {"keep": True}  # untouched
        assert app.screen.__class__.__name__ == "HomeScreen"
        await wait_for(pilot, lambda: "Rosa Delgado" in visible_text(app.screen.query_one("#last-session")))


async def test_choose_an_existing_folder(bare, tmp_path):
    settings, service = bare
    folder = lena_notes(tmp_path / "mine")
    app = build_app(settings, service)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "FirstRunScreen")
        app.screen.query_one("#folder", Input).value = str(tmp_path / "missing")
        await pilot.click("#use-folder")
        assert "There is no folder" in visible_text(app.screen.query_one("#first-run-error", Static))
        assert not paths.default_config_file().exists()
        app.screen.query_one("#folder", Input).value = str(folder)
        app.screen.query_one("#folder", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.index_state.phase == "ready")
        assert _config() == {"notes_dir": str(folder.resolve())}
        assert settings.notes_dir == folder.resolve()


async def test_a_broken_config_file_is_never_overwritten(bare):
    settings, service = bare
    paths.default_config_file().write_text("this is = = not toml")
    app = build_app(settings, service)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "FirstRunScreen")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "not valid TOML" in visible_text(app.screen.query_one("#first-run-error", Static))
        assert paths.default_config_file().read_text() == "this is = = not toml"
        assert app.screen.__class__.__name__ == "FirstRunScreen"


async def test_empty_folder_also_starts_first_run(isolated_env, notes_dir):
    settings = load_settings(notes_dir=notes_dir, data_dir=isolated_env / "data")
    app = build_app(settings, FakeService(settings))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "FirstRunScreen")
        assert app.screen.query_one("#folder", Input).value == str(notes_dir)
        await pilot.press("escape")
        await pilot.press("r")  # nothing to reflect on yet: a hint, not a crash
        assert app.screen.__class__.__name__ == "HomeScreen"
