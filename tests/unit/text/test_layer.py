"""coach.text is the bottom layer: importing it loads nothing else of coach (import-linter says so too)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_coach_text_loads_no_other_coach_module():
    code = "import coach.text, sys; print('\\n'.join(sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    others = {name for name in loaded if name.startswith("coach.") and not name.startswith("coach.text")}
    assert others == set()
    assert "coach.text.markdown" in loaded
