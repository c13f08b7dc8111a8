"""`coach commitments`: the commitments in the notes, tracked across sessions, for the service facade.

Tracking embeds every later sentence once per data folder (then the embedding cache answers), and Home,
Commitments, Prepare, Reflect and Growth each ask for it: one service computes it once per version of the
notes, and a second caller while it runs waits for that result rather than embedding the same sentences
again beside it (two such reads on two cores made the app's first Home ~3x slower)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from coach.agent.commitment_tracker import NOT_CLOSED, STATUSES, TrackedCommitment, track_commitments
from coach.agent.embed_cache import cached_embed
from coach.agent.mark_evidence import load_evidence
from coach.agent.marks import MarkedCommitment, apply_marks, load_marks
from coach.errors import CoachError
from coach.notes.model import Note
from coach.notes.provenance import is_coach_written


def trackable(notes: list[Note]) -> list[Note]:
    """Notes whose commitments count: coach's own agendas and reviews only repeat earlier ones."""
    return [n for n in notes if not (is_coach_written(n) and n.kind in ("agenda", "review"))]


def tracked_commitments(
    service, status: str | None = None, notes: list[Note] | None = None
) -> list[MarkedCommitment]:
    """Every commitment with its status as of service.today (the user's marks win over the notes'),
    optionally only one status: "open" means not closed (open or maybe_done, which waits for the
    user's word). Callers that have scanned the folder already pass its notes (one scan per command)."""
    if status is not None and status not in STATUSES:
        raise CoachError(f"status must be one of {', '.join(STATUSES)} (got {status!r}).")
    notes = trackable(service.notes() if notes is None else notes)
    inferred = _inferred(service, notes)
    tracked = apply_marks(inferred, load_marks(service.settings), service.today, load_evidence(service.settings))
    wanted = NOT_CLOSED if status == "open" else {status}
    return [t for t in tracked if status is None or t.status in wanted]


MEMO_SIZE = 4
"""Versions of the notes whose tracking a service keeps (all notes, and a period or two for Growth)."""
_GUARD = threading.Lock()


def _inferred(service, notes: list[Note]) -> list[TrackedCommitment]:
    """track_commitments over these notes as of today, computed once per service and version of the notes."""
    with _GUARD:  # one lock and memo per service, made on first use (fakes and old services have none)
        memo = service.__dict__.setdefault("_tracking_memo", (threading.Lock(), OrderedDict()))
    lock, found = memo
    key = (service.today, tuple((n.path, n.sha256, hash(n.body), n.date, n.mentor, n.kind, n.role) for n in notes))
    with lock:
        if key in found:
            found.move_to_end(key)
            return found[key]
        result = track_commitments(notes, service.today, cached_embed(service))
        found[key] = result
        while len(found) > MEMO_SIZE:
            found.popitem(last=False)
        return result


def commitment_json(item: TrackedCommitment) -> dict:
    """The stable `coach commitments --json` shape for one commitment."""
    return {
        "id": getattr(item, "id", None),
        "text": item.text,
        "status": item.status,
        "owner": item.owner,
        "path": item.path,
        "date": item.date.isoformat(),
        "mentor": item.mentor,
        "age_days": item.age_days,
        "line": item.line,
        "settled_by": item.status_path,
        "settled_on": item.status_date.isoformat() if item.status_date else None,
        "evidence": item.evidence,
        "evidence_line": item.evidence_line,
        "evidence_before": getattr(item, "evidence_before", None),
        "progress": [p.to_json() for p in item.progress],
        "status_source": getattr(item, "status_source", "notes"),
        "marked_on": item.marked_on.isoformat() if getattr(item, "marked_on", None) else None,
        "checkin": item.checkin.to_json() if getattr(item, "checkin", None) is not None else None,
    }
