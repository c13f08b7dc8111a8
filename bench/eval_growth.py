"""Check the growth mirror's bars on eval sets, through the real `coach` command, sets side by side.

Usage: python bench/eval_growth.py [DIR ...] [--reverse NAME ...] [--json]
       (default: ../shared/eval/dev and ../shared/eval/dev2 beside the repo)

Each DIR holds notes/; its labels are bench/labels/<DIR name>/pairs.jsonl. The notes are copied to a bench
folder under the temp dir (recopied every run; the index there is kept, so a second run is quick). Bars:
  1. `coach progress --json` gives then-and-now pairs; every quote is found verbatim in the cited
     note (as the file holds it), both sides' dates are their notes' dates, and the later side is dated
     after the earlier;
  1b. same subject (issue 11): >= 80% of the pairs are judged same-subject by the labels. Judging rule: a
     pair is same-subject when its earlier sentence and its later sentence each match a sentence of ONE
     labelled subject (same note, and one text contains the other, whitespace and case ignored). A pair
     that touches a sentence no label lists counts as NOT same-subject;
  1c. mentor's words (issue 11): 0 quotes that are the mentee's narration. Checked against attribution
     cues in the file, independently of coach's rules: a "quote" or "transcript" entry must sit inside
     quotation marks on its line or on a line labelled with that mentor's first name ("HELEN: …"); a
     "reported" entry must carry a speech verb (said, told me, pointed out, …). Every mentor of the set
     (a person met in two notes or more who does not have `role: mentor` notes) gets a section;
  1d. what you taught lists only notes where the mentee taught: `role: reverse` in front matter, or
     "reverse mentoring" / "I taught|showed <mentor>" in the file name, title or first lines;
  2. the reverse-mentoring note(s) are labelled "reverse" everywhere they appear (progress, review,
     agenda, search); by default the notes whose file name says "reverse" (or pass --reverse NAME);
  3. `coach review --save` writes exactly one new note with valid front matter (kind: review, a date)
     and changes no existing file;
  4. every next-step suggestion cites >= 1 note and >= 1 principle file that exist.
Exit status 0 when every bar holds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import re
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.notes.reader import scan_folder
from coach.paths import knowledge_dir

COACH = [sys.executable, "-m", "coach"]
DEFAULT_SETS = [ROOT.parent / "shared" / "eval" / "dev", ROOT.parent / "shared" / "eval" / "dev2"]
LABELS = ROOT / "bench" / "labels"
SAME_SUBJECT_SHARE = 0.8
_SPEECH = re.compile(r"\b(?:said|says|told me|pointed out|noticed|reminded me|thinks|suggested)\b", re.IGNORECASE)


def run(notes: Path, data: Path, *args: str) -> dict:
    done = subprocess.run([*COACH, "--notes", str(notes), "--data", str(data), *args], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"coach {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout) if "--json" in args else {}


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def check_pairs(progress: dict, notes: Path, dates: dict[str, str]) -> dict:
    pairs = progress["then_and_now"]
    problems = []
    for pair in pairs:
        for side in ("then", "now"):
            quote = pair[side]
            text = (notes / quote["path"]).read_text(encoding="utf-8-sig")
            if quote["quote"] not in text:
                problems.append(f"not verbatim: {quote['path']}: {quote['quote']!r}")
            if dates.get(quote["path"]) != quote["date"]:
                problems.append(f"wrong date: {quote['path']} {quote['date']} (note: {dates.get(quote['path'])})")
        if not pair["now"]["date"] > pair["then"]["date"]:
            problems.append(f"not later: {pair['then']['date']} -> {pair['now']['date']}")
    return {"pairs": len(pairs), "problems": problems, "ok": len(pairs) >= 1 and not problems}


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


def _matches(side: dict, labelled: dict) -> bool:
    if side["path"] != labelled["note"]:
        return False
    a, b = _norm(side["quote"]), _norm(labelled["quote"])
    return a in b or b in a


def check_subjects(progress: dict, labels: list[dict]) -> dict:
    """Then-and-now pairs judged same-subject against the labelled pairs (see the module docstring)."""
    subjects: dict[str, list[dict]] = {}
    for entry in labels:
        subjects.setdefault(entry["subject"], []).extend([entry["then"], entry["now"]])
    pairs, judged, problems = progress["then_and_now"], 0, []
    for pair in pairs:
        same = any(any(_matches(pair["then"], s) for s in sentences) and any(_matches(pair["now"], s) for s in sentences)
                   for sentences in subjects.values())
        judged += same
        if not same:
            problems.append(f"not judged same-subject: {pair['then']['quote'][:70]!r} -> {pair['now']['quote'][:70]!r}")
    found = sum(any(_matches(p["then"], e["then"]) and _matches(p["now"], e["now"]) for p in pairs) for e in labels)
    share = judged / len(pairs) if pairs else 0.0
    return {"pairs": len(pairs), "same_subject": judged, "share": round(share, 3), "labelled_pairs": len(labels),
            "labelled_pairs_found": found, "problems": problems, "ok": bool(pairs) and share >= SAME_SUBJECT_SHARE}


def check_words(progress: dict, notes: Path, mentors: list[str]) -> dict:
    """The mentor's words carry an attribution cue in the file; every mentor has a section."""
    problems = []
    for words in progress["mentor_words"]:
        line = (notes / words["path"]).read_text(encoding="utf-8-sig").splitlines()[words["line"] - 1]
        first = words["mentor"].split()[0]
        if words.get("form") == "reported":
            cued = bool(_SPEECH.search(line))
        else:
            quoted = any(f"{o}{words['quote']}" in line for o in ('"', "“")) or \
                any(f"{o}{words['quote'][:30]}" in line for o in ('"', "“"))
            labelled = re.match(rf"^\s*{re.escape(first)}\s*:", line, re.IGNORECASE) is not None
            cued = quoted or labelled
        if not cued:
            problems.append(f"narration: {words['path']}:{words['line']}: {words['quote'][:80]!r}")
    sections = progress.get("mentors", [])
    missing = [m for m in mentors if m not in sections]
    problems += [f"no section for {m}" for m in missing]
    by_mentor = {m: sum(w["mentor"] == m for w in progress["mentor_words"]) for m in sections}
    return {"mentor_words": len(progress["mentor_words"]), "by_mentor": by_mentor, "problems": problems,
            "ok": not problems}


_TAUGHT = re.compile(r"reverse[ _-]?mentor|\bI (?:taught|showed)\b", re.IGNORECASE)


def check_taught(progress: dict, notes: Path) -> dict:
    """Every 'what you taught' note says so: role: reverse, or the name, title or first lines say it."""
    problems = []
    for taught in progress["taught"]:
        text = (notes / taught["path"]).read_text(encoding="utf-8-sig")
        head = "\n".join(text.splitlines()[:12])
        if not (re.search(r"^role:\s*reverse", head, re.MULTILINE) or _TAUGHT.search(taught["path"] + "\n" + head)):
            problems.append(f"not taught: {taught['path']}")
    return {"taught": [t["path"] for t in progress["taught"]], "problems": problems, "ok": not problems}


def _mentions(data, path: str, found: list) -> list:
    """Every JSON object that cites `path`, anywhere in the output."""
    if isinstance(data, dict):
        if data.get("path") == path:
            found.append(data)
        for value in data.values():
            _mentions(value, path, found)
    elif isinstance(data, list):
        for value in data:
            _mentions(value, path, found)
    return found


def count_words(progress: dict, notes: Path) -> dict:
    """Not a bar: how many of the mentor's words are quoted verbatim, and how many are recognition."""
    words = progress["mentor_words"]
    verbatim = sum(w["quote"] in (notes / w["path"]).read_text(encoding="utf-8-sig") for w in words)
    return {"mentor_words": len(words), "verbatim": verbatim,
            "recognition": sum(w["kind"] == "recognition" for w in words)}


def check_reverse(outputs: dict[str, dict], reverse: list[str]) -> dict:
    seen, problems = 0, []
    for name, data in outputs.items():
        for path in reverse:
            for item in _mentions(data, path, []):
                if item.get("source") == "knowledge":
                    continue
                seen += 1
                if item.get("role") != "reverse":
                    problems.append(f"{name}: {path} labelled {item.get('role')!r}")
    return {"reverse_notes": reverse, "mentions": seen, "problems": problems,
            "ok": bool(reverse) and seen > 0 and not problems}


def check_review(notes: Path, data: Path) -> dict:
    before = snapshot(notes)
    saved = run(notes, data, "review", "--save", "--json")
    after = snapshot(notes)
    new = sorted(set(after) - set(before))
    changed = sorted(p for p in before if after.get(p) != before[p])
    problems = [f"changed or removed: {p}" for p in changed]
    valid = False
    if len(new) == 1:
        text = (notes / new[0]).read_text(encoding="utf-8")
        head = text.split("---\n")[1] if text.startswith("---\n") else ""
        meta = yaml.safe_load(head) or {}
        valid = meta.get("kind") == "review" and bool(meta.get("date")) and saved.get("saved") == new[0]
    else:
        problems.append(f"{len(new)} new files: {new}")
    if not valid:
        problems.append("front matter is not a valid review")
    return {"new_files": new, "changed": changed, "problems": problems, "ok": len(new) == 1 and valid and not changed}


def check_steps(progress: dict, notes: Path) -> dict:
    steps, problems = progress["next_steps"], []
    for step in steps:
        mine = [s for s in step["sources"] if s["source"] == "notes" and (notes / s["path"]).is_file()]
        principles = [s for s in step["sources"] if s["source"] == "knowledge" and (knowledge_dir() / s["path"]).is_file()]
        if not mine or not principles:
            problems.append(f"uncited: {step['text'][:80]}")
    return {"steps": len(steps), "problems": problems, "ok": 1 <= len(steps) <= 3 and not problems}


def _workspace(folder: Path) -> tuple[Path, Path]:
    """A fresh copy of the notes beside a kept data folder (its index is only brought up to date)."""
    base = Path(tempfile.gettempdir()) / "coach-bench-growth" / folder.name
    notes, data = base / "notes", base / "data"
    shutil.rmtree(notes, ignore_errors=True)
    shutil.copytree(folder / "notes", notes)
    for path in notes.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return notes, data


def _labels(folder: Path) -> list[dict]:
    path = LABELS / folder.name / "pairs.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(folder: Path, reverse: list[str] | None) -> dict:
    from coach.agent.people import people_of

    notes, data = _workspace(folder)
    run(notes, data, "index", "--json")
    scanned = scan_folder(notes).notes
    dates = {n.path: n.date.isoformat() for n in scanned}
    reverse = reverse or [n.path for n in scanned if "reverse" in n.path.lower()]
    progress = run(notes, data, "progress", "--json")
    outputs = {"progress": progress, "review": run(notes, data, "review", "--json"),
               "agenda": run(notes, data, "agenda", "--json")}
    for path in reverse:
        title = next(n.title for n in scanned if n.path == path)
        outputs[f"search {title!r}"] = run(notes, data, "search", title, "--json")
    mentors = list(people_of(scanned).mentors)
    return {"set": folder.name,
            "then_and_now": check_pairs(progress, notes, dates), "same_subject": check_subjects(progress, _labels(folder)),
            "mentor_words": check_words(progress, notes, mentors), "taught": check_taught(progress, notes),
            "reverse": check_reverse(outputs, reverse),
            "review_save": check_review(notes, data), "next_steps": check_steps(progress, notes),
            "figures": count_words(progress, notes) | {
                "kept_promise_pairs": sum(p["kind"] == "kept" for p in progress["then_and_now"]),
                "promises": progress["promises"]["totals"], "taught": len(progress["taught"])},
            "examples": [{"theme": p["theme"], "movement": p["movement"], "then": p["then"]["quote"],
                          "now": p["now"]["quote"]} for p in progress["then_and_now"]]}


def _bars(report: dict) -> dict:
    return {k: v for k, v in report.items() if isinstance(v, dict) and "ok" in v}


def show(reports: list[dict]) -> None:
    for report in reports:
        print(f"\n[{report['set']}]")
        for name, result in _bars(report).items():
            figures = {k: v for k, v in result.items() if k not in ("problems", "ok")}
            print(f"{'PASS' if result['ok'] else 'FAIL'}  {name}: {json.dumps(figures, ensure_ascii=False)}")
            for problem in result["problems"]:
                print(f"      {problem}")
        print(f"      figures: {json.dumps(report['figures'], ensure_ascii=False)}")
        for example in report["examples"]:
            print(f"  {example['theme']} ({example['movement']}): “{example['then']}” → “{example['now']}”")
    print("\nside by side:")
    print(f"  {'bar':<14}" + "".join(f"{r['set']:<44}" for r in reports))
    rows = {"same subject": lambda r: f"{r['same_subject']['same_subject']}/{r['same_subject']['pairs']} pairs "
                                      f"({r['same_subject']['share']:.0%}; bar 80%)",
            "narration": lambda r: f"{sum(p.startswith('narration') for p in r['mentor_words']['problems'])} of "
                                   f"{r['mentor_words']['mentor_words']} mentor's words (bar 0)",
            "sections": lambda r: ", ".join(f"{m.split()[0]} {n}" for m, n in r["mentor_words"]["by_mentor"].items()),
            "taught": lambda r: f"{len(r['taught']['taught'])} notes, {len(r['taught']['problems'])} wrong",
            "all bars": lambda r: "PASS" if all(b["ok"] for b in _bars(r).values()) else "FAIL"}
    for name, cell in rows.items():
        print(f"  {name:<14}" + "".join(f"{cell(r):<44}" for r in reports))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", type=Path, nargs="*")
    parser.add_argument("--reverse", action="append", help="A reverse-mentoring note (path under notes/).")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    reports = [evaluate(folder, args.reverse) for folder in (args.folders or DEFAULT_SETS)]
    if args.json:
        print(json.dumps(reports, indent=2, ensure_ascii=False))
    else:
        show(reports)
    sys.exit(0 if all(all(b["ok"] for b in _bars(r).values()) for r in reports) else 1)


if __name__ == "__main__":
    main()
