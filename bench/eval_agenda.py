"""How many of an eval set's still-open commitments the agenda lists.

Usage: python bench/eval_agenda.py DIR [--mentor NAME] [--json]

DIR holds notes/ and commitments.jsonl (see bench/eval_commitments.py). The notes are copied to a
temporary folder, indexed there (as `coach index` would), and the agenda is drafted as of the day
after the last note. Figures:
  - finally open: gold commitments whose status_later is "open" (the bar: every one listed);
  - never followed up: gold commitments with no status_later key, which a reader would also
    still count as open (reported, not a bar);
  - listed: agenda commitment items, and how many are not any gold commitment.
A gold commitment is listed when an agenda commitment item covers at least half of its content
words (stemmed, stop words removed) and shares two of them, or their MiniLM cosine is >= 0.6.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coach.agent.service import CoachService
from coach.config import load_settings
from coach.notes.commitments import containment, content_words
from coach.notes.reader import scan_folder

COVER, SHARED, COSINE = 0.5, 2, 0.6


def gold_items(folder: Path) -> list[dict]:
    """Every gold commitment with its note and final label ("open", "done", "dropped" or None)."""
    out = []
    for line in (folder / "commitments.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            for text in entry["commitments"]:
                out.append({"note": entry["note"].removeprefix("notes/"), "text": text,
                            "label": entry["status_later"].get(text)})
    return out


def listed(gold: str, items: list[str], vectors: dict[str, np.ndarray]) -> str | None:
    """The agenda item that lists this gold commitment, if any."""
    words = content_words(gold)
    for item in items:
        other = content_words(item)
        if len(words & other) >= SHARED and containment(words, other) >= COVER:
            return item
    best = max(items, key=lambda item: float(vectors[gold] @ vectors[item]), default=None)
    return best if best is not None and float(vectors[gold] @ vectors[best]) >= COSINE else None


def draft(folder: Path, mentor: str | None, work: Path):
    """Index a copy of the notes in `work` and draft the agenda as of the day after the last note."""
    notes = work / "notes"
    shutil.copytree(folder / "notes", notes)
    settings = load_settings(notes_dir=notes, data_dir=work / "data")
    today = max(n.date for n in scan_folder(notes).notes) + timedelta(days=1)
    service = CoachService(settings, today=today)
    service.engine.sync()
    return service, service.agenda(mentor)


def evaluate(folder: Path, mentor: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="coach-eval-agenda-") as tmp:
        service, agenda = draft(folder, mentor, Path(tmp))
        items = [i.text.rsplit(" — open ", 1)[0] for i in agenda.section("commitments")]
        gold = gold_items(folder)
        texts = list(dict.fromkeys([g["text"] for g in gold] + items))
        vectors = dict(zip(texts, service.engine.query_embedder.embed(texts)))
    for g in gold:
        g["listed_as"] = listed(g["text"], items, vectors)
    return summary(agenda, gold, items, vectors)


def summary(agenda, gold: list[dict], items: list[str], vectors) -> dict:
    final_open = [g for g in gold if g["label"] == "open"]
    unlabelled = [g for g in gold if g["label"] is None]
    unmatched = [i for i in items if not any(listed(g["text"], [i], vectors) for g in gold)]
    def count(rows: list) -> int:
        return sum(1 for g in rows if g["listed_as"])

    return {
        "mentor": agenda.mentor, "today": agenda.date.isoformat(),
        "finally_open": len(final_open), "finally_open_listed": count(final_open),
        "never_followed_up": len(unlabelled), "never_followed_up_listed": count(unlabelled),
        "agenda_commitments": len(items), "agenda_commitments_not_in_gold": len(unmatched),
        "sections": {s: len(agenda.section(s)) for s in ("commitments", "questions", "themes", "suggested")},
        "missed_finally_open": [g for g in final_open if not g["listed_as"]],
        "missed_never_followed_up": [g for g in unlabelled if not g["listed_as"]],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--mentor", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    result = evaluate(args.folder, args.mentor)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(f"agenda for {result['mentor']} as of {result['today']}: {result['sections']}")
    print(f"finally open listed       {result['finally_open_listed']}/{result['finally_open']}  (bar: all)")
    print(f"never followed up listed  {result['never_followed_up_listed']}/{result['never_followed_up']}")
    print(f"agenda commitments not in gold: {result['agenda_commitments_not_in_gold']}/{result['agenda_commitments']}")
    for g in result["missed_finally_open"]:
        print(f"  missed (open)       {g['note']}: {g['text']}")
    for g in result["missed_never_followed_up"]:
        print(f"  missed (no follow-up) {g['note']}: {g['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
