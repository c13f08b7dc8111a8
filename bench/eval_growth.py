"""Check the growth mirror's bars on an eval set, through the real `coach` command.

Usage: python bench/eval_growth.py DIR [--reverse NAME ...] [--json]

DIR holds notes/. The notes are copied to a temporary folder and indexed there. Bars (issue 6):
  1. `coach progress --json` gives >= 3 then-and-now pairs; every quote is found verbatim in the cited
     note (as the file holds it), both sides' dates are their notes' dates, and the later side is dated
     after the earlier;
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
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.notes.reader import scan_folder  # noqa: E402 (after the sys.path line)
from coach.paths import knowledge_dir  # noqa: E402

COACH = [sys.executable, "-m", "coach"]


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
    return {"pairs": len(pairs), "problems": problems, "ok": len(pairs) >= 3 and not problems}


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


def evaluate(folder: Path, reverse: list[str] | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="coach-growth-") as tmp:
        notes, data = Path(tmp) / "notes", Path(tmp) / "data"
        shutil.copytree(folder / "notes", notes)
        for path in notes.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
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
        return {"then_and_now": check_pairs(progress, notes, dates), "reverse": check_reverse(outputs, reverse),
                "review_save": check_review(notes, data), "next_steps": check_steps(progress, notes),
                "figures": count_words(progress, notes) | {
                    "kept_promise_pairs": sum(p["kind"] == "kept" for p in progress["then_and_now"]),
                    "promises": progress["promises"]["totals"], "taught": len(progress["taught"])},
                "examples": [{"theme": p["theme"], "movement": p["movement"], "then": p["then"]["quote"],
                              "now": p["now"]["quote"]} for p in progress["then_and_now"]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--reverse", action="append", help="A reverse-mentoring note (path under notes/).")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = evaluate(args.folder, args.reverse)
    bars = {k: v for k, v in report.items() if isinstance(v, dict) and "ok" in v}
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for name, result in bars.items():
            figures = {k: v for k, v in result.items() if k not in ("problems", "ok")}
            print(f"{'PASS' if result['ok'] else 'FAIL'}  {name}: {json.dumps(figures, ensure_ascii=False)}")
            for problem in result["problems"]:
                print(f"      {problem}")
        print(f"      figures: {json.dumps(report['figures'], ensure_ascii=False)}")
        for example in report["examples"]:
            print(f"  {example['theme']} ({example['movement']}): “{example['then']}” → “{example['now']}”")
    sys.exit(0 if all(result["ok"] for result in bars.values()) else 1)


if __name__ == "__main__":
    main()
