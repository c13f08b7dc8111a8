"""Privacy at the source: every native dependency's telemetry is switched off before it loads.

Python-level patches cannot see native code (onnxruntime's POSIX telemetry uploads from C++), so the
opt-outs are environment variables the libraries read when they initialise. `lock_down()` runs when the
`coach` package is imported — before onnxruntime, Chroma, tokenizers, torch or llama.cpp can be — and
again (idempotently) where a model or store is opened, in case a host process imported them first."""

from __future__ import annotations

import os
from typing import Any

# Values are forced, not defaulted: a shell that exports e.g. ANONYMIZED_TELEMETRY=True must not win.
FORCED_ENV = {
    # onnxruntime >= 1.29 (1DS telemetry on Linux/macOS): both spellings the releases have read. With
    # them set before the runtime initialises, it creates no uploader, no device id and no event queue
    # (~/.cache/Microsoft/DeveloperTools/.onnxruntime).
    "ORT_DISABLE_TELEMETRY": "1",
    "ORT_TELEMETRY_DISABLED": "1",
    # Chroma's product telemetry (posthog); the client settings say the same (store.make_client).
    "ANONYMIZED_TELEMETRY": "False",
    # Hugging Face hub, transformers, sentence-transformers: no hub calls, no telemetry.
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_DATASETS_OFFLINE": "1",
    # The cross-tool convention several libraries honour (HF, gradio, posthog wrappers, ...).
    "DO_NOT_TRACK": "1",
}
DEFAULTED_ENV = {
    # tokenizers forks worker threads after fork otherwise; also keeps its warnings off stderr.
    "TOKENIZERS_PARALLELISM": "false",
}


def lock_down() -> None:
    """Set the opt-outs in this process's environment (inherited by every child it starts)."""
    for name, value in FORCED_ENV.items():
        if os.environ.get(name) != value:
            os.environ[name] = value
    for name, value in DEFAULTED_ENV.items():
        os.environ.setdefault(name, value)


def quiet_onnxruntime(ort) -> None:
    """The runtime's own switch too, for events after start-up (the env vars cover start-up)."""
    try:
        ort.disable_telemetry_events()
    except Exception:  # an onnxruntime without the API has no telemetry to switch off
        pass


def quiet_posthog() -> None:
    """If posthog is already loaded (Chroma imports it), make its client a no-op whatever Chroma does."""
    import sys

    module: Any = sys.modules.get("posthog")  # posthog's own module switch, which ModuleType does not declare
    if module is not None:
        module.disabled = True
