"""Check `coach ask`'s bars on eval sets, side by side (issue 10).

Usage: python bench/bench_ask.py DIR [DIR ...] [--runs 5] [--json]

For each DIR (holding notes/ and queries.jsonl) the notes are copied to a temporary folder, indexed,
and then, as a user would, coach writes into it: a saved conversation whose answer makes an invented
claim in a mentor's name (through `coach history save`), and a reflection (`coach reflect`, with
coach's questions in the note). Then every non-negative question is asked with the bundled model
(extractive answers) and:
  1. quoted spans not verbatim in a note or principle: every quote in `quotes`, every blockquote line
     and every “…”/"…" span of the answer is looked up in the notes and principles (must be 0);
  2. answers attributing words from a saved conversation or from coach's own text: a quote from a
     conversation note, or one not inside the user's own text of a note coach wrote, or any answer
     repeating the planted claim (must be 0);
  3. the chat model is never loaded for an extractive answer;
  4. speed: a cold `coach ask --json` against a cold `coach search --json` for the same questions, in
     one run, medians of --runs (bar: ask <= 1.5x search); plus, in one process, the time from the
     search finishing to the answer being complete (the app's figure; bar: < 1 s).
Exit status 0 when every bar holds on every set.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.agent.support import normalise  # noqa: E402
from coach.notes import provenance  # noqa: E402
from coach.notes.reader import scan_folder  # noqa: E402
from coach.paths import knowledge_dir  # noqa: E402

COACH = [sys.executable, "-m", "coach"]
PLANTED = "always quit on a Friday so the team misses you"
SPEED_BAR = 1.5
APP_BAR = 1.0


def coach(notes: Path, data: Path, *args: str, stdin: str | None = None) -> tuple[dict, float]:
    env = {**os.environ, "COACH_CONFIG_FILE": str(data / "none.toml")}
    start = time.perf_counter()
    done = subprocess.run([*COACH, "--notes", str(notes), "--data", str(data), *args], capture_output=True,
                          text=True, check=False, env=env, input=stdin)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"coach {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return (json.loads(done.stdout) if "--json" in args else {}), took


def queries(folder: Path) -> list[dict]:
    rows = [json.loads(line) for line in (folder / "queries.jsonl").read_text().splitlines() if line.strip()]
    return [row for row in rows if row.get("relevant")]


def plant_conversation(notes: Path, data: Path, mentor: str) -> str:
    """A past conversation whose answer invents a claim in the mentor's name, saved as a note."""
    folder = data / "conversations"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    cid = "20260101T090000-abc123"
    first = mentor.split()[0]
    records = [{"type": "question", "at": "2026-01-01T09:00:00+00:00", "text": f"What did {first} say about leaving?"},
               {"type": "answer", "at": "2026-01-01T09:00:05+00:00", "status": "complete",
                "text": f"{mentor} said you should {PLANTED}.", "sources": []}]
    (folder / f"{cid}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    saved, _ = coach(notes, data, "history", "save", cid, "--json")
    return saved["path"]


def plant_reflection(notes: Path, data: Path) -> None:
    """A reflection coach writes: its questions go into the note beside the answers."""
    answers = data / "answers.txt"
    answers.write_text("The review went fine.\n---\nI rushed the ending.\n---\nI'll rehearse the ending twice.\n")
    coach(notes, data, "reflect", "--answers", str(answers), "--json")


class Corpus:
    """Every note's and principle's text, and the notes' provenance, for the checks."""

    def __init__(self, notes: Path) -> None:
        self.notes = {n.path: n for n in scan_folder(notes).notes}
        self.principles = {n.path: n for n in scan_folder(knowledge_dir()).notes}
        self.all_text = [normalise(n.body) for n in [*self.notes.values(), *self.principles.values()]]

    def verbatim(self, span: str) -> bool:
        want = normalise(span)
        return not want or any(want in text for text in self.all_text)

    def misattributed(self, quote: dict) -> bool:
        if quote["source"] != "notes":
            return False
        note = self.notes.get(quote["path"])
        if note is None:
            return True
        if provenance.is_conversation(note):
            return True
        return provenance.is_coach_written(note) and normalise(quote["text"]) not in normalise(
            " ".join(provenance.user_text(note).split()))


def spans(answer: str) -> list[str]:
    """Quoted spans an answer shows: blockquote lines (list markers dropped) and “…” / "…" spans."""
    found = []
    for line in answer.split("\n"):
        if line.startswith(">"):
            found.append(re.sub(r"^>\s?(?:-\s+)?", "", line))
    found += [m.group(1) or m.group(2) for m in re.finditer(r"“([^”\n]+)”|\"([^\"\n]+)\"", answer)]
    return [s for s in found if len(s.split()) >= 2]


def check_answers(notes: Path, data: Path, questions: list[dict]) -> dict:
    """Ask every question in one process (bundled model settings) and check bars 1-3 and the app figure."""
    from coach.agent import ask as ask_mod
    from coach.agent.service import CoachService
    from coach.config import load_settings

    os.environ["COACH_CONFIG_FILE"] = str(data / "none.toml")
    service = CoachService(load_settings(notes_dir=notes, data_dir=data))
    corpus = Corpus(notes)
    bad_spans, misattributed, planted, after_search = [], [], 0, []
    original = ask_mod._retrieve

    def timed_retrieve(*args, **kwargs):
        found = original(*args, **kwargs)
        timed_retrieve.done = time.perf_counter()
        return found

    ask_mod._retrieve = timed_retrieve
    for row in questions:
        result = service.ask_blocking(row["query"])
        after_search.append(time.perf_counter() - timed_retrieve.done)
        for span in spans(result.answer) + [line for q in result.quotes for line in q["text"].split("\n")]:
            if not corpus.verbatim(span):
                bad_spans.append((row["id"], span[:80]))
        misattributed += [(row["id"], q["path"]) for q in result.quotes if corpus.misattributed(q)]
        planted += PLANTED in result.answer
    ask_mod._retrieve = original
    return {"questions": len(questions), "unverbatim_spans": bad_spans, "misattributed": misattributed,
            "planted_claim_shown": planted, "model_loaded": service._chat_model is not None,
            "after_search_median": statistics.median(after_search), "after_search_max": max(after_search)}


def speed(notes: Path, data: Path, questions: list[dict], runs: int) -> dict:
    """Cold processes, alternating search and ask on the same questions."""
    search_times, ask_times = [], []
    for row in (questions * runs)[:runs]:
        search_times.append(coach(notes, data, "search", row["query"], "--json")[1])
        ask_times.append(coach(notes, data, "ask", row["query"], "--json")[1])
    search, ask = statistics.median(search_times), statistics.median(ask_times)
    return {"search_median": search, "ask_median": ask, "ratio": ask / search}


def one_set(folder: Path, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-ask-") as tmp:
        notes, data = Path(tmp) / "notes", Path(tmp) / "data"
        shutil.copytree(folder / "notes", notes)
        coach(notes, data, "index", "--json")
        mentors = [n.mentor for n in scan_folder(notes).notes if n.mentor and n.kind == "session"]
        planted_path = plant_conversation(notes, data, max(set(mentors), key=mentors.count))
        plant_reflection(notes, data)
        coach(notes, data, "index", "--json")
        rows = queries(folder)
        report = check_answers(notes, data, rows)
        report["conversation_note"] = planted_path
        report["speed"] = speed(notes, data, rows, runs)
    return report


def bars_hold(report: dict) -> bool:
    return (not report["unverbatim_spans"] and not report["misattributed"] and not report["planted_claim_shown"]
            and not report["model_loaded"] and report["speed"]["ratio"] <= SPEED_BAR
            and report["after_search_max"] < APP_BAR)


def print_table(reports: dict[str, dict]) -> None:
    names = list(reports)
    rows = [
        ("questions asked", lambda r: r["questions"]),
        ("quoted spans not verbatim (bar 0)", lambda r: len(r["unverbatim_spans"])),
        ("quotes from a conversation/coach text (bar 0)", lambda r: len(r["misattributed"])),
        ("answers showing the planted claim (bar 0)", lambda r: r["planted_claim_shown"]),
        ("chat model loaded (bar no)", lambda r: "yes" if r["model_loaded"] else "no"),
        ("cold search, median s", lambda r: f"{r['speed']['search_median']:.2f}"),
        ("cold ask, median s", lambda r: f"{r['speed']['ask_median']:.2f}"),
        ("ask / search (bar <= 1.5)", lambda r: f"{r['speed']['ratio']:.2f}"),
        ("after search, median s", lambda r: f"{r['after_search_median']:.3f}"),
        ("after search, max s (bar < 1)", lambda r: f"{r['after_search_max']:.3f}"),
    ]
    print(f"{'':48}" + "".join(f"{n:>12}" for n in names))
    for label, value in rows:
        print(f"{label:48}" + "".join(f"{value(reports[n])!s:>12}" for n in names))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    reports = {d.name: one_set(d, args.runs) for d in args.dirs}
    if args.json:
        print(json.dumps(reports, indent=2))
    else:
        print_table(reports)
        for name, report in reports.items():
            for problem in report["unverbatim_spans"][:5] + report["misattributed"][:5]:
                print(f"  {name}: {problem}")
    return 0 if all(bars_hold(r) for r in reports.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
