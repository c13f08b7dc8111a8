"""The three chat wire formats the fault server speaks, as byte frames: OpenAI SSE, Ollama NDJSON and
Anthropic SSE, each for a text answer and for one tool call, plus each one's error body.

A frame generator takes the reply (text pieces, or a tool call `{"tool": name, "arguments": json_text}`)
and `finish` (False: leave out the last frames, so the stream can be cut before its end)."""

from __future__ import annotations

import itertools
import json

_CALL_IDS = itertools.count(1)
ARGUMENT_PIECE = 8  # characters of JSON arguments per streamed delta (OpenAI and Anthropic split them)


def pieces(answer: str) -> list[str]:
    words = answer.split(" ")
    return [word + (" " if i < len(words) - 1 else "") for i, word in enumerate(words)]


def _split(text: str) -> list[str]:
    return [text[at:at + ARGUMENT_PIECE] for at in range(0, len(text), ARGUMENT_PIECE)]


# -- OpenAI: Server-Sent Events of chat.completion.chunk, ending in [DONE] ------------------------------


def _openai_event(delta: dict, reason: str | None = None) -> bytes:
    data = {"id": "chatcmpl-fault", "object": "chat.completion.chunk", "created": 0, "model": "fault",
            "choices": [{"index": 0, "delta": delta, "finish_reason": reason}]}
    return f"data: {json.dumps(data)}\n\n".encode()


def openai_text(parts: list[str], finish: bool):
    yield _openai_event({"role": "assistant", "content": ""})
    for piece in parts:
        yield _openai_event({"content": piece})
    if finish:
        yield _openai_event({}, "stop")
        yield b"data: [DONE]\n\n"


def openai_tool(call: dict, finish: bool):
    """One tool call as OpenAI streams it: name first, then the JSON arguments in small pieces."""
    head = {"index": 0, "id": f"call_{next(_CALL_IDS)}", "type": "function",
            "function": {"name": call["tool"], "arguments": ""}}
    yield _openai_event({"role": "assistant", "content": None, "tool_calls": [head]})
    for piece in _split(call["arguments"]):
        yield _openai_event({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
    if finish:
        yield _openai_event({}, "tool_calls")
        yield b"data: [DONE]\n\n"


# -- Anthropic: typed SSE events; a tool call is a tool_use block whose input streams as partial JSON ------


def _anthropic_event(kind: str, data: dict) -> bytes:
    return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n".encode()


def _anthropic_start() -> bytes:
    message = {"id": "msg_fault", "type": "message", "role": "assistant", "model": "fault", "content": [],
               "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 10, "output_tokens": 0}}
    return _anthropic_event("message_start", {"message": message})


def _anthropic_end(reason: str, count: int):
    yield _anthropic_event("content_block_stop", {"index": 0})
    yield _anthropic_event("message_delta", {"delta": {"stop_reason": reason, "stop_sequence": None},
                                             "usage": {"output_tokens": count}})
    yield _anthropic_event("message_stop", {})


def anthropic_text(parts: list[str], finish: bool):
    yield _anthropic_start()
    yield _anthropic_event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
    for piece in parts:
        yield _anthropic_event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": piece}})
    if finish:
        yield from _anthropic_end("end_turn", len(parts))


def anthropic_tool(call: dict, finish: bool):
    """One tool_use block as Anthropic streams it: id and name first, then input_json_delta pieces."""
    block = {"type": "tool_use", "id": f"toolu_{next(_CALL_IDS)}", "name": call["tool"], "input": {}}
    yield _anthropic_start()
    yield _anthropic_event("content_block_start", {"index": 0, "content_block": block})
    parts = _split(call["arguments"])
    for piece in parts:
        delta = {"type": "input_json_delta", "partial_json": piece}
        yield _anthropic_event("content_block_delta", {"index": 0, "delta": delta})
    if finish:
        yield from _anthropic_end("tool_use", len(parts))


# -- Ollama: one JSON object per line; a tool call arrives whole, its arguments an object ----------------


def _ollama_line(message: dict, done: bool, count: int = 0) -> bytes:
    data = {"model": "fault", "created_at": "2026-01-01T00:00:00Z", "message": {"role": "assistant", **message},
            "done": done}
    if done:
        data |= {"done_reason": "stop", "prompt_eval_count": 10, "eval_count": count}
    return (json.dumps(data) + "\n").encode()


def ollama_text(parts: list[str], finish: bool):
    for piece in parts:
        yield _ollama_line({"content": piece}, False)
    if finish:
        yield _ollama_line({"content": ""}, True, len(parts))


def ollama_tool(call: dict, finish: bool):
    """A tool call as Ollama streams it: one line with the parsed arguments (Ollama parses the model's
    JSON itself), then the done line. Arguments that are not JSON are sent as the string they are."""
    try:
        arguments = json.loads(call["arguments"])
    except json.JSONDecodeError:
        arguments = call["arguments"]
    yield _ollama_line({"content": "", "tool_calls": [{"function": {"name": call["tool"], "arguments": arguments}}]},
                       False)
    if finish:
        yield _ollama_line({"content": ""}, True, 1)


# -- per path: the frames, the content type, a broken frame and the error body ---------------------------


class Wire:
    """What one API path speaks."""

    def __init__(self, name: str, text, tool, content_type: str, broken: bytes) -> None:
        self.name, self.text, self.tool, self.content_type, self.broken = name, text, tool, content_type, broken

    def error_body(self, status: int) -> bytes:
        message = f"scripted HTTP {status}"
        if self.name == "ollama":
            return json.dumps({"error": message}).encode()
        if self.name == "anthropic":
            kind = {429: "rate_limit_error", 400: "invalid_request_error"}.get(status, "api_error")
            return json.dumps({"type": "error", "error": {"type": kind, "message": message}}).encode()
        return json.dumps({"error": {"message": message, "type": "scripted"}}).encode()


OPENAI = Wire("openai", openai_text, openai_tool, "text/event-stream",
              b"data: {\"choices\": [{\"delta\": {\"content\": \"oops\n\n")
ANTHROPIC = Wire("anthropic", anthropic_text, anthropic_tool, "text/event-stream",
                 b"event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"index\n\n")
OLLAMA = Wire("ollama", ollama_text, ollama_tool, "application/x-ndjson", b"{oops\n")


def wire_for(path: str) -> Wire:
    if path.endswith("/messages"):
        return ANTHROPIC
    return OLLAMA if path.startswith("/api/") else OPENAI
