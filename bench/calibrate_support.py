"""Calibrate the support check's thresholds (coach.agent.support) on eval sets, side by side.

Usage: python bench/calibrate_support.py DIR [DIR ...]

How: for every non-negative question of each set, the passages are retrieved as `ask` retrieves them
(the pool a summary may stand on). Then
  - supported sentences: each sentence of the best retrieved passage, checked against the pool with
    that very sentence taken out (so only its neighbours and the other passages can support it —
    harder than a real summary, which restates what is there);
  - unsupported sentences: sentences of notes of the same person that were NOT retrieved for the
    question (plausible, on-persona, but not what these passages say), and sentences of the other set.
For each (cosine, word-share) pair on a grid, a sentence passes when either score reaches its
threshold. The chosen pair is the one that keeps the most supported sentences while letting through
at most 5% of the unsupported ones on EVERY set (a rule that helps one set and hurts the other fails).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coach.agent.passages import sentence_spans  # noqa: E402
from coach.notes.commitments import content_words  # noqa: E402

MAX_FALSE_ACCEPT = 0.05
COSINES = [round(x, 2) for x in np.arange(0.45, 0.86, 0.01)]
SHARES = [round(x, 2) for x in np.arange(0.4, 1.01, 0.05)]
random.seed(7)


def sentences_of(text: str) -> list[str]:
    out = [text[s:e].strip() for s, e in sentence_spans(text)]
    return [s for s in out if len(content_words(s)) >= 3]


def index(folder: Path, tmp: Path):
    from coach.config import load_settings
    from coach.retrieval.engine import Engine

    notes, data = tmp / folder.name / "notes", tmp / folder.name / "data"
    shutil.copytree(folder / "notes", notes)
    env = {**os.environ, "COACH_CONFIG_FILE": str(tmp / "none.toml")}
    subprocess.run([sys.executable, "-m", "coach", "--notes", str(notes), "--data", str(data), "index"],
                   check=True, capture_output=True, env=env)
    os.environ["COACH_CONFIG_FILE"] = str(tmp / "none.toml")
    return Engine(load_settings(notes_dir=notes, data_dir=data))


def examples(engine, folder: Path, other_sentences: list[str]) -> tuple[list, list]:
    """(word share, cosine) pairs for supported and unsupported sentences; one embedding batch a question."""
    from coach.agent.ask import NOTES_K
    from coach.retrieval.search import SearchFilters

    rows = [json.loads(x) for x in (folder / "queries.jsonl").read_text().splitlines() if x.strip()]
    notes = engine.scan_notes().notes
    positives, negatives = [], []
    for row in [r for r in rows if r["relevant"]]:
        hits = engine.search(row["query"], NOTES_K, SearchFilters(source="notes")).hits[:4]
        if not hits:
            continue
        units = [(k, u) for k, h in enumerate(hits) for u in sentences_of(h.text) or [h.text]]
        own = sentences_of(hits[0].text)[:4]
        retrieved = {h.path for h in hits} | {r.removeprefix("notes/") for r in row["relevant"]}
        elsewhere = [x for n in notes if n.path not in retrieved for x in sentences_of(n.body)]
        foreign = random.sample(elsewhere, min(4, len(elsewhere))) + random.sample(other_sentences, 2)
        vectors = np.asarray(engine.query_embedder.embed([u for _, u in units] + own + foreign), dtype=np.float32)
        unit_vectors, probe = vectors[: len(units)], vectors[len(units):]
        for j, sentence in enumerate(own + foreign):
            keep = [i for i, (_, u) in enumerate(units) if u != sentence]  # a sentence never supports itself
            cosine = float(np.max(unit_vectors[keep] @ probe[j])) if keep else 0.0
            pool = [hits[0].text.replace(sentence, " ")] + [h.text for h in hits[1:]] if j < len(own) else \
                [h.text for h in hits]
            words = content_words(sentence)
            share = max(len(words & content_words(text)) / len(words) for text in pool)
            (positives if j < len(own) else negatives).append((share, cosine))
    return positives, negatives


def accept(pairs: list, cosine: float, share: float) -> float:
    return sum(1 for s, c in pairs if s >= share or c >= cosine) / max(len(pairs), 1)


def main() -> int:
    dirs = [Path(d) for d in sys.argv[1:]]
    with tempfile.TemporaryDirectory(prefix="calibrate-") as tmp:
        engines = {d.name: index(d, Path(tmp)) for d in dirs}
        bodies = {d.name: [s for n in engines[d.name].scan_notes().notes for s in sentences_of(n.body)] for d in dirs}
        data = {}
        for d in dirs:
            others = [s for name, ss in bodies.items() if name != d.name for s in ss] or bodies[d.name]
            data[d.name] = examples(engines[d.name], d, others)
    best = None
    for cosine in COSINES:
        for share in SHARES:
            false = [accept(neg, cosine, share) for _, neg in data.values()]
            true = [accept(pos, cosine, share) for pos, _ in data.values()]
            if max(false) <= MAX_FALSE_ACCEPT and (best is None or min(true) > best[0]):
                best = (min(true), cosine, share, true, false)
    names = list(data)
    print(f"{'':34}" + "".join(f"{n:>10}" for n in names))
    print(f"{'supported sentences':34}" + "".join(f"{len(data[n][0]):>10}" for n in names))
    print(f"{'unsupported sentences':34}" + "".join(f"{len(data[n][1]):>10}" for n in names))
    if best is None:
        print("no threshold pair keeps false accepts under 5% on every set")
        return 1
    _, cosine, share, true, false = best
    print(f"chosen MIN_COSINE={cosine} MIN_WORD_SHARE={share}")
    print(f"{'supported kept':34}" + "".join(f"{t:>10.2f}" for t in true))
    print(f"{'unsupported let through':34}" + "".join(f"{f:>10.2f}" for f in false))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
