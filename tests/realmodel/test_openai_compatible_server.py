"""The openai provider against a real OpenAI-compatible server: llama.cpp's, on loopback, bundled model."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

from coach.config import load_settings
from coach.llm.errors import Cause, provider_error
from coach.llm.factory import make_chat_model
from coach.llm.llamacpp import bundled_model_path

pytestmark = [pytest.mark.realmodel, pytest.mark.server]

STARTUP_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(proc: subprocess.Popen, url: str, log) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"llama_cpp.server did not answer within {STARTUP_SECONDS} s:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model_path()),
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_serving(proc, url, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def openai_settings(url: str, **extra):
    values = {"llm_provider": "openai", "llm_base_url": url, "llm_model": "smollm2", "llm_temperature": 0.0}
    return load_settings(**values, **extra)


@pytest.fixture(autouse=True)
def no_real_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def test_streams_tokens_from_the_server(server_url):
    model = make_chat_model(openai_settings(server_url, llm_max_tokens=24))
    pieces = [chunk.content for chunk in model.stream("Give me one tip for a mentor meeting.") if chunk.content]
    assert len(pieces) > 1  # streamed token by token, not one blob
    assert "".join(pieces).strip()


def test_max_tokens_reaches_the_server(server_url):
    # ChatOpenAI sends max_completion_tokens, which llama.cpp ignores; the factory also sends max_tokens.
    model = make_chat_model(openai_settings(server_url, llm_max_tokens=5))
    reply = model.invoke("Tell me a long story about a mentor.")
    assert reply.usage_metadata["output_tokens"] <= 5


def test_closed_port_is_a_clear_provider_error():
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens here
    settings = openai_settings(url, llm_timeout=5)
    model = make_chat_model(settings)
    with pytest.raises(Exception) as info:
        list(model.stream("hello"))
    error = provider_error(info.value, settings)
    assert error.cause is Cause.UNREACHABLE
    assert url in error.message and "running" in error.message
