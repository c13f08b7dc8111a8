"""A real HTTP chat server on 127.0.0.1 that misbehaves on purpose: OpenAI SSE, Ollama NDJSON, Anthropic SSE.

Behaviours (set `server.behaviour`, or queue one per request in `server.script`):
  ok         stream the answer and finish properly
  hang       accept the request and never answer (a client timeout must fire)
  400 / 429 / 500  an HTTP error (429 carries Retry-After: `retry_after`)
  cut        send `cut_after` chunks, then drop the connection mid-body (no [DONE], no final chunk)
  eof        send `cut_after` chunks, then end the body cleanly but without [DONE] or a finish reason
  stall      send `cut_after` chunks, then go silent (a read timeout mid-answer)
  malformed  send one good chunk, then a chunk that is not JSON
`refuse()` closes the port (connection refused); `serve_again()` reopens it on the same port.

Tool calls (OpenAI wire format): queue replies in `server.replies`, one per request — a str is a text
answer, `tool_call(name, arguments)` a streamed tool call (its JSON arguments split across deltas, as
OpenAI sends them; `arguments` may be deliberately broken JSON). With no reply queued, `answer` is sent."""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = ("Ade said to give hard feedback early and in private [2025-09-12, Ade Okafor]. "
          "He said to talk about the work, not the person. Then ask how it landed.")
_CALL_IDS = itertools.count(1)
HANG_LIMIT = 30.0  # a hanging handler gives up after this even if nobody stops the server


def tool_call(name: str, arguments: str | dict) -> dict:
    """A scripted tool-call reply; `arguments` is sent as given when a str (e.g. broken JSON)."""
    return {"tool": name, "arguments": arguments if isinstance(arguments, str) else json.dumps(arguments)}


class FaultServer:
    """Start with `start()`; `url` is the OpenAI base URL (…/v1), `ollama_url` the Ollama one."""

    def __init__(self) -> None:
        self.behaviour = "ok"
        self.script: list[str] = []
        self.answer = ANSWER
        self.cut_after = 6
        self.retry_after = "1"
        self.requests: list[dict] = []
        self.replies: list[str | dict] = []
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._released = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def ollama_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultServer:
        handler = type("Handler", (_Handler,), {"fault": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._released.clear()
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._released.set()  # hanging handlers return
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def refuse(self) -> None:
        """Close the listening socket: connecting now fails with 'connection refused'."""
        self.stop()

    def serve_again(self, behaviour: str = "ok") -> None:
        self.behaviour = behaviour
        self.start()

    def next_behaviour(self) -> str:
        return self.script.pop(0) if self.script else self.behaviour

    def next_reply(self) -> str | dict:
        return self.replies.pop(0) if self.replies else self.answer

    def wait_released(self, seconds: float) -> None:
        self._released.wait(seconds)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked bodies, as real servers send: a cut is then detectable
    fault: FaultServer

    def log_message(self, format, *args) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        self.fault.requests.append({"path": self.path, "body": body, "headers": dict(self.headers.items())})
        behaviour = self.fault.next_behaviour()
        frames = _ollama_lines if self.path.startswith("/api/") else _openai_events
        if self.path.endswith("/messages"):
            frames = _anthropic_events
        if behaviour == "hang":
            self.fault.wait_released(HANG_LIMIT)
            self.close_connection = True
            return
        if behaviour in ("400", "429", "500"):
            self._error(int(behaviour))
            return
        try:
            self._stream(behaviour, frames)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout, esc): expected here

    def _error(self, status: int) -> None:
        payload = json.dumps({"error": {"message": f"scripted HTTP {status}", "type": "scripted"}}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if status == 429:
            self.send_header("Retry-After", self.fault.retry_after)
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, behaviour: str, frames) -> None:
        self.send_response(200)
        ollama = frames is _ollama_lines
        self.send_header("Content-Type", "application/x-ndjson" if ollama else "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        reply = self.fault.next_reply()
        if isinstance(reply, dict) and frames is _openai_events:
            frames, pieces = _openai_tool_events, reply
        else:
            pieces = _pieces(reply if isinstance(reply, str) else self.fault.answer)
        early = behaviour in ("cut", "eof", "stall")
        for number, frame in enumerate(frames(pieces, finish=not early), 1):
            if behaviour == "malformed" and number == 2:
                frame = b"data: {\"choices\": [{\"delta\": {\"content\": \"oops\n\n" if not ollama else b"{oops\n"
            self._chunk(frame)
            if early and number >= self.fault.cut_after:
                break
            time.sleep(0.005)
        if behaviour == "cut":
            self.close_connection = True  # no terminating zero-length chunk: the body is incomplete
            return
        if behaviour == "stall":
            self.fault.wait_released(HANG_LIMIT)
            self.close_connection = True
            return
        self._chunk(b"")

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def _pieces(answer: str) -> list[str]:
    words = answer.split(" ")
    return [word + (" " if i < len(words) - 1 else "") for i, word in enumerate(words)]


def _openai_events(pieces: list[str], finish: bool):
    def event(delta: dict, reason: str | None = None) -> bytes:
        data = {"id": "chatcmpl-fault", "object": "chat.completion.chunk", "created": 0, "model": "fault",
                "choices": [{"index": 0, "delta": delta, "finish_reason": reason}]}
        return f"data: {json.dumps(data)}\n\n".encode()

    yield event({"role": "assistant", "content": ""})
    for piece in pieces:
        yield event({"content": piece})
    if finish:
        yield event({}, "stop")
        yield b"data: [DONE]\n\n"


def _openai_tool_events(call: dict, finish: bool):
    """One tool call as OpenAI streams it: name first, then the JSON arguments in small pieces."""
    def event(delta: dict, reason: str | None = None) -> bytes:
        data = {"id": "chatcmpl-fault", "object": "chat.completion.chunk", "created": 0, "model": "fault",
                "choices": [{"index": 0, "delta": delta, "finish_reason": reason}]}
        return f"data: {json.dumps(data)}\n\n".encode()

    head = {"index": 0, "id": f"call_{next(_CALL_IDS)}", "type": "function",
            "function": {"name": call["tool"], "arguments": ""}}
    yield event({"role": "assistant", "content": None, "tool_calls": [head]})
    text = call["arguments"]
    for at in range(0, len(text), 8):
        yield event({"tool_calls": [{"index": 0, "function": {"arguments": text[at:at + 8]}}]})
    if finish:
        yield event({}, "tool_calls")
        yield b"data: [DONE]\n\n"


def _anthropic_events(pieces: list[str], finish: bool):
    def event(kind: str, data: dict) -> bytes:
        return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n".encode()

    message = {"id": "msg_fault", "type": "message", "role": "assistant", "model": "fault", "content": [],
               "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 10, "output_tokens": 0}}
    yield event("message_start", {"message": message})
    yield event("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
    for piece in pieces:
        yield event("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": piece}})
    if finish:
        yield event("content_block_stop", {"index": 0})
        yield event("message_delta", {"delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                      "usage": {"output_tokens": len(pieces)}})
        yield event("message_stop", {})


def _ollama_lines(pieces: list[str], finish: bool):
    def line(content: str, done: bool) -> bytes:
        data = {"model": "fault", "created_at": "2026-01-01T00:00:00Z",
                "message": {"role": "assistant", "content": content}, "done": done}
        if done:
            data |= {"done_reason": "stop", "prompt_eval_count": 10, "eval_count": len(pieces)}
        return (json.dumps(data) + "\n").encode()

    for piece in pieces:
        yield line(piece, False)
    if finish:
        yield line("", True)
