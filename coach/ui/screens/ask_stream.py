"""Ask's stream plumbing: the service's async answer stream driven on a worker thread's own loop, each
event posted to the screen as a message; a cancelled worker cancels the stream (the service keeps the
partial answer as interrupted)."""

from __future__ import annotations

import asyncio
from contextlib import suppress

from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from coach.ui.messages import StreamEnded, StreamEvent

POLL = 0.05  # how often the stream thread checks for a stop request


def consume(target: MessagePump, service, turn: int, question: str, history: list,
            conversation_id: str | None) -> None:
    """Thread body: drive the service's async stream on a private loop, posting each event to `target`."""
    worker = get_current_worker()

    async def pump() -> None:
        async for event in service.ask(question, history, conversation_id):
            target.post_message(StreamEvent(turn, event))

    async def run() -> None:
        task = asyncio.create_task(pump())
        while not task.done():
            if worker.is_cancelled:
                task.cancel()  # the service sees CancelledError and keeps the partial as interrupted
                break
            await asyncio.sleep(POLL)
        with suppress(asyncio.CancelledError):
            await task

    try:
        asyncio.run(run())
    except Exception as exc:
        target.post_message(StreamEvent(turn, exc))
    target.post_message(StreamEnded(turn, worker.is_cancelled))


def result_note(result) -> str:
    """Say so when the model cited something that was not retrieved (it is flagged, never shown as real)."""
    unverified = [c for c in getattr(result, "citations", []) if not c.verified]
    if getattr(result, "status", "complete") != "complete":
        return "⚠ This answer is unfinished."
    return f"⚠ {len(unverified)} citation(s) did not match your notes and were flagged." if unverified else ""
