"""Run the coach command as a user does: a real process with this interpreter."""

from __future__ import annotations

import os
import subprocess
import sys


def run_coach(*args: str, env_extra: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], capture_output=True, text=True, env=env, timeout=timeout
    )
