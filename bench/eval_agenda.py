"""The agenda's bars on eval sets, side by side: an agenda, not a backlog.

Usage: python bench/eval_agenda.py DIR [DIR ...] [--json]
       (default: ../shared/eval/dev and ../shared/eval/dev2 beside the repo)

Each DIR holds notes/ and commitments.jsonl (`{"note", "commitments", "status_later"}`). The notes are read
where they are (nothing is written there); the index and caches live in a bench folder under the temp dir
(kept between runs, so a second run is quick). The agenda is drafted as of the day after the last note, for
every mentor of the set (people met in two notes or more, not mentored by the user). Bars per mentor:
  - at most 10 ranked items;
  - >= 90% of the ranked commitment items still open by the labels. An item is matched to the gold
    commitments of the note it cites (same note; half of the gold's content words and two of them, or
    MiniLM cosine >= 0.6); it is open when that commitment's status_later is "open" or absent (never
    followed up). An item that matches no gold commitment counts as NOT open (the honest side);
  - no item from another mentor's note (unless it names this mentor), no settled item.
Also printed: questions on the ranked list and where they came from; and, as of the day each of the
mentee's own agenda notes was written, how many of its items the agenda for that mentor lists.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.agent.agenda import build_agenda  # noqa: E402
from coach.agent.agenda_questions import is_agenda_note  # noqa: E402
from coach.agent.people import people_of, same_person  # noqa: E402
from coach.agent.service import CoachService  # noqa: E402
from coach.config import load_settings  # noqa: E402
from coach.text import containment, content_words  # noqa: E402
from coach.notes.reader import scan_folder  # noqa: E402

COVER, SHARED, COSINE = 0.5, 2, 0.6
MAX_ITEMS, OPEN_SHARE = 10, 0.9
DEFAULT_SETS = [ROOT.parent / "shared" / "eval" / "dev", ROOT.parent / "shared" / "eval" / "dev2"]


def gold_items(folder: Path) -> dict[str, list[dict]]:
    """Gold commitments by note path, each with its final label ("open", "done", "dropped" or None)."""
    out: dict[str, list[dict]] = {}
    for line in (folder / "commitments.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            path = entry["note"].removeprefix("notes/")
            out[path] = [{"text": t, "label": entry["status_later"].get(t)} for t in entry["commitments"]]
    return out


def match(text: str, candidates: list[dict], embed) -> dict | None:
    """The gold commitment this agenda item reports on, among its own note's."""
    words = content_words(text)
    for gold in candidates:
        other = content_words(gold["text"])
        if len(words & other) >= SHARED and containment(other, words) >= COVER:
            return gold
    if not candidates:
        return None
    vectors = np.asarray(embed([text] + [g["text"] for g in candidates]))
    scores = vectors[1:] @ vectors[0]
    best = int(np.argmax(scores))
    return candidates[best] if float(scores[best]) >= COSINE else None


def service_for(folder: Path, today):
    """A service over the set's notes (read in place) with a bench data folder kept between runs."""
    data = Path(tempfile.gettempdir()) / "coach-bench-agenda" / folder.name / "data"
    settings = load_settings(notes_dir=folder / "notes", data_dir=data)
    return CoachService(settings, today=today)


def judge(agenda, gold: dict[str, list[dict]], people, by_path: dict, embed) -> dict:
    items = [i for i in agenda.items if i.commitment]
    rows = []
    for item in items:
        path = item.sources[0].path
        found = match(item.commitment, gold.get(path, []), embed)
        person = by_path.get(path)
        leak = person is not None and not same_person(person, agenda.mentor) \
            and agenda.mentor not in people.named_in(item.commitment)
        rows.append({"text": item.commitment, "note": path, "gold": found["text"] if found else None,
                     "label": (found["label"] or "unfollowed") if found else "not in gold",
                     "other_mentor": leak})
    still_open = sum(r["label"] in ("open", "unfollowed") for r in rows)
    return {"mentor": agenda.mentor, "items": len(agenda.items), "commitment_items": len(rows),
            "still_open": still_open, "open_share": still_open / len(rows) if rows else 1.0,
            "other_mentor": sum(r["other_mentor"] for r in rows),
            "questions": [(i.text, i.sources[0].path) for i in agenda.section("questions")],
            "sections": {s: len(agenda.section(s)) for s in ("agreed", "questions", "long_running", "suggested")},
            "more": len(agenda.more), "confirm": len(agenda.confirm), "rows": rows}


def agenda_note_recall(service, notes, people) -> list[dict]:
    """As of each agenda note's day, how many of its items the agenda for its mentor lists."""
    found = []
    for note in sorted((n for n in notes if is_agenda_note(n)), key=lambda n: n.date):
        mentor = people.note_person(note)
        if mentor is None:
            continue
        agenda = build_agenda(CoachService(service.settings, engine=service.engine, today=note.date), mentor)
        listed = [i for i in agenda.section("questions") if i.sources and i.sources[0].path == note.path]
        found.append({"note": note.path, "mentor": mentor, "listed": len(listed), "items": len(agenda.items)})
    return found


def evaluate(folder: Path) -> dict:
    notes = scan_folder(folder / "notes").notes
    # A date read off a file's modification time says when it was copied, not written.
    today = max(n.date for n in notes if n.date_source != "mtime") + timedelta(days=1)
    service = service_for(folder, today)
    service.engine.sync()
    people = people_of(notes)
    by_path = {n.path: people.note_person(n) for n in notes}
    gold, embed = gold_items(folder), service.engine.query_embedder.embed
    mentors = [judge(build_agenda(service, m), gold, people, by_path, embed) for m in people.mentors]
    recall = agenda_note_recall(service, notes, people)
    ok = all(m["items"] <= MAX_ITEMS and m["open_share"] >= OPEN_SHARE and not m["other_mentor"] for m in mentors)
    return {"set": folder.name, "today": today.isoformat(), "mentors": mentors, "agenda_notes": recall, "ok": ok}


def _cell(m: dict) -> str:
    return (f"{m['items']:>2} items; open {m['still_open']}/{m['commitment_items']} "
            f"({m['open_share']:.0%}); other mentor {m['other_mentor']}; {len(m['questions'])} questions")


def show(results: list[dict]) -> None:
    print("agenda bars: <= 10 items per mentor, >= 90% of commitment items still open, 0 from another mentor")
    for result in results:
        print(f"\n[{result['set']}] as of {result['today']}: {'PASS' if result['ok'] else 'FAIL'}")
        for m in result["mentors"]:
            print(f"  {m['mentor']:<22} {_cell(m)}  sections {m['sections']}, +{m['more']} on the full list, "
                  f"{m['confirm']} to confirm")
            for row in m["rows"]:
                print(f"      {row['label']:<11} {row['note']}: {row['text']}" + ("  [other mentor]" if row["other_mentor"] else ""))
        for row in result["agenda_notes"]:
            print(f"  as of {row['note']!r}: {row['listed']} of its items listed for {row['mentor']} "
                  f"({row['items']} items)")
    print("\nside by side:")
    names = [r["set"] for r in results]
    print("  " + " | ".join(f"{n:<58}" for n in names))
    for index in range(max(len(r["mentors"]) for r in results)):
        cells = [f"{r['mentors'][index]['mentor'][:14]:<14} {_cell(r['mentors'][index])}" if index < len(r["mentors"])
                 else "" for r in results]
        print("  " + " | ".join(f"{c:<58}" for c in cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", type=Path, nargs="*")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    results = [evaluate(folder) for folder in (args.folders or DEFAULT_SETS)]
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        show(results)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
