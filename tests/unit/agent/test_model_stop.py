"""Stop means stop: when the answer's consumer goes away, the local model's thread ends within half a second."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

from coach.agent.model_stream import model_stream
from coach.config import load_settings
from tests.slow_model import SlowLocalModel

STOP_BAR = 0.5


async def _consume(service, seen: list) -> None:
    async for chunk in model_stream(service, [("human", "hi")]):
        seen.append(chunk)


async def test_cancelling_the_answer_stops_the_model_thread_at_once():
    model = SlowLocalModel(delay=0.05)
    service = SimpleNamespace(settings=load_settings(), chat_model=model)
    seen: list = []
    task = asyncio.create_task(_consume(service, seen))
    while len(seen) < 3:
        await asyncio.sleep(0.01)
    asked = time.monotonic()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert await asyncio.to_thread(model.finished.wait, 5)
    assert model.ended_at - asked < STOP_BAR
    assert len(seen) < 20  # it did not run on to the end (400 tokens)


async def test_closing_the_stream_early_stops_the_model_too():
    model = SlowLocalModel(delay=0.05)
    service = SimpleNamespace(settings=load_settings(), chat_model=model)
    stream = model_stream(service, [("human", "hi")])
    await anext(stream)
    asked = time.monotonic()
    await stream.aclose()
    assert await asyncio.to_thread(model.finished.wait, 5)
    assert model.ended_at - asked < STOP_BAR
