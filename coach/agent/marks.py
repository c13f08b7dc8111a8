"""The user's own commitment marks (done / dropped / reopened): a private status file, never the notes.

Each mark is keyed by a stable id made from the note a commitment first appeared in and its normalised
text, so it survives re-indexing (and `index --rebuild`: the file lives beside the index, not in it)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from coach.agent.commitment_tracker import TrackedCommitment
from coach.errors import CoachError
from coach.fsutil import atomic_write
from coach.paths import ensure_private_dir

MARKS_FILE = "commitment-marks.json"
MARK_STATUSES = ("done", "dropped", "open")
UNMARK = "notes"
"""mark_commitment's status that removes the user's mark: back to what the notes say (undo of a first mark)."""
MIN_ID_PREFIX = 4
"""An id may be shortened to a unique prefix of at least this many characters."""


@dataclass(frozen=True)
class Mark:
    """What the user said about one commitment, and when."""

    status: str
    marked_on: date
    path: str
    text: str

    def to_json(self) -> dict:
        return {"status": self.status, "marked_on": self.marked_on.isoformat(), "path": self.path, "text": self.text}


@dataclass(frozen=True)
class MarkedCommitment(TrackedCommitment):
    """A tracked commitment with its stable id; `marked_on` is set when the status is the user's mark."""

    id: str = ""
    marked_on: date | None = None
    inferred: TrackedCommitment | None = field(default=None, repr=False, compare=False)
    """The commitment as the notes alone have it (its status before any mark)."""
    checkin: Any = None
    """The reflection answer behind its mark (coach.agent.mark_evidence.Evidence), or None: a mark made by a
    key or `coach commitments --done`, or no mark. A "not yet" on an item still open is kept here too."""

    @property
    def inferred_status(self) -> str:
        return self.inferred.status if self.inferred is not None else self.status

    @property
    def status_source(self) -> str:
        """"coach" when the user marked it in coach, "notes" when it was read from the notes."""
        return "coach" if self.marked_on else "notes"

    @property
    def status_note(self) -> str | None:
        """'marked done in coach on 2026-11-25' (or 'reopened in coach on …'); for a check-in answer, the
        answer with its note, line and date; else None."""
        if self.marked_on is None:
            return None
        verb = "reopened" if self.status == "open" else f"marked {self.status}"
        if self.checkin is not None:
            return f"{verb} by your check-in answer in {checkin_cite(self.checkin)}"
        return f"{verb} in coach on {self.marked_on.isoformat()}"


def checkin_cite(evidence) -> str:
    """'2026-11-25 reflection.md:14 on 2026-11-25': where and when a check-in answer was given."""
    line = f":{evidence.line}" if evidence.line else ""
    return f"{evidence.note}{line} on {evidence.on.isoformat()}"


def checkin_sentence(text: str, evidence) -> str:
    """The evidence sentence of a check-in mark: the question the reflection asked and the answer."""
    return f"Did you “{text}”? — {evidence.answer}"


def commitment_id(path: str, text: str) -> str:
    """Ten hex characters from the note path and the text without case, punctuation or extra spaces."""
    normalised = " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
    return hashlib.sha256(f"{path}\n{normalised}".encode()).hexdigest()[:10]


def marks_path(settings) -> Path:
    return ensure_private_dir(Path(settings.data_dir)) / MARKS_FILE


def load_marks(settings) -> dict[str, Mark]:
    """Every mark by commitment id; a damaged file is an error that names the fix, never ignored."""
    path = marks_path(settings)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CoachError(
            f"The commitment marks file {path} cannot be read ({exc}). Move it aside to start afresh "
            "(your notes are not affected; only the marks made in coach would be lost).",
            "Commitment marks",
        ) from None
    entries = raw.get("marks", {}) if isinstance(raw, dict) else {}
    return {key: mark for key, value in entries.items() if (mark := _mark(value)) is not None}


def _mark(value: object) -> Mark | None:
    """One stored entry, or None when it is not a mark this version understands."""
    if not isinstance(value, dict) or value.get("status") not in MARK_STATUSES:
        return None
    try:
        marked_on = date.fromisoformat(str(value.get("marked_on")))
    except ValueError:
        return None
    return Mark(value["status"], marked_on, str(value.get("path", "")), str(value.get("text", "")))


def apply_marks(tracked: list[TrackedCommitment], marks: dict[str, Mark], today: date,
                evidence: Mapping[str, Any] | None = None) -> list[MarkedCommitment]:
    """Each commitment with its id, and the user's mark (when there is one) in place of the inferred status;
    `evidence`: the check-in answers by id (mark_evidence.load_evidence), shown for the marks they made."""
    found = []
    for item in tracked:
        ref = commitment_id(item.path, item.text)
        found.append(_marked(item, marks.get(ref), today, (evidence or {}).get(ref)))
    return found


_ANSWERED = {"done": "done", "dropped": "dropped", "not yet": "open"}
"""The status each check-in answer (mark_evidence.Evidence.answer) leaves a commitment in."""


def _marked(item: TrackedCommitment, mark: Mark | None, today: date, answer=None) -> MarkedCommitment:
    item = getattr(item, "inferred", None) or item  # marking again starts from what the notes say
    base: dict[str, Any] = {f.name: getattr(item, f.name) for f in fields(TrackedCommitment)}
    extra: dict[str, Any] = {"id": commitment_id(item.path, item.text), "inferred": item}
    if mark is None:  # a "not yet" on an item still open: shown beside it, the notes still decide
        still_open = answer is not None and answer.answer == "not yet" and item.status == "open"
        return MarkedCommitment(**base, **extra, checkin=answer if still_open else None)
    # The answer explains this mark only if it made it: same status, same day (a later key press replaces it).
    answer = answer if answer is not None and _ANSWERED.get(answer.answer) == mark.status \
        and answer.on == mark.marked_on else None
    settled = mark.status != "open"
    end = mark.marked_on if settled else today
    base |= {
        "status": mark.status,
        "status_path": answer.note if answer is not None else None,
        "status_date": mark.marked_on if settled else None,
        "evidence": checkin_sentence(item.text, answer) if answer is not None else None,
        "evidence_line": answer.line if answer is not None else None,
        "evidence_before": None,
        "age_days": max(0, (end - item.date).days),
    }
    return MarkedCommitment(**base, **extra, marked_on=mark.marked_on, checkin=answer)


def find_commitment(items: list[MarkedCommitment], ref: str) -> MarkedCommitment:
    """The commitment whose id is `ref`, or starts with it (at least MIN_ID_PREFIX characters, unique)."""
    ref = ref.strip().lower()
    exact = [item for item in items if item.id == ref]
    if exact:
        return exact[0]
    found = [item for item in items if len(ref) >= MIN_ID_PREFIX and item.id.startswith(ref)]
    if len(found) == 1:
        return found[0]
    if found:
        raise CoachError(f"Id {ref!r} matches {len(found)} commitments; give more characters of it.")
    raise CoachError(f"No commitment has the id {ref!r}. `coach commitments` lists each one's id.")


def mark_commitment(settings, items: list[MarkedCommitment], ref: str, status: str, today: date) -> MarkedCommitment:
    """Record the user's status for one commitment (atomically, in the data dir) and return it updated."""
    if status not in (*MARK_STATUSES, UNMARK):
        raise CoachError(f"A commitment can be marked {', '.join(MARK_STATUSES)} (got {status!r}).")
    item = find_commitment(items, ref)
    path = marks_path(settings)
    try:
        with FileLock(path.with_name(f".{MARKS_FILE}.lock"), timeout=10, mode=0o600):
            marks = load_marks(settings)
            if status == UNMARK or (status == "open" and item.inferred_status == "open"):
                marks.pop(item.id, None)  # back to what the notes say: no mark needed
            else:
                marks[item.id] = Mark(status, today, item.path, item.text)
            _write(path, marks)
    except Timeout:
        raise CoachError(f"Another coach process is writing {path}; try again in a moment.") from None
    except OSError as exc:
        raise CoachError(f"Could not save the mark in {path}: {exc.strerror or exc}.", "Write failed") from None
    return _marked(item, marks.get(item.id), today)


def _write(path: Path, marks: dict[str, Mark]) -> None:
    data = {"version": 1, "marks": {key: mark.to_json() for key, mark in sorted(marks.items())}}
    atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", mode=0o600)
