"""A seeded fault campaign against real `coach` processes: kill -9 during index, damage to the data dir,
races. After each fault: does any command die by a signal or fail without a word? Is doctor right? Does a
plain `coach index` repair everything (no manual step)? Are the notes byte-for-byte unchanged?

    .venv/bin/python bench/bench_faults.py [--trials 50] [--notes 30] [--seed 1] [--jobs 2]

Ground truth is computed in a child process (a damaged store may crash whoever opens it): the index must
match the notes folder exactly (crashkit.check_consistent). Doctor is right when it reports a problem
exactly when the index needs repair, names `coach index` (or the exact command) as the fix, and says OK
after that fix."""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import file_hashes  # noqa: E402
from tests.reliability import crashkit  # noqa: E402

_TRUTH = """
import json, sys
sys.path.insert(0, sys.argv[3])
from pathlib import Path
from tests.reliability.crashkit import check_consistent
facts = check_consistent(Path(sys.argv[1]), Path(sys.argv[2]), sample=3)
print(json.dumps(facts.problems))
"""


@dataclass
class Outcome:
    number: int
    kind: str
    silent: list[str] = field(default_factory=list)
    doctor_right: bool = True
    doctor_note: str = ""
    repaired: bool = True
    notes_changed: int = 0
    detail: str = ""


def truth(notes: Path, data: Path) -> list[str]:
    """Problems of the index against the folder; a crash of the checker is itself a problem."""
    result = subprocess.run([sys.executable, "-c", _TRUTH, str(notes), str(data), str(REPO)],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        return [f"checker failed (rc {result.returncode}): {result.stderr.strip()[-200:]}"]
    return json.loads(result.stdout.strip().splitlines()[-1])


def doctor(env: dict) -> tuple[bool, list[dict], subprocess.CompletedProcess]:
    result = crashkit.run_coach("doctor", "--json", env=env)
    try:
        data = json.loads(result.stdout)
        return data["ok"], [c for c in data["checks"] if not c["ok"]], result
    except (ValueError, KeyError):
        return False, [], result


def silent(result: subprocess.CompletedProcess, label: str) -> list[str]:
    if result.returncode < 0:
        return [f"{label}: killed by signal {-result.returncode}"]
    if result.returncode and not result.stderr.strip() and not result.stdout.strip():
        return [f"{label}: failed without a word"]
    if "Traceback" in result.stderr or "unexpected error" in result.stderr:
        return [f"{label}: {result.stderr.strip().splitlines()[-1][:160]}"]
    return []


# -- faults ------------------------------------------------------------------------------------------


def _rot(path: Path, rng: random.Random) -> None:
    stat = path.stat()
    raw = bytearray(path.read_bytes())
    if not raw:
        return
    start = rng.randrange(len(raw))
    for i in range(start, min(len(raw), start + 512)):
        raw[i] = rng.randrange(256)
    path.write_bytes(bytes(raw))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _segment_files(data: Path, name: str) -> list[Path]:
    return [p for p in (data / "index" / "chroma").rglob(name) if p.stat().st_size > 0]


def _flip_a_record(data: Path, rng: random.Random) -> None:
    """Bit rot inside one stored passage's record in chroma.sqlite3 (size and mtime kept): Chroma's Rust core
    panics reading it back, or returns damaged text."""
    path = data / "index" / "chroma" / "chroma.sqlite3"
    stat = path.stat()
    raw = bytearray(path.read_bytes())
    spots = [m.start() for m in re.finditer(rb"ztok\d{5}q", raw)]
    at = rng.choice(spots) if spots else len(raw) // 2
    for i in range(max(0, at - 40), min(len(raw), at + 6)):
        raw[i] ^= 0xFF
    path.write_bytes(bytes(raw))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _truncate_model(data: Path, rng: random.Random) -> None:
    """The data dir's fast query model cut short (it is hard-linked from a shared export: replace, not edit)."""
    for model in (data / "models").glob("*.onnx"):
        size = model.stat().st_size
        model.unlink()
        model.write_bytes(b"\0" * rng.randrange(size // 4, size * 3 // 4))


def _replace_with(path: Path, kind: str) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
    if kind == "dir":
        path.mkdir()
    else:
        path.write_bytes(b"")


DAMAGE = {
    "empty chroma.sqlite3": lambda d, r: (d / "index" / "chroma" / "chroma.sqlite3").write_bytes(b""),
    "rot data_level0.bin": lambda d, r: [_rot(p, r) for p in _segment_files(d, "data_level0.bin")],
    "rot link_lists.bin": lambda d, r: [_rot(p, r) for p in _segment_files(d, "link_lists.bin")],
    "rot header.bin": lambda d, r: [_rot(p, r) for p in _segment_files(d, "header.bin")],
    "delete a segment dir": lambda d, r: [shutil.rmtree(p.parent) for p in _segment_files(d, "header.bin")[:1]],
    "delete the store": lambda d, r: shutil.rmtree(d / "index" / "chroma"),
    "index is a 0-byte file": lambda d, r: _replace_with(d / "index", "file"),
    "writer.lock is a folder": lambda d, r: _replace_with(d / "index" / "writer.lock", "dir"),
    "conversations is a file": lambda d, r: _replace_with(d / "conversations", "file"),
    "logs is a file": lambda d, r: _replace_with(d / "logs", "file"),
    "flip a record in chroma.sqlite3": _flip_a_record,
    "truncate the fast query model": _truncate_model,
    "manifest truncated": lambda d, r: (d / "index" / "manifest-notes.json").write_bytes(b'{"schema": 1, "fi'),
    "manifest deleted": lambda d, r: (d / "index" / "manifest-notes.json").unlink(),
    "keyword index deleted": lambda d, r: shutil.rmtree(d / "index" / "keyword-notes", ignore_errors=True),
    "stamp deleted": lambda d, r: (d / "index" / "store-stamp.json").unlink(missing_ok=True),
}


CHURNED = ("kill -9 during index", "race: two indexers", "race: reflect while indexing")

# -- one trial ---------------------------------------------------------------------------------------


def run_trial(number: int, kind: str, base: Path, corpus: Path, indexed: Path, rng: random.Random) -> Outcome:
    out = Outcome(number, kind)
    notes, data = base / f"t{number}-notes", base / f"t{number}-data"
    shutil.copytree(corpus, notes)
    crashkit.copy_data(indexed, data)
    subprocess.run(["chmod", "-R", "go-rwx", str(data)], check=True)
    env = crashkit.coach_env(data, notes)
    if kind in CHURNED:  # the user's own edits before the fault; coach must not change a byte after them
        crashkit.churn(notes, rng, fraction=0.3, words=30)
    before = file_hashes(notes)
    try:
        _apply(kind, notes, data, env, rng, out)
        _judge(notes, data, env, before, out)
    finally:
        shutil.rmtree(notes, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)
    return out


def _apply(kind: str, notes: Path, data: Path, env: dict, rng: random.Random, out: Outcome) -> None:
    if kind == "kill -9 during index":
        victim = crashkit.popen_coach("index", env=env)
        if crashkit.wait_for_lock(data, victim) is not None:
            time.sleep(rng.uniform(0.2, 3.0))
        out.detail = "killed" if crashkit.kill9(victim) else "had finished"
    elif kind == "race: two indexers":
        procs = [crashkit.popen_coach("index", env=env) for _ in range(2)]
        results = [(p, *p.communicate(timeout=600)) for p in procs]
        for proc, _, err in results:
            out.silent += silent(subprocess.CompletedProcess([], proc.returncode, "", err), "racing index")
        out.detail = f"exit codes {sorted(p.returncode for p, _, _ in results)}"
    elif kind == "race: reflect while indexing":
        answers = data.parent / f"{data.name}-answers.txt"
        answers.write_text("We met.\n---\nFine.\n---\nI will send the notes.\n")
        indexer = crashkit.popen_coach("index", env=env)
        crashkit.wait_for_lock(data, indexer)
        reflect = crashkit.run_coach("reflect", "--answers", str(answers), "--json", env=env)
        indexer.communicate(timeout=600)
        out.silent += silent(reflect, "reflect")
        written = json.loads(reflect.stdout).get("path") if reflect.returncode == 0 else None
        out.detail = f"reflect rc {reflect.returncode}, note {'written' if written else 'MISSING'}"
        if not written:
            out.repaired = False
    else:
        DAMAGE[kind](data, rng)
        out.detail = "damaged"


def _judge(notes: Path, data: Path, env: dict, before: dict, out: Outcome) -> None:
    for args in (("search", crashkit.token(1), "--mode", "keyword"), ("search", "delegation", "--mode", "dense"),
                 ("history", "list")):
        out.silent += silent(crashkit.run_coach(*args, env=env), " ".join(args[:1] + args[-1:]))
    needs_repair = bool(truth(notes, data)) or _model_damaged(data)
    ok, failing, result = doctor(env)
    out.silent += silent(result, "doctor")
    fixes = {c["fix"] for c in failing}
    if needs_repair and ok:
        out.doctor_right, out.doctor_note = False, "said OK while the index needed repair"
    elif needs_repair and not any("coach index" in fix for fix in fixes):
        out.doctor_right, out.doctor_note = False, f"no working fix named: {fixes}"
    elif not needs_repair and not ok:
        out.doctor_note = f"flagged {[c['name'] + ': ' + c['detail'][:90] for c in failing]} (index consistent)"
    repair = crashkit.run_coach("index", env=env)
    out.silent += silent(repair, "repair index")
    problems = truth(notes, data) if repair.returncode == 0 else [repair.stderr.strip()[-200:]]
    if problems:
        out.repaired, out.detail = False, f"{out.detail}; after `coach index`: {problems[:2]}"
    ok_after, failing_after, _ = doctor(env)
    if not ok_after:
        out.doctor_right = False
        out.doctor_note += f"; still FIX after repair: {[c['name'] + ': ' + c['detail'] for c in failing_after]}"
    after = file_hashes(notes)
    out.notes_changed = sum(1 for path, digest in before.items() if after.get(path) != digest)


def _model_damaged(data: Path) -> bool:
    """The fast query model a search would load is cut short or altered (doctor must say so)."""
    from coach.retrieval.onnx_embedder import damage, existing_onnx

    return damage(existing_onnx(data)) not in (None, "not built yet")


# -- the campaign ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--notes", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="trials run at once (each in its own folders)")
    args = parser.parse_args()
    os.umask(0o077)  # damage made as the same user, in a data folder that is private (as coach keeps it)
    rng = random.Random(args.seed)
    kinds = ["kill -9 during index"] * 3 + ["race: two indexers", "race: reflect while indexing"] + list(DAMAGE)
    plan = [kinds[n % len(kinds)] if n < len(kinds) else rng.choice(kinds) for n in range(args.trials)]
    with tempfile.TemporaryDirectory(prefix="coach-faults-") as tmp:
        base = Path(tmp)
        corpus, indexed = _setup(base, args.notes, args.seed)
        began = time.monotonic()

        def trial(number: int) -> Outcome:
            try:
                outcome = run_trial(number, plan[number], base, corpus, indexed, random.Random(args.seed * 1000 + number))
            except Exception as exc:  # a bug of this script, or a timeout: counted, never hidden
                outcome = Outcome(number, plan[number], silent=[f"bench error: {exc.__class__.__name__}: {exc}"[:200]])
            _print_trial(outcome)
            return outcome

        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            outcomes = list(pool.map(trial, range(args.trials)))
        _summary(outcomes, time.monotonic() - began)
    bad = sum(1 for o in outcomes if o.silent or not o.doctor_right or not o.repaired or o.notes_changed)
    return 1 if bad else 0


def _setup(base: Path, count: int, seed: int) -> tuple[Path, Path]:
    from coach.retrieval.embeddings import bundled_model_dir
    from coach.retrieval.onnx_embedder import ensure_onnx

    corpus = base / "corpus"
    crashkit.make_corpus(corpus, count, seed=seed)
    onnx = ensure_onnx(bundled_model_dir(), base / "export")
    indexed = base / "indexed"
    crashkit.seed_models(indexed, onnx)
    result = crashkit.run_coach("index", env=crashkit.coach_env(indexed, corpus))
    if result.returncode != 0:
        raise SystemExit(f"setup index failed: {result.stderr}")
    return corpus, indexed


def _print_trial(o: Outcome) -> None:
    verdict = "ok" if not o.silent and o.doctor_right and o.repaired and not o.notes_changed else "FAIL"
    extra = "; ".join(filter(None, [o.detail, o.doctor_note, *o.silent]))
    print(f"trial {o.number:3d} {o.kind:32s} {verdict:4s} {extra}", flush=True)


def _summary(outcomes: list[Outcome], seconds: float) -> None:
    n = len(outcomes)
    kinds = Counter(o.kind for o in outcomes)
    print(f"\n{n} trials in {seconds / 60:.1f} min ({len(kinds)} kinds); machine shared, timings loaded")
    print(f"notes changed:                    {sum(o.notes_changed for o in outcomes)}")
    print(f"manual repairs needed:            {sum(1 for o in outcomes if not o.repaired)}")
    print(f"segfaults/silent failures shown:  {sum(len(o.silent) for o in outcomes)}")
    right = sum(1 for o in outcomes if o.doctor_right)
    print(f"doctor right:                     {right}/{n} ({100 * right / max(n, 1):.0f}%)")
    alarms = sum(1 for o in outcomes if o.doctor_note.startswith("flagged"))
    print(f"doctor FIX on a consistent index: {alarms} (damage it names outside the index, e.g. a stray lock)")


if __name__ == "__main__":
    raise SystemExit(main())
