"""coach.text is the bottom layer: importing it loads nothing else of coach (import-linter says so too)."""

from __future__ import annotations

import subprocess
import sys


def test_importing_coach_text_loads_no_other_coach_module():
    code = "import coach, sys; base = set(sys.modules); import coach.text; print('\\n'.join(set(sys.modules) - base))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    # `import coach` itself sets the privacy opt-outs (coach.privacy); beyond that, only coach.text loads.
    others = {name for name in loaded if name.startswith("coach.") and not name.startswith("coach.text")}
    assert others == set()
    assert "coach.text.markdown" in loaded
