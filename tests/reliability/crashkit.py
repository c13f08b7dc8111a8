"""Shared by the reliability tests and bench/bench_crash.py: generated corpora, real `coach` processes,
kill -9 at a chosen moment, and an exact check that the index matches the notes folder.

Nothing here edits coach's store directly: the index is only ever changed by `coach` processes; the
checks open it read-side afterwards (a killed store is inspected on a copy)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORDS = (
    "delegation feedback hiring roadmap budget conflict promotion boundaries meeting manager team "
    "project deadline review growth goals career skills listen coaching stakeholder priority scope "
    "estimate risk design incident oncall mentoring trust ownership clarity decision tradeoff"
).split()
MENTORS = ("Ade Okafor", "Grace Mbeki", "Sam Rivera", "Lin Wei")


# -- processes ---------------------------------------------------------------------------------------


def coach_env(data: Path, notes: Path | None = None, config: Path | None = None, **extra: str) -> dict:
    """The environment of a `coach` process on its own data dir (never the developer's)."""
    env = {**os.environ, "COACH_DATA_DIR": str(data), "COACH_CONFIG_FILE": str(config or data.parent / "c.toml")}
    env.pop("COACH_CHROMA_URL", None)
    if notes is not None:
        env["COACH_NOTES_DIR"] = str(notes)
    env.update(extra)
    return env


def coach_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "coach", *args]


def popen_coach(*args: str, env: dict, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        coach_cmd(*args), env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )


def run_coach(*args: str, env: dict, timeout: float = 600, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, *coach_cmd(*args)], env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout
    )


def seed_models(data: Path, onnx_path: Path) -> None:
    """Hard-link (or copy) a finished ONNX export and its sidecar into data/models: no re-export."""
    target = data / "models"
    target.mkdir(parents=True, exist_ok=True)
    for source in (onnx_path, onnx_path.with_name(onnx_path.name + ".json")):
        dest = target / source.name
        if dest.exists():
            continue
        try:
            os.link(source, dest)
        except OSError:
            shutil.copy2(source, dest)


def lock_pid(data: Path) -> str:
    try:
        return (data / "index" / "writer.lock").read_text().strip()
    except OSError:
        return ""


def wait_for_lock(data: Path, proc: subprocess.Popen, timeout: float = 60) -> float | None:
    """Monotonic time at which `proc` was seen holding the index lock; None if it exited first."""
    deadline = time.monotonic() + timeout
    want = str(proc.pid)
    while time.monotonic() < deadline:
        if lock_pid(data) == want:
            return time.monotonic()
        if proc.poll() is not None:
            return None
        time.sleep(0.01)
    raise TimeoutError(f"coach (PID {proc.pid}) never took the index lock")


def kill9(proc: subprocess.Popen) -> bool:
    """SIGKILL; True when the process was still running (a real crash), False if it had finished."""
    if proc.poll() is not None:
        return False
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    return proc.returncode == -signal.SIGKILL


# -- corpora -----------------------------------------------------------------------------------------


def token(i: int) -> str:
    """A word that occurs in exactly one note: keyword search must put that note first."""
    return f"ztok{i:05d}q"


def note_name(i: int) -> str:
    return f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} session {i:05d}.md"


def note_text(i: int, rng: random.Random, words: int, long: bool = False) -> str:
    """A short note (one chunk); a long one has four headed sections, so four chunks.

    Short passages keep the real embedder's work (tokens) small; headings still make multi-chunk notes."""
    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words)) + "."

    sections = [f"## Part {part}\n\n{sentence()}" for part in "ABCD"] if long else [sentence()]
    return (
        f"---\nmentor: {MENTORS[i % len(MENTORS)]}\nkind: session\n---\n"
        f"# Session {i}\n\nUnique marker {token(i)}.\n\n" + "\n\n".join(sections) + "\n"
    )


def make_corpus(folder: Path, count: int, seed: int = 7, words: int = 10, long_every: int = 10, start: int = 0) -> None:
    """`count` notes; every `long_every`-th has several chunks."""
    rng = random.Random(seed * 1_000_003 + start)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + count):
        long = long_every > 0 and i % long_every == 0
        (folder / note_name(i)).write_text(note_text(i, rng, words, long), encoding="utf-8")


def churn(folder: Path, rng: random.Random, fraction: float = 0.1, words: int = 10) -> dict:
    """An incremental re-index's worth of change: delete, edit (some long notes shrink) and add notes."""
    names = sorted(p.name for p in folder.glob("*.md"))
    numbers = [int(name.rsplit(" ", 1)[1][:-3]) for name in names]
    k = max(1, int(len(names) * fraction))
    picked = rng.sample(numbers, 2 * k)
    deleted, edited = picked[:k], picked[k:]
    for i in deleted:
        (folder / note_name(i)).unlink()
    for i in edited:  # a long note becomes short (stale tail chunks must go) and vice versa
        was_long = "## Part" in (folder / note_name(i)).read_text(encoding="utf-8")
        (folder / note_name(i)).write_text(note_text(i, rng, words, long=not was_long), encoding="utf-8")
    first_new = max(numbers) + 1
    for i in range(first_new, first_new + k):
        (folder / note_name(i)).write_text(note_text(i, rng, words, long=i % 10 == 0), encoding="utf-8")
    return {"deleted": deleted, "edited": edited, "added": list(range(first_new, first_new + k))}


def copy_data(source: Path, target: Path) -> None:
    """Copy a data dir; the big ONNX export is hard-linked (it is replaced by rename, never edited)."""

    def copy(src, dst):
        if src.endswith(".onnx"):
            try:
                os.link(src, dst)
                return dst
            except OSError:
                pass
        return shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=copy)


# -- the consistency check ---------------------------------------------------------------------------


@dataclass
class IndexFacts:
    notes: int = 0
    chunks: int = 0
    knowledge_chunks: int = 0
    keyword_checked: int = 0
    problems: list[str] = field(default_factory=list)


def _expected(scan, counter) -> tuple[dict[str, str], dict[str, str]]:
    from coach.retrieval.chunking import chunk_note

    shas = {note.path: note.sha256 for note in scan.notes}
    ids = {chunk.id: note.path for note in scan.notes for chunk in chunk_note(note, counter)}
    return shas, ids


def _close(client) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    try:
        client._system.stop()
    except Exception:
        pass
    SharedSystemClient.clear_system_cache()


def check_consistent(notes: Path, data: Path, sample: int = 20, seed: int = 0) -> IndexFacts:
    """What a clean rebuild of `notes` would hold, compared with the index in `data`, exactly.

    - the notes manifest's (path, sha256) set equals the folder's;
    - its chunk ids are the ids a clean rebuild makes (no duplicates, none missing, none extra);
    - Chroma holds exactly those ids (count = manifest total; no orphans), each tagged with the
      right note and that note's current hash (no stale text);
    - the same for the principles library;
    - keyword search for a note's unique token returns that note first, for `sample` notes."""
    from coach import paths
    from coach.config import load_settings
    from coach.notes.reader import scan_folder
    from coach.retrieval import store
    from coach.retrieval.embeddings import TokenCounter
    from coach.retrieval.engine import Engine, _as_principles
    from coach.retrieval.manifest import load_manifest
    from coach.retrieval.search import SearchFilters
    from tests.conftest import HashEmbedder

    facts = IndexFacts()
    problems = facts.problems
    counter = TokenCounter()
    index_dir = data / "index"
    sources = {
        "notes": _expected(scan_folder(notes), counter),
        "knowledge": _expected(_as_principles(scan_folder(paths.knowledge_dir())), counter),
    }
    quick_check = _sqlite_quick_check(index_dir / "chroma" / "chroma.sqlite3")
    if quick_check != "ok":
        problems.append(f"PRAGMA quick_check on chroma.sqlite3: {quick_check}")
    client = store.make_client(index_dir)
    try:
        for source, (shas, ids) in sources.items():
            manifest = load_manifest(index_dir, source)
            if manifest is None:
                problems.append(f"{source}: no manifest")
                continue
            listed = {path: entry.sha256 for path, entry in manifest.notes.items()}
            if listed != shas:
                missing = sorted(set(shas) - set(listed))[:3]
                extra = sorted(set(listed) - set(shas))[:3]
                stale = sorted(p for p in set(shas) & set(listed) if shas[p] != listed[p])[:3]
                problems.append(f"{source}: manifest != folder (missing {missing}, extra {extra}, stale {stale})")
            acked = manifest.chunk_ids()
            if len(acked) != len(set(acked)):
                problems.append(f"{source}: duplicate chunk ids in the manifest")
            if set(acked) != set(ids):
                problems.append(f"{source}: manifest chunks differ from a clean rebuild "
                                f"({len(set(ids) - set(acked))} missing, {len(set(acked) - set(ids))} extra)")
            collection = store.collection(client, source)
            stored = collection.get(include=["metadatas"])
            stored_ids = stored["ids"]
            if len(stored_ids) != len(set(stored_ids)):
                problems.append(f"{source}: duplicate ids in Chroma")
            if collection.count() != len(acked):
                problems.append(f"{source}: Chroma count {collection.count()} != manifest total {len(acked)}")
            if set(stored_ids) != set(ids):
                orphans = sorted(set(stored_ids) - set(ids))[:3]
                lost = sorted(set(ids) - set(stored_ids))[:3]
                problems.append(f"{source}: Chroma ids != clean rebuild (orphans {orphans}, missing {lost})")
            for cid, meta in zip(stored_ids, stored["metadatas"]):
                path = ids.get(cid)
                if path is not None and (meta.get("path") != path or meta.get("note_sha256") != shas[path]):
                    problems.append(f"{source}: {cid} holds stale or misfiled text ({meta.get('path')})")
                    break
            if source == "notes":
                facts.notes, facts.chunks = len(listed), len(acked)
            else:
                facts.knowledge_chunks = len(acked)
        if not problems:
            facts.keyword_checked = _keyword_top1(notes, data, sample, seed, problems, Engine, load_settings,
                                                  SearchFilters, HashEmbedder)
    finally:
        _close(client)
    return facts


def _sqlite_quick_check(path: Path) -> str:
    """SQLite's own structural check, opened read-write (a read-only open can falsely fail after a crash)."""
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        return "; ".join(row[0] for row in connection.execute("PRAGMA quick_check"))
    finally:
        connection.close()


def _keyword_top1(notes, data, sample, seed, problems, Engine, load_settings, SearchFilters, HashEmbedder) -> int:
    numbered = sorted(p.name for p in notes.glob("*session *.md"))
    chosen = random.Random(seed).sample(numbered, min(sample, len(numbered)))
    engine = Engine(load_settings(notes_dir=notes, data_dir=data), query_embedder=HashEmbedder())
    try:
        for name in chosen:
            word = token(int(name.rsplit(" ", 1)[1][:-3]))
            hits = engine.search(word, k=3, filters=SearchFilters(source="notes"), mode="keyword").hits
            if not hits or hits[0].path != name:
                problems.append(f"keyword search for {word} returned {[h.path for h in hits][:2]}, not {name}")
    finally:
        if engine._client is not None:
            _close(engine._client)
    return len(chosen)


def acknowledged_are_stored(data: Path, scratch: Path) -> tuple[int, list[str]]:
    """Right after a kill: every note the manifest acknowledges has all its vectors in Chroma.

    Inspected on a copy, so the next `coach index` finds the store exactly as the kill left it."""
    from coach.retrieval import store
    from coach.retrieval.manifest import load_manifest

    copy_data(data, scratch)
    manifest = load_manifest(scratch / "index", "notes")
    if manifest is None or not manifest.chunk_ids():
        shutil.rmtree(scratch, ignore_errors=True)
        return 0, []
    if not (scratch / "index" / "chroma").exists():
        return len(manifest.notes), sorted(manifest.notes)
    client = store.make_client(scratch / "index")
    try:
        got = store.collection(client, "notes").get(ids=manifest.chunk_ids(), include=["metadatas"])
        found = {cid: meta.get("note_sha256") for cid, meta in zip(got["ids"], got["metadatas"])}
    finally:
        _close(client)
    lost = [
        path for path, entry in manifest.notes.items()
        if any(found.get(cid) != entry.sha256 for cid in entry.chunk_ids)
    ]
    shutil.rmtree(scratch, ignore_errors=True)
    return len(manifest.notes), lost


# -- the kill -9 loop ---------------------------------------------------------------------------------


@dataclass
class Trial:
    number: int
    kind: str  # "full" (200 new notes) or "incremental" (10% deleted, edited, added)
    offset: float  # seconds after the victim took the index lock
    killed: bool = False
    acknowledged: int = 0
    lost: list[str] = field(default_factory=list)
    rerun_rc: int | None = None
    rerun_seconds: float = 0.0
    rerun_error: str = ""
    facts: IndexFacts | None = None

    @property
    def ok(self) -> bool:
        return self.rerun_rc == 0 and not self.lost and self.facts is not None and not self.facts.problems


@dataclass
class CrashRig:
    """A base folder with: a baseline data dir (model exported, principles indexed, no notes yet),
    the corpus, and timings of an uninterrupted full and incremental index."""

    base: Path
    notes: Path
    baseline: Path
    reference: Path
    full_seconds: float = 0.0
    incremental_seconds: float = 0.0
    reference_facts: IndexFacts | None = None


def build_baseline(data: Path, onnx_path: Path) -> Path:
    """A data dir as a returning user has it before adding notes: the model exported, the principles
    indexed, no notes. Copying it saves every test re-embedding the principles library."""
    empty = data.with_name(data.name + "-empty-notes")
    empty.mkdir(parents=True, exist_ok=True)
    seed_models(data, onnx_path)
    done = run_coach("index", env=coach_env(data, empty))
    if done.returncode != 0:
        raise RuntimeError(f"baseline index failed: {done.stderr}")
    return data


def prepare(base: Path, count: int, baseline: Path, seed: int = 7, words: int = 10) -> CrashRig:
    notes = base / "notes"
    make_corpus(notes, count, seed, words)
    rig = CrashRig(base, notes, base / "baseline", base / "reference")
    copy_data(baseline, rig.baseline)
    copy_data(rig.baseline, rig.reference)
    rig.full_seconds = _timed_index(rig.reference, notes)
    rig.reference_facts = check_consistent(notes, rig.reference, sample=5)
    scratch_notes = base / "measure-incremental-notes"
    shutil.copytree(notes, scratch_notes)
    churn(scratch_notes, random.Random(seed))
    scratch_data = base / "measure-incremental-data"
    copy_data(rig.reference, scratch_data)
    rig.incremental_seconds = _timed_index(scratch_data, scratch_notes)
    shutil.rmtree(scratch_data)
    shutil.rmtree(scratch_notes)
    return rig


def _timed_index(data: Path, notes: Path) -> float:
    """Seconds from taking the lock to exit, for one uninterrupted `coach index`."""
    proc = popen_coach("index", env=coach_env(data, notes))
    locked = wait_for_lock(data, proc)
    _, err = proc.communicate(timeout=900)
    if proc.returncode != 0 or locked is None:
        raise RuntimeError(f"timed index failed (rc {proc.returncode}): {err}")
    return time.monotonic() - locked


def plan_offsets(count: int, window: float, rng: random.Random) -> list[float]:
    """One kill moment per equal slice of the window, at a random point inside it (spread + random).

    The window's last tenth is left out: that is interpreter exit, after the last write."""
    window *= 0.9
    offsets = [(slot + rng.random()) / count * window for slot in range(count)]
    rng.shuffle(offsets)
    return offsets


def run_trial(rig: CrashRig, number: int, kind: str, offset: float, seed: int, sample: int = 20) -> Trial:
    trial = Trial(number, kind, offset)
    data = rig.base / f"trial-{number:02d}-data"
    notes = rig.notes
    if kind == "full":
        copy_data(rig.baseline, data)
    else:
        notes = rig.base / f"trial-{number:02d}-notes"
        shutil.copytree(rig.notes, notes)
        churn(notes, random.Random(seed + number))
        copy_data(rig.reference, data)
    env = coach_env(data, notes)
    victim = popen_coach("index", env=env)
    locked = wait_for_lock(data, victim)
    if locked is not None:
        time.sleep(max(0.0, locked + offset - time.monotonic()))
    trial.killed = kill9(victim)
    trial.acknowledged, trial.lost = acknowledged_are_stored(data, rig.base / f"trial-{number:02d}-scratch")
    began = time.monotonic()
    rerun = run_coach("index", "--json", env=env)  # no --wait: the dead holder's lock must be free
    trial.rerun_seconds = time.monotonic() - began
    trial.rerun_rc = rerun.returncode
    if rerun.returncode != 0 or "Traceback" in rerun.stderr:
        trial.rerun_error = rerun.stderr.strip()[-500:]
        return trial
    trial.facts = check_consistent(notes, data, sample=sample, seed=seed + number)
    reported = next(s for s in json.loads(rerun.stdout)["sources"] if s["source"] == "notes")
    if reported["chunks"] != trial.facts.chunks:
        trial.facts.problems.append(f"index reported {reported['chunks']} passages, manifest has {trial.facts.chunks}")
    return trial


def cleanup_trial(rig: CrashRig, number: int) -> None:
    for suffix in ("data", "notes", "scratch"):
        shutil.rmtree(rig.base / f"trial-{number:02d}-{suffix}", ignore_errors=True)


def describe(trial: Trial) -> str:
    facts = trial.facts
    state = "ok" if trial.ok else "FAIL"
    detail = (
        f"{facts.notes} notes / {facts.chunks} chunks, keyword top-1 {facts.keyword_checked}/{facts.keyword_checked}"
        if facts and not facts.problems else (trial.rerun_error or (facts.problems if facts else "") or trial.lost)
    )
    return (
        f"trial {trial.number:2d} {trial.kind:11s} kill at +{trial.offset:5.2f}s "
        f"({'killed' if trial.killed else 'had finished'}; {trial.acknowledged} notes acknowledged, "
        f"{len(trial.lost)} lost) → rerun {trial.rerun_seconds:4.1f}s: {state} {detail}"
    )
