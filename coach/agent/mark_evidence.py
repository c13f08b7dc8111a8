"""Evidence for the marks coach records from an answer (a reflection's check-in), and their undo.

The marks themselves live in the marks file (coach.agent.marks, through the service); this module keeps, beside
it, which note and line each recorded answer came from, so every change shows its evidence, and can put the
marks back exactly as they were (undo)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from filelock import FileLock, Timeout

from coach.agent.marks import MARKS_FILE, Mark, load_marks, marks_path
from coach.errors import CoachError
from coach.fsutil import atomic_write
from coach.paths import ensure_private_dir

EVIDENCE_FILE = "commitment-mark-evidence.json"
_STATUS_OF = {"done": "done", "dropped": "dropped", "not_yet": "open"}


@dataclass(frozen=True)
class Evidence:
    """Where an answer about a commitment was given: the note, its line (when known), the answer, the day."""

    note: str
    line: int | None
    answer: str
    on: date

    def to_json(self) -> dict:
        return {"note": self.note, "line": self.line, "answer": self.answer, "on": self.on.isoformat()}

    @property
    def cite(self) -> str:
        return f"your answer {self.answer!r} in {self.note}" + (f", line {self.line}" if self.line else "")


@dataclass(frozen=True)
class MarkChange:
    """What one answer changed: the commitment, its status before and after, and the evidence."""

    id: str
    text: str
    before: str
    after: str
    evidence: Evidence
    previous: Mark | None
    """The mark it had before (None: none), put back by undo."""

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def describe(self) -> str:
        what = f"marked {self.after}" if self.changed else f"still {self.before}"
        return f"{self.text}: {what} ({self.evidence.cite}) [id {self.id}]"

    def to_json(self) -> dict:
        return {"id": self.id, "text": self.text, "before": self.before, "after": self.after,
                "changed": self.changed, "evidence": self.evidence.to_json()}


def evidence_path(settings) -> Path:
    return ensure_private_dir(Path(settings.data_dir)) / EVIDENCE_FILE


def load_evidence(settings) -> dict[str, Evidence]:
    """The evidence of every recorded answer by commitment id; an unreadable file is treated as none (it
    only explains marks, which stand on their own)."""
    try:
        raw = json.loads(evidence_path(settings).read_text(encoding="utf-8"))
        return {key: Evidence(v["note"], v.get("line"), v["answer"], date.fromisoformat(v["on"]))
                for key, v in raw.get("evidence", {}).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def record_answers(service, answered: dict[str, str], evidence: dict[str, Evidence]) -> list[MarkChange]:
    """Mark each answered commitment ("done", "dropped"; "not_yet" keeps or puts it back open) and keep the
    evidence. Returns what changed, in the order given."""
    items = {item.id: item for item in service.commitments()}
    previous = load_marks(service.settings)
    changes = []
    for ref, choice in answered.items():
        item = items.get(ref)
        if item is None:
            continue  # the note changed since the question was asked: nothing to mark
        status = _STATUS_OF[choice]
        after = item.status if status == "open" and item.status == "open" else status
        if after != item.status:
            after = service.mark_commitment(ref, status, among=list(items.values())).status
        changes.append(MarkChange(ref, item.text, item.status, after, evidence[ref], previous.get(ref)))
    _update_evidence(service.settings, {c.id: c.evidence for c in changes}, ())
    return changes


def undo_changes(service, changes: list[MarkChange]) -> None:
    """Put back the marks these answers replaced (or none) and forget their evidence."""
    settings = service.settings
    path = marks_path(settings)
    try:
        with FileLock(path.with_name(f".{MARKS_FILE}.lock"), timeout=10, mode=0o600):
            marks = load_marks(settings)
            for change in changes:
                marks.pop(change.id, None)
                if change.previous is not None:
                    marks[change.id] = change.previous
            data = {"version": 1, "marks": {key: mark.to_json() for key, mark in sorted(marks.items())}}
            atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", mode=0o600)
    except Timeout:
        raise CoachError(f"Another coach process is writing {path}; try again in a moment.") from None
    except OSError as exc:
        raise CoachError(f"Could not undo the marks in {path}: {exc.strerror or exc}.", "Write failed") from None
    _update_evidence(settings, {}, [c.id for c in changes])


def _update_evidence(settings, added: dict[str, Evidence], removed) -> None:
    path = evidence_path(settings)
    try:
        with FileLock(path.with_name(f".{EVIDENCE_FILE}.lock"), timeout=10, mode=0o600):
            found = load_evidence(settings) | added
            for ref in removed:
                found.pop(ref, None)
            data = {"version": 1, "evidence": {key: e.to_json() for key, e in sorted(found.items())}}
            atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n", mode=0o600)
    except (Timeout, OSError):
        pass  # the marks are recorded; only the explanation beside them is missing
