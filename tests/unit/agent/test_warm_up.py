"""ask.warm_up: the bundled model reads the fixed system text ahead of time; other providers are never called."""

from __future__ import annotations

from langchain_core.language_models import FakeListChatModel
from pydantic import Field

from coach.agent.ask import warm_up, warm_up_messages
from coach.agent.service import CoachService
from coach.config import Settings
from coach.llm.prompts import load_prompt


class Recording(FakeListChatModel):
    calls: list = Field(default_factory=list)

    def _call(self, messages, stop=None, run_manager=None, **kwargs):
        self.calls.append(messages)
        return super()._call(messages, stop, run_manager, **kwargs)


def test_a_model_other_than_the_bundled_llamacpp_is_not_called():
    """Only the in-process llama.cpp model keeps an evaluated prefix; a stand-in (as in tests) is left alone."""
    model = Recording(responses=["ok"])
    warm_up(CoachService(Settings(llm_provider="llamacpp"), engine=object(), chat_model=model))
    assert model.calls == []


def test_the_warm_up_prompt_is_the_ask_system_text():
    assert warm_up_messages()[0].content == load_prompt("ask").system


def test_other_providers_are_not_called():
    model = Recording(responses=["ok"])
    warm_up(
        CoachService(
            Settings(llm_provider="openai", llm_model="gpt-4o-mini"), engine=object(), chat_model=model
        )
    )
    assert model.calls == []
