"""`coach actions`: the commitments in the notes, tracked across sessions, for the service facade."""

from __future__ import annotations

from coach.agent.actions import NOT_CLOSED, STATUSES, TrackedCommitment, track_commitments
from coach.agent.embed_cache import cached_embed
from coach.agent.marks import MarkedCommitment, apply_marks, load_marks
from coach.agent.writer import is_generated
from coach.errors import CoachError
from coach.notes.model import Note


def trackable(notes: list[Note]) -> list[Note]:
    """Notes whose commitments count: coach's own agendas and reviews only repeat earlier ones."""
    return [n for n in notes if not (is_generated(n) and n.kind in ("agenda", "review"))]


def tracked_actions(
    service, status: str | None = None, notes: list[Note] | None = None
) -> list[MarkedCommitment]:
    """Every commitment with its status as of service.today (the user's marks win over the notes'),
    optionally only one status: "open" means not closed (open or maybe_done, which waits for the
    user's word). Callers that have scanned the folder already pass its notes (one scan per command)."""
    if status is not None and status not in STATUSES:
        raise CoachError(f"status must be one of {', '.join(STATUSES)} (got {status!r}).")
    notes = trackable(service.notes() if notes is None else notes)
    inferred = track_commitments(notes, service.today, cached_embed(service))
    tracked = apply_marks(inferred, load_marks(service.settings), service.today)
    wanted = NOT_CLOSED if status == "open" else {status}
    return [t for t in tracked if status is None or t.status in wanted]


def action_json(item: TrackedCommitment) -> dict:
    """The stable `coach actions --json` shape for one commitment."""
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
        "progress": [p.to_json() for p in item.progress],
        "status_source": getattr(item, "status_source", "notes"),
        "marked_on": item.marked_on.isoformat() if getattr(item, "marked_on", None) else None,
    }
