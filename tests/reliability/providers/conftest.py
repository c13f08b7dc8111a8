"""Provider-fault fixtures: a misbehaving chat server, and a small real index the real service asks over."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import synced_engine, write_note
from tests.faultserver import FaultServer
from tests.reliability.crashkit import copy_data

QUESTION = "What did Ade say about hard feedback?"


@pytest.fixture
def server():
    """A fresh FaultServer on an ephemeral loopback port, stopped (hanging handlers released) after the test."""
    fault = FaultServer().start()
    yield fault
    fault.stop()


@pytest.fixture(scope="session")
def indexed_data(tmp_path_factory, baseline_data, real_embedder):
    """Notes about Ade and Rachel, indexed with the real MiniLM into a copy of the baseline data dir (the
    model exported, the principles indexed) by the suite's shared synced_engine."""
    base = tmp_path_factory.mktemp("provider-faults")
    notes = base / "notes"
    write_note(notes, "2025-09-12 ade.md",
               "## Hard feedback\n\nAde said to give hard feedback early and in private, about the work.\n",
               date="2025-09-12", mentor="Ade Okafor", kind="session")
    write_note(notes, "2025-10-03 rachel.md", "## Raise\n\nRachel said bring market data when asking for a raise.\n",
               date="2025-10-03", mentor="Rachel", kind="session")
    data = base / "data"
    copy_data(baseline_data, data)
    synced_engine(notes, real_embedder, data)
    return notes, data


@pytest.fixture
def rig(indexed_data, tmp_path, monkeypatch):
    """This test's own copy of the indexed data dir (its conversations stay its own), set in COACH_* env."""
    notes, data = indexed_data
    mine = tmp_path / "data"
    copy_data(data, mine)
    monkeypatch.setenv("COACH_NOTES_DIR", str(notes))
    monkeypatch.setenv("COACH_DATA_DIR", str(mine))
    return notes, mine


@pytest.fixture
def make_service(rig, real_embedder):
    """The real CoachService (real engine, real chat-model factory) pointed at a provider by settings."""
    from coach.agent.service import CoachService
    from coach.config import load_settings
    from coach.retrieval.engine import Engine

    def build(**values):
        settings = load_settings(notes_dir=rig[0], data_dir=Path(os.environ["COACH_DATA_DIR"]), **values)
        return CoachService(settings, engine=Engine(settings, query_embedder=real_embedder))

    return build


def openai_at(server: FaultServer, timeout: float = 10.0) -> dict:
    return {"llm_provider": "openai", "llm_base_url": server.url, "llm_model": "fault", "llm_timeout": timeout}


def ollama_at(server: FaultServer, timeout: float = 10.0) -> dict:
    return {"llm_provider": "ollama", "llm_base_url": server.ollama_url, "llm_model": "fault", "llm_timeout": timeout}


def anthropic_at(server: FaultServer, timeout: float = 10.0) -> dict:
    return {"llm_provider": "anthropic", "llm_base_url": server.ollama_url, "llm_model": "fault",
            "llm_api_key": "test-key", "llm_timeout": timeout}
