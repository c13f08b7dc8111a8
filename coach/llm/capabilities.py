"""What the configured chat model can do beyond streaming text: whether `ask` runs the tool-using agent.

Read by `coach ask` (and the app's Ask) to choose between the agent, which searches the notes itself
through tools, and the fixed pipeline (search once, quote, optionally summarise), and by `coach doctor`.
The settings and the provider registry (coach.providers) decide, except where the registry says the
model's server knows (Ollama): then its /api/show is asked once per model for this process, with a short
timeout, and a failed probe means the pipeline plus a quiet note saying why (asked again after a minute:
Ollama may have been started meanwhile). No provider SDK is loaded."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, replace

from coach import providers
from coach.config import Settings

__all__ = ["ToolSupport", "agent_mode", "supports_tool_calling", "tool_support"]

MODEL_NOT_FOUND = "model not found"
RETRY_FAILED_AFTER = 60.0
"""Seconds a failed probe stands before the server is asked again (an answer stands for the process)."""
PROBE_SECONDS = 2.0
"""How long Ollama may take to describe a model; a local server answers /api/show in milliseconds."""


@dataclass(frozen=True)
class ToolSupport:
    """Whether the model takes tools, where that was learnt, and (when the server could not say) why not."""

    tools: bool
    source: str  # "settings", "registry", or the probe ("Ollama /api/show")
    note: str = ""  # a quiet line for the user when the probe failed and the pipeline runs instead
    missing_model: bool = False  # the probe failed because the server has no such model


@dataclass(frozen=True)
class _Probe:
    tools: bool | None  # None: the server could not say
    problem: str = ""
    at: float = 0.0  # _clock() when asked


_PROBED: dict[tuple[str, str], _Probe] = {}
_clock = time.monotonic
_LOCK = threading.Lock()


def tool_support(settings: Settings) -> ToolSupport:
    """Whether the configured chat model can be handed tools, asking its server when only it knows."""
    declared = providers.declared_tool_calling(settings)
    if declared is not None:
        declared_here = getattr(settings, "llm_tools", None) is not None
        return ToolSupport(declared, "settings" if declared_here else "registry")
    model, url = providers.model_for(settings), providers.url_for(settings)
    probe = _probe(url, model)
    if probe.tools is not None:
        return ToolSupport(probe.tools, "Ollama /api/show")
    note = (f"could not ask {providers.where(settings)} whether {model} takes tools ({probe.problem}): "
            "one search, then the model summarises")
    return ToolSupport(False, "Ollama /api/show", note, probe.problem == MODEL_NOT_FOUND)


def supports_tool_calling(settings: Settings) -> bool:
    return tool_support(settings).tools


def agent_mode(settings: Settings) -> bool:
    """Whether `ask` runs the tool-using agent: `ask_mode` agent (with any model that is not the in-process
    llama.cpp one), pipeline never, auto when the model supports tool calling."""
    return agent_choice(settings).tools


def agent_choice(settings: Settings) -> ToolSupport:
    """agent_mode with its reason: `tools` True runs the agent; `note` says why a probe left it out."""
    mode = getattr(settings, "ask_mode", "auto")
    if mode == "pipeline" or settings.llm_provider == "llamacpp":
        return ToolSupport(False, "settings")
    if mode == "agent":
        return ToolSupport(True, "settings")
    return tool_support(settings)


def _probe(url: str, model: str) -> _Probe:
    """Ollama's word on `model`, asked once per server and model for this process; a failure stands for
    RETRY_FAILED_AFTER seconds (so each ask does not wait for the timeout again), then it is asked again."""
    key = (url.rstrip("/"), model)
    with _LOCK:
        known = _PROBED.get(key)
        if known is None or (known.tools is None and _clock() - known.at > RETRY_FAILED_AFTER):
            known = _PROBED[key] = replace(_ask_ollama(*key), at=_clock())
        return known


def _ask_ollama(url: str, model: str) -> _Probe:
    request = urllib.request.Request(f"{url}/api/show", data=json.dumps({"model": model}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=PROBE_SECONDS) as response:  # noqa: S310 — the user's server
            data = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return _Probe(None, MODEL_NOT_FOUND if exc.code == 404 else f"HTTP {exc.code}")
    except urllib.error.URLError as exc:
        return _Probe(None, _no_answer() if isinstance(exc.reason, TimeoutError) else "not reachable")
    except TimeoutError:
        return _Probe(None, _no_answer())
    except (OSError, ValueError):
        return _Probe(None, "an unreadable answer")
    capabilities = data.get("capabilities") if isinstance(data, dict) else None
    if not isinstance(capabilities, list):
        return _Probe(None, "its answer lists no capabilities (Ollama older than 0.6?)")
    return _Probe("tools" in capabilities)


def _no_answer() -> str:
    return f"no answer within {PROBE_SECONDS:g} s"
