"""LangChain's standard chat-model suites run against ChatLlamaCpp with the bundled SmolLM2-135M."""

from __future__ import annotations

import pytest
from langchain_tests.integration_tests import ChatModelIntegrationTests
from langchain_tests.unit_tests import ChatModelUnitTests

from coach.llm.llamacpp import ChatLlamaCpp

pytestmark = pytest.mark.realmodel

# Short, greedy answers keep the suites quick and repeatable on two CPU cores.
PARAMS = {"max_tokens": 24, "temperature": 0.0, "seed": 7, "n_ctx": 2048}


class _Capabilities:
    """What a 135M local model honestly supports; the suites skip the rest by these flags."""

    @property
    def chat_model_class(self) -> type[ChatLlamaCpp]:
        return ChatLlamaCpp

    @property
    def chat_model_params(self) -> dict:
        return dict(PARAMS)

    @property
    def has_tool_calling(self) -> bool:
        return False

    @property
    def has_structured_output(self) -> bool:
        return False

    @property
    def supports_json_mode(self) -> bool:
        return False

    @property
    def supports_image_inputs(self) -> bool:
        return False

    @property
    def returns_usage_metadata(self) -> bool:
        return True


class TestChatLlamaCppUnit(_Capabilities, ChatModelUnitTests):
    @property
    def chat_model_params(self) -> dict:
        # test_standard_params passes max_tokens itself; a duplicate keyword would be a TypeError.
        return {key: value for key, value in PARAMS.items() if key != "max_tokens"}


class TestChatLlamaCppIntegration(_Capabilities, ChatModelIntegrationTests):
    pass
