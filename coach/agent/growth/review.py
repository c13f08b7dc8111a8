"""`coach review`: a periodic development check-in written from the growth mirror — period, sessions,
themes, then and now, commitments, the mentor's words, what you taught, what you could pass on, next steps and
questions about the next stage. Saved as a new note (kind: review), atomically, then indexed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from coach.agent.growth.progress import Progress, build_progress
from coach.notes.model import Note
from coach.notes.provenance import is_coach_written

# Principles about the relationship's next stage: their questions close the review.
NEXT_STAGE = ("next-appropriate-step.md", "setting-relationship-goals.md", "ending-or-renewing.md")
PASS_ON_PRINCIPLE = "paying-it-forward.md"
# A move this far (e.g. worry to action) is worth passing on; at most this many are named.
PASS_ON_MOVEMENT = 2
MAX_PASS_ON = 3
ROLE_LABELS = {"reverse": "reverse mentoring: you taught", "mentor": "you were the mentor"}


@dataclass
class Review:
    progress: Progress
    period_from: date | None
    questions: list[tuple[str, str]] = field(default_factory=list)
    """(question, principle path) about the next stage."""
    pass_on: list[str] = field(default_factory=list)

    @property
    def mentor(self) -> str | None:
        return self.progress.mentor

    def to_json(self) -> dict:
        period = {"from": self.period_from.isoformat() if self.period_from else None,
                  "to": self.progress.until.isoformat()}
        return {"period": period, **self.progress.to_json(), "pass_on": self.pass_on,
                "questions": [{"question": q, "principle": p} for q, p in self.questions]}


def last_review(notes: list[Note], before: date | None = None) -> Note | None:
    """The latest review coach saved (before a day, when given): the next review starts the day after it."""
    found = [n for n in notes if n.kind == "review" and is_coach_written(n) and (before is None or n.date < before)]
    return max(found, key=lambda n: (n.date, n.path)) if found else None


def _stage_questions(library) -> list[tuple[str, str]]:
    by_path = library.by_path()
    return [(by_path[path].questions[0], path) for path in NEXT_STAGE if path in by_path]


def _pass_on(progress: Progress) -> list[str]:
    """What the user could pass on: where they moved furthest, and what they already teach."""
    moved = [p for p in progress.pairs if p.movement >= PASS_ON_MOVEMENT][:MAX_PASS_ON]
    found = [f"You went from {p.then.stance} to {p.now.stance} on {p.theme} ({p.then.date.isoformat()} to "
             f"{p.now.date.isoformat()}): someone a step behind you could use what helped." for p in moved]
    if progress.taught:
        found.append(f"You already teach: {len(progress.taught)} reverse-mentoring session(s) "
                     f"({', '.join(n.title for n in progress.taught[:3])}).")
    if progress.mentoring:
        people = sorted({n.person for n in progress.mentoring if n.person})
        found.append(f"You mentor {', '.join(people) or 'someone'} ({len(progress.mentoring)} notes).")
    return found


def build_review(service, since: date | None = None) -> Review:
    """The review for `since` (default: the day after the last saved review, else everything)."""
    notes = service.notes()
    if since is None:
        # A review redone on the day of the last one covers the same period, not "tomorrow to today".
        last = last_review(notes, before=service.today)
        since = last.date + timedelta(days=1) if last else None
    progress = build_progress(service, since, notes)
    return Review(progress, since, _stage_questions(service.principles), _pass_on(progress))
