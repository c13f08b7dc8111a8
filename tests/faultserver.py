"""A real HTTP chat server on 127.0.0.1 that misbehaves on purpose: OpenAI SSE, Ollama NDJSON, Anthropic SSE
(the frames: tests/faultwire.py).

Behaviours (set `server.behaviour`, or queue one per request in `server.script`):
  ok         stream the answer and finish properly
  slow       wait `first_byte_delay` seconds before the first byte, then answer as ok
  hang       accept the request and never answer (a client timeout must fire)
  400 / 429 / 500  an HTTP error (429 carries Retry-After: `retry_after`), in the wire's own error shape
  cut        send `cut_after` chunks, then drop the connection mid-body (no [DONE], no final chunk)
  eof        send `cut_after` chunks, then end the body cleanly but without [DONE] or a finish reason
  stall      send `cut_after` chunks, then go silent (a read timeout mid-answer)
  malformed  send one good chunk, then a chunk that is not JSON
`refuse()` closes the port (connection refused); `serve_again()` reopens it on the same port.

Tool calls, in each wire's format: queue replies in `server.replies`, one per request — a str is a text
answer, `tool_call(name, arguments)` a streamed tool call (OpenAI and Anthropic split the JSON arguments
across deltas; Ollama sends them parsed, in one line; `arguments` may be deliberately broken JSON). With no
reply queued, `answer` is sent.

Ollama's model metadata: POST /api/show answers from `server.models` (model -> its `capabilities` list; a
model not there is a 404), or as `show_behaviour` says ("hang", "500"); each asked model is in `server.shown`."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.faultwire import Wire, pieces, wire_for

ANSWER = ("Ade said to give hard feedback early and in private [2025-09-12, Ade Okafor]. "
          "He said to talk about the work, not the person. Then ask how it landed.")
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
        self.first_byte_delay = 0.5
        self.models: dict[str, list[str]] = {"fault": ["completion", "tools"]}
        self.show_behaviour = "ok"
        self.shown: list[str] = []
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
        if self.path == "/api/show":
            self._show(body)
            return
        self.fault.requests.append({"path": self.path, "body": body, "headers": dict(self.headers.items())})
        behaviour = self.fault.next_behaviour()
        wire = wire_for(self.path)
        if behaviour == "hang":
            self.fault.wait_released(HANG_LIMIT)
            self.close_connection = True
            return
        if behaviour == "slow":
            self.fault.wait_released(self.fault.first_byte_delay)
        if behaviour in ("400", "429", "500"):
            self._error(int(behaviour), wire)
            return
        try:
            self._stream(behaviour, wire)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout, esc): expected here

    def _show(self, body: dict) -> None:
        """Ollama's model metadata: the capabilities list says whether the model takes tools."""
        model = str(body.get("model") or body.get("name") or "")
        self.fault.shown.append(model)
        if self.fault.show_behaviour == "hang":
            self.fault.wait_released(HANG_LIMIT)
            self.close_connection = True
            return
        if self.fault.show_behaviour == "500" or model not in self.fault.models:
            status = 500 if self.fault.show_behaviour == "500" else 404
            self._send_json(status, {"error": f"model '{model}' not found" if status == 404 else "scripted"})
            return
        self._send_json(200, {"modelfile": "", "parameters": "", "template": "{{ .Prompt }}",
                              "details": {"format": "gguf", "family": "fault"},
                              "capabilities": self.fault.models[model]})

    def _send_json(self, status: int, data: dict) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _error(self, status: int, wire: Wire) -> None:
        payload = wire.error_body(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if status == 429:
            self.send_header("Retry-After", self.fault.retry_after)
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, behaviour: str, wire: Wire) -> None:
        self.send_response(200)
        self.send_header("Content-Type", wire.content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        reply = self.fault.next_reply()
        frames = wire.tool(reply, not early(behaviour)) if isinstance(reply, dict) else \
            wire.text(pieces(reply if isinstance(reply, str) else self.fault.answer), not early(behaviour))
        for number, frame in enumerate(frames, 1):
            self._chunk(wire.broken if behaviour == "malformed" and number == 2 else frame)
            if early(behaviour) and number >= self.fault.cut_after:
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


def early(behaviour: str) -> bool:
    """The behaviours that end the stream before its last frames."""
    return behaviour in ("cut", "eof", "stall")
