"""Time commitment extraction and tracking on one big note of N checkboxes (plus a later note
reporting on some of them), to show the cost grows about linearly with N.

Usage: python bench/bench_commitments_scale.py [N ...]   (default 500 2000 5000 20000; lexical only)
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coach.agent.commitment_tracker import track_commitments
from coach.notes.model import Note

_WORDS = ("report budget slides venue rota survey charter plan deck review draft email team client "
          "vendor audit metrics roadmap hiring onboarding retro schedule").split()
_VERBS = "Write Send Book Review Draft Email Share Finish Update Prepare".split()


def notes_with(count: int, seed: int = 7) -> list[Note]:
    """One note with `count` unchecked boxes of varied wording, and a later note reporting on 1%."""
    rng = random.Random(seed)
    lines = [f"- [ ] {rng.choice(_VERBS)} the {rng.choice(_WORDS)} {rng.choice(_WORDS)} for item {i}"
             for i in range(count)]
    reports = [f"- Sent the {rng.choice(_WORDS)} {rng.choice(_WORDS)} for item {i}." for i in range(0, count, 100)]
    big = Note("big.md", "Big", "## Actions\n" + "\n".join(lines), date(2024, 1, 1), "filename", "Sam")
    later = Note("later.md", "Later", "## Since last time\n" + "\n".join(reports), date(2024, 2, 1), "filename", "Sam")
    return [big, later]


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [500, 2000, 5000, 20000]
    print(f"{'boxes':>8} {'bytes':>10} {'seconds':>9} {'µs/box':>8} {'items':>7}")
    for size in sizes:
        notes = notes_with(size)
        start = time.perf_counter()
        tracked = track_commitments(notes, date(2024, 3, 1))
        took = time.perf_counter() - start
        print(f"{size:>8} {len(notes[0].body):>10} {took:>9.2f} {took / size * 1e6:>8.0f} {len(tracked):>7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
