"""A fake local chat model that streams slowly from a blocking loop, as llama.cpp does, through the same
ThreadedStream as ChatLlamaCpp, and honours the stop event between tokens."""

from __future__ import annotations

import threading
import time
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from coach.llm.stopping import STOP_EVENT_KWARG, ThreadedStream


class SlowLocalModel(ThreadedStream, BaseChatModel):
    """`tokens` tokens, one every `delay` seconds, generated in LangChain's executor thread (sync _stream).

    `finished` is set (and `ended_at` taken) when the generation ends: it saw the stop event, or its
    generator was closed; `stopped_at` only in the first case."""

    tokens: int = 400
    delay: float = 0.05
    finished: Any = None
    stopped_at: float | None = None
    ended_at: float | None = None

    def model_post_init(self, context: Any) -> None:
        self.finished = threading.Event()

    @property
    def _llm_type(self) -> str:
        return "slow-local"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="word " * 3))])

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        event = kwargs.get(STOP_EVENT_KWARG)
        try:
            for _ in range(self.tokens):
                if event is not None and event.is_set():
                    self.stopped_at = time.monotonic()
                    return
                time.sleep(self.delay)  # one token's work, uninterruptible like a llama.cpp decode step
                yield ChatGenerationChunk(message=AIMessageChunk(content="word "))
        finally:
            self.ended_at = time.monotonic()
            self.finished.set()
