"""Are questions about a person, and about their first or last session, answered from the right notes?

Usage: python bench/eval_person.py [DIR ...] [--data DIR] [--k 5] [--json]
DIR holds notes/ and queries.jsonl, as for `coach eval` (default: ../shared/eval/dev and dev2).

Checks, on each set, through the real search (a fresh index in a temporary folder, or --data):
  person    every `"kind": "person"` query that names a mentor the notes know: one of that mentor's
            notes is in the top k and no other mentor's note ranks above any of theirs;
  session   "first / last session with X" questions made from the notes themselves, for every mentor
            (several phrasings, the name written in full, as a first name, in lower case, possessive):
            the top hit is X's earliest / latest session (kind session, by date); the same without a
            name expects the earliest / latest session with anyone you are mentored by;
  labelled  every labelled query that points at one session ("our most recent meeting"): the top hit
            is its first relevant note;
  pair      "what did A and B advise?" for every two mentors: both are among the top 4 and no third
            mentor's note ranks above either.
A person query that names no mentor the notes know (someone only mentioned in passing) is listed as
"no known mentor named" and not counted. Exit code 1 when any check fails.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path

from coach.config import load_settings
from coach.retrieval.engine import Engine
from coach.retrieval.evaluate import load_queries
from coach.retrieval.query import SESSION_KIND
from coach.retrieval.search import SearchFilters

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
DEFAULT_DIRS = [SHARED / "dev", SHARED / "dev2"]
NOTES = SearchFilters(source="notes")
LAST = ["What did we talk about in my last session with {name}?", "what did {name} say in our most recent meeting",
        "{name}'s latest call: what did I commit to?", "Summarise the previous session with {name}"]
FIRST = ["What happened in my first session with {name}?", "what did {name} and I cover in our very first meeting",
         "{name}'s first call: what did she or he advise?"]
ANYONE = {"recent": ["What did I commit to at the last session?", "what did we discuss in my most recent meeting"],
          "earliest": ["What did we cover in our first session?"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=DEFAULT_DIRS)
    parser.add_argument("--data", type=Path, help="reuse this data folder (one per set: DIR name is appended)")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    reports = {str(d): run_set(d, args.data, args.k) for d in args.dirs}
    print(json.dumps(reports, indent=2) if args.json else render(reports))
    return 0 if all(r["failed"] == 0 for r in reports.values()) else 1


def run_set(directory: Path, data: Path | None, k: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="coach-person-") as tmp:
        folder = data / directory.name if data else Path(tmp)
        engine = Engine(load_settings(notes_dir=directory / "notes", data_dir=folder, chroma_url=None))
        engine.sync()
        rows = person_checks(engine, load_queries(directory / "queries.jsonl"), k)
        rows += session_checks(engine) + labelled_session_checks(engine, directory) + pair_checks(engine)
    counted = [row for row in rows if row["pass"] is not None]
    return {"checks": len(counted), "failed": sum(1 for row in counted if not row["pass"]), "rows": rows}


def person_checks(engine: Engine, queries, k: int) -> list[dict]:
    rows = []
    for query in (q for q in queries if q.kind == "person"):
        response = engine.search(query.text, k=k, filters=NOTES)
        named = set(response.people)
        ok = _sources_ok(response.hits, named, engine.searcher.people().mentors) if named else None
        rows.append(_row("person", query.text, ok, response.hits, "no known mentor named" if not named else ""))
    return rows


def _sources_ok(hits, named: set[str], mentors: frozenset[str]) -> bool:
    """One of the named mentors' notes is shown, and no other mentor's note ranks above any of them."""
    theirs = [i for i, hit in enumerate(hits) if hit.person in named]
    others = [i for i, hit in enumerate(hits) if hit.person in mentors and hit.person not in named]
    return bool(theirs) and (not others or min(others) > max(theirs))


def session_checks(engine: Engine) -> list[dict]:
    """First/last-session questions for every mentor, expected notes read off the index itself."""
    people = engine.searcher.people()
    manifest = engine.searcher.manifest("notes")
    sessions = [(path, entry, people.person_of(entry.mentor)) for path, entry in manifest.notes.items()
                if entry.kind == SESSION_KIND]
    rows = []
    for mentor in sorted(people.mentors):
        theirs = [(entry.date, path) for path, entry, who in sessions if who == mentor]
        for name in _spellings(mentor):
            rows += [_expect(engine, t.format(name=name), _on_day(theirs, max)) for t in LAST]
            rows += [_expect(engine, t.format(name=name), _on_day(theirs, min)) for t in FIRST]
    mine = [(entry.date, path) for path, entry, _ in sessions if (entry.role or "mentee") != "mentor"]
    for order, templates in ANYONE.items():
        rows += [_expect(engine, t, _on_day(mine, max if order == "recent" else min)) for t in templates]
    return rows


def _spellings(mentor: str) -> list[str]:
    """The name in full, its first word, the first word in lower case, and a title with the surname."""
    words = mentor.split()
    titled = [f"Dr {words[-1]}"] if len(words) > 1 else []
    return list(dict.fromkeys([mentor, words[0], words[0].lower(), *titled]))


def _on_day(dated: list[tuple[str, str]], pick) -> set[str]:
    if not dated:
        return set()
    day = pick(d for d, _ in dated)
    return {path for d, path in dated if d == day}


def _expect(engine: Engine, question: str, wanted: set[str]) -> dict:
    response = engine.search(question, k=5, filters=NOTES)
    ok = bool(response.hits) and response.hits[0].path in wanted
    return _row("session", question, ok, response.hits, "want " + ", ".join(sorted(wanted)))


def labelled_session_checks(engine: Engine, directory: Path) -> list[dict]:
    rows = []
    for query in load_queries(directory / "queries.jsonl"):
        if query.relevant and engine.searcher.read(query.text).session:
            rows.append(_expect(engine, query.text, {query.relevant[0]}) | {"check": "labelled"})
    return rows


def pair_checks(engine: Engine) -> list[dict]:
    people = engine.searcher.people()
    rows = []
    for a, b in itertools.combinations(sorted(people.mentors), 2):
        response = engine.search(f"What did {a.split()[0]} and {b.split()[0]} advise me?", k=4, filters=NOTES)
        shown = {hit.person for hit in response.hits}
        ok = {a, b} <= shown and _sources_ok(response.hits, {a, b}, people.mentors)
        rows.append(_row("pair", response.query, ok, response.hits, ""))
    return rows


def _row(check: str, question: str, ok: bool | None, hits, note: str) -> dict:
    return {"check": check, "question": question, "pass": ok, "note": note,
            "top": [f"{hit.date} {hit.person or '-'}: {hit.path}" for hit in hits[:3]]}


def render(reports: dict) -> str:
    lines = []
    for name, report in reports.items():
        lines.append(f"{name}: {report['checks'] - report['failed']}/{report['checks']} pass")
        for row in report["rows"]:
            mark = {True: "ok  ", False: "FAIL", None: "n/a "}[row["pass"]]
            lines.append(f"  {mark} {row['check']:8s} {row['question']}  {row['note']}")
            if row["pass"] is False:
                lines.extend(f"         {line}" for line in row["top"])
    sides = " | ".join(f"{Path(n).name} {r['checks'] - r['failed']}/{r['checks']}" for n, r in reports.items())
    lines.append(f"\nside by side: {sides}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
