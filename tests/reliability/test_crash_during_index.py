"""kill -9 of a real `coach index` at random moments: the next run completes and the index is exact.

200 generated notes (every tenth long enough for several chunks), the real MiniLM ONNX embedder and
the real embedded Chroma, each in a real `coach index` process. A first uninterrupted run measures
how long indexing takes once the writer lock is held; the kills are spread over that window (one per
equal slice, at a random point in it; fixed seed). Every second trial is an incremental re-index
(10% of notes deleted, 10% edited — long ones shrink — and 10% added) instead of a fresh one.
One trial of each kind here (the suite must stay fast); COACH_RELIABILITY_TRIALS sets more, and
bench/bench_crash.py does 1,000 notes and 20 + 5 kills."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.reliability import crashkit

SEED = 20250611
NOTES = 200


def _trials() -> int:
    return int(os.environ.get("COACH_RELIABILITY_TRIALS", "2"))


@pytest.fixture(scope="module")
def rig(tmp_path_factory, baseline_data):
    return crashkit.prepare(tmp_path_factory.mktemp("crash-index"), NOTES, baseline_data, seed=SEED)


def test_an_uninterrupted_index_is_exactly_consistent(rig):
    facts = rig.reference_facts
    assert facts.problems == []
    assert facts.notes == NOTES
    assert facts.chunks > NOTES  # the long notes really are split
    print(f"\nfull index of {NOTES} notes: {rig.full_seconds:.1f}s holding the lock; "
          f"incremental (10% del/edit/add): {rig.incremental_seconds:.1f}s")


def test_kill_9_at_random_moments_then_reindex_is_exactly_consistent(rig):
    rng = random.Random(SEED)
    count = _trials()
    kinds = ["incremental" if number % 2 else "full" for number in range(count)]
    offsets = {
        kind: iter(crashkit.plan_offsets(kinds.count(kind), window, rng))
        for kind, window in (("full", rig.full_seconds), ("incremental", rig.incremental_seconds))
    }
    results = []
    for number, kind in enumerate(kinds):
        trial = crashkit.run_trial(rig, number, kind, next(offsets[kind]), SEED)
        print("\n" + crashkit.describe(trial), end="")
        results.append(trial)
        crashkit.cleanup_trial(rig, number)

    failed = [crashkit.describe(t) for t in results if not t.ok]
    assert failed == [], "\n".join(failed)
    # The kills must really land mid-index (not after the process finished) for this to mean anything.
    assert sum(t.killed for t in results) >= max(1, count * 3 // 4)
    assert all(t.facts.keyword_checked == min(20, t.facts.notes) for t in results)


class _Crash(BaseException):
    """Stands in for kill -9 at one exact point (BaseException: nothing in coach may swallow it)."""


def test_a_crash_between_upsert_and_acknowledgement_never_leaves_stale_text(tmp_path, make_engine, fake_embedder,
                                                                             monkeypatch):
    """The narrowest window of the kill loop, hit on purpose: an edited note's new vectors are stored
    but not yet acknowledged, then the user reverts the edit. The index must hold the reverted text."""
    from chromadb.api.models.Collection import Collection

    notes = tmp_path / "notes"
    crashkit.make_corpus(notes, 30, seed=1)
    make_engine(notes, fake_embedder).sync()
    target = notes / crashkit.note_name(10)  # a long note: four chunks
    original = target.read_bytes()
    target.write_text(crashkit.note_text(10, random.Random(5), 10, long=False), encoding="utf-8")

    real_upsert = Collection.upsert

    def upsert_then_die(self, *args, **kwargs):
        real_upsert(self, *args, **kwargs)
        raise _Crash

    monkeypatch.setattr(Collection, "upsert", upsert_then_die)
    with pytest.raises(_Crash):
        make_engine(notes, fake_embedder).sync()
    monkeypatch.setattr(Collection, "upsert", real_upsert)

    target.write_bytes(original)  # the user undoes the edit before the next index
    make_engine(notes, fake_embedder).sync()

    facts = crashkit.check_consistent(notes, Path(os.environ["COACH_DATA_DIR"]), sample=5)
    assert facts.problems == []


def test_a_crash_while_deleting_removed_notes_never_leaves_the_manifest_vouching_for_them(
        tmp_path, make_engine, fake_embedder, monkeypatch):
    """Notes deleted from the folder: a kill after their vectors go but before the manifest is saved
    must not leave acknowledged notes without vectors; the next run finishes the job."""
    from chromadb.api.models.Collection import Collection

    notes = tmp_path / "notes"
    crashkit.make_corpus(notes, 30, seed=1)
    make_engine(notes, fake_embedder).sync()
    for i in (3, 10, 17):
        (notes / crashkit.note_name(i)).unlink()

    real_delete = Collection.delete

    def delete_then_die(self, *args, **kwargs):
        real_delete(self, *args, **kwargs)
        raise _Crash

    monkeypatch.setattr(Collection, "delete", delete_then_die)
    with pytest.raises(_Crash):
        make_engine(notes, fake_embedder).sync()
    monkeypatch.setattr(Collection, "delete", real_delete)

    data = Path(os.environ["COACH_DATA_DIR"])
    acknowledged, lost = crashkit.acknowledged_are_stored(data, tmp_path / "scratch")
    assert acknowledged and lost == []
    make_engine(notes, fake_embedder).sync()
    facts = crashkit.check_consistent(notes, data, sample=5)
    assert facts.problems == [] and facts.notes == 27
