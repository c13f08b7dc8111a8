"""Two `coach index` processes on one data dir: one writes, the other is told it is busy (or waits);
a killed lock holder never blocks the next run. Real processes, real Chroma, real embedder."""

from __future__ import annotations

import json
import random
import time

import pytest

from tests.reliability import crashkit

KILL_TRIALS = 1
"""One kill of the lock holder here; bench/bench_faults.py races and kills many times."""


@pytest.fixture(scope="module")
def shared(tmp_path_factory, baseline_data):
    base = tmp_path_factory.mktemp("concurrency")
    notes = base / "notes"
    # Long enough notes that the winner is still writing when the loser arrives (~1.5 s in).
    crashkit.make_corpus(notes, 200, seed=3, words=30)
    data = base / "data"
    crashkit.copy_data(baseline_data, data)
    return notes, data


def _race(env: dict, *extra: str) -> list[tuple]:
    """Start two `coach index` at once; (process, rc, seconds from start to exit, stdout, stderr) each."""
    began = time.monotonic()
    procs = [crashkit.popen_coach("index", "--json", *extra, env=env) for _ in range(2)]
    ended: dict[int, float] = {}
    while len(ended) < 2:
        for proc in procs:
            if proc.pid not in ended and proc.poll() is not None:
                ended[proc.pid] = time.monotonic() - began
        if time.monotonic() - began > 600:
            raise TimeoutError("an indexer never finished")
        time.sleep(0.01)
    return [(proc, proc.returncode, ended[proc.pid], *proc.communicate()) for proc in procs]


def test_two_indexers_one_writes_the_other_is_busy_at_once(shared):
    notes, data = shared
    results = _race(crashkit.coach_env(data, notes))
    winners = [r for r in results if r[1] == 0]
    losers = [r for r in results if r[1] != 0]
    assert len(winners) == 1 and len(losers) == 1, [(r[1], r[4]) for r in results]
    (winner, _, won_after, out, _), (_, rc, lost_after, _, err) = winners[0], losers[0]
    print(f"\nloser exited after {lost_after:.2f}s (rc {rc}); winner finished after {won_after:.2f}s")
    assert rc == 2
    assert "busy" in err and f"PID {winner.pid}" in err
    assert "Traceback" not in err
    # Relative, not a wall-clock bar: on a loaded 2-core box interpreter start-up alone can pass 2 s.
    assert lost_after < 15.0, "told it is busy soon after starting, without waiting for the lock"
    assert won_after > lost_after, "the loser gave up while the winner was still writing"
    report = next(s for s in json.loads(out)["sources"] if s["source"] == "notes")
    assert len(report["added"]) == 200
    facts = crashkit.check_consistent(notes, data)
    assert facts.problems == [] and facts.notes == 200


def test_with_wait_the_second_indexer_queues_then_completes(shared):
    notes, data = shared
    crashkit.make_corpus(notes, 40, seed=4, start=200)  # new work for whoever gets the lock first
    results = _race(crashkit.coach_env(data, notes), "--wait", "120")
    assert [r[1] for r in results] == [0, 0], [r[4] for r in results]
    reports = [next(s for s in json.loads(r[3])["sources"] if s["source"] == "notes") for r in results]
    assert sorted(len(r["added"]) for r in reports) == [0, 40], "the first adds, the second finds it done"
    facts = crashkit.check_consistent(notes, data)
    assert facts.problems == [] and facts.notes == 240


def test_after_kill_9_of_the_holder_the_next_index_takes_the_lock_first_try(shared):
    notes, data = shared
    env = crashkit.coach_env(data, notes)
    rng = random.Random(11)
    for trial in range(KILL_TRIALS):
        crashkit.make_corpus(notes, 10, seed=5, start=300 + 10 * trial)  # the holder has work to do
        holder = crashkit.popen_coach("index", env=env)
        locked = crashkit.wait_for_lock(data, holder)
        assert locked is not None, "the holder must be inside the lock when it is killed"
        time.sleep(rng.uniform(0.0, 0.5))
        assert crashkit.kill9(holder), f"trial {trial}: the holder finished before the kill"
        began = time.monotonic()
        after = crashkit.run_coach("index", "--json", env=env)  # no --wait: the lock must be free now
        assert after.returncode == 0, f"trial {trial}: {after.stderr}"
        assert "busy" not in after.stderr
        print(f"\ntrial {trial}: next index took the lock at once, finished in {time.monotonic() - began:.1f}s",
              end="")
    facts = crashkit.check_consistent(notes, data)
    assert facts.problems == [] and facts.notes == 240 + 10 * KILL_TRIALS
