"""coach: a local-first reflection coach over a mentee's own Markdown notes."""

from coach.privacy import lock_down as _lock_down

__version__ = "0.1.0"

# Before anything else can import onnxruntime, Chroma or torch: their telemetry opt-outs are read at
# initialisation, from the environment (see coach/privacy.py).
_lock_down()
