"""Stopping a local generation at once: a stop signal the llama.cpp thread sees between tokens, between prompt
batches, and inside a decode step (llama.cpp's abort callback), and a threaded `_astream` that raises it.

Why not LangChain's default `_astream`: it calls the blocking generator's `next()` in an executor per chunk,
so a cancelled consumer leaves the generator suspended, holding the model's lock, until garbage collection,
and a decode step already running finishes first (a long prompt took seconds to stop on a busy machine)."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

STOP_EVENT_KWARG = "stop_event"
"""The `_stream` argument carrying the StopSignal (set by ThreadedStream when the consumer goes away)."""


class GenerationStopped(Exception):
    """Raised inside llama.cpp's evaluation loop when the caller asked the generation to stop."""


class StopSignal(threading.Event):
    """A threading.Event that also runs hooks when set (the loaded model raises its C-level abort flag)."""

    def __init__(self) -> None:
        super().__init__()
        self._hooks: list[Callable[[], None]] = []

    def on_set(self, hook: Callable[[], None]) -> None:
        self._hooks.append(hook)
        if self.is_set():
            hook()

    def set(self) -> None:
        super().set()
        for hook in list(self._hooks):
            hook()


class AbortFlag:
    """A byte llama.cpp reads between graph nodes, through `strlen` as the abort callback: C calling C,
    so no Python (and no GIL) runs per node. strlen of the flag is 0 (go on) or 1 (abort); a bool return
    is the low byte of the return register on the platforms llama.cpp runs on (x86-64, arm64)."""

    def __init__(self) -> None:
        self._buffer = ctypes.create_string_buffer(2)

    def install(self, llm: Any) -> bool:
        """Set the abort callback on the model's context; False when it cannot (the stop then waits a step)."""
        try:
            import llama_cpp.llama_cpp as native

            libc = ctypes.CDLL(ctypes.util.find_library("c") or None)
            callback = ctypes.cast(libc.strlen, native.ggml_abort_callback)
            native.llama_set_abort_callback(llm._ctx.ctx, callback, ctypes.cast(self._buffer, ctypes.c_void_p))
            self._callback = callback  # kept alive as long as the model
            return True
        except (AttributeError, OSError, TypeError):
            return False

    def raise_(self) -> None:
        self._buffer[0] = b"\x01"

    def lower(self) -> None:
        self._buffer[0] = b"\x00"


def until_stopped(stream, stop_event: threading.Event | None):
    """llama.cpp's stream parts until the caller asks to stop: checked after each token; inside a step the
    decode wrapper raises GenerationStopped, and the abort flag makes llama_decode fail (RuntimeError)."""
    try:
        for part in stream:
            yield part
            if stop_event is not None and stop_event.is_set():
                return
    except GenerationStopped:
        return
    except RuntimeError:
        if stop_event is not None and stop_event.is_set():
            return  # llama_decode returned 2: the abort flag ended the step, as asked
        raise


class ThreadedStream:
    """`_astream` for a model whose `_stream` generates in a blocking loop (llama.cpp): the generation runs in
    its own daemon thread, so it never holds up the event loop or the process's exit; when the consumer goes
    away (cancelled, closed) the StopSignal is set and the thread ends at once, releasing the model."""

    async def _astream(self, messages: list, stop: list[str] | None = None, run_manager: Any = None,
                       **kwargs: Any) -> AsyncIterator[Any]:
        signal = kwargs.pop(STOP_EVENT_KWARG, None) or StopSignal()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()

        def send(item: tuple[str, Any]) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:
                pass  # the loop is closed: nobody is listening any more

        def produce() -> None:
            try:
                for chunk in self._stream(messages, stop, None, **kwargs, **{STOP_EVENT_KWARG: signal}):
                    send(("chunk", chunk))
            except BaseException as exc:  # handed to the consumer, raised there
                send(("error", exc))
            finally:
                send(("end", None))

        threading.Thread(target=produce, name="coach-model-stream", daemon=True).start()
        try:
            while True:
                kind, value = await queue.get()
                if kind == "end":
                    return
                if kind == "error":
                    raise value
                if run_manager is not None and value.text:
                    await run_manager.on_llm_new_token(value.text, chunk=value)
                yield value
        finally:
            signal.set()  # cancelled, closed or done: the generating thread stops at once

    def _stream(self, messages: list, stop: list[str] | None, run_manager: Any, **kwargs: Any):
        raise NotImplementedError
