"""Kept commitments: commitments made, done, dropped and still open, per month and per mentor, and the
longest-open ones named kindly with a next step to take."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from coach.agent.people import first_name

LONGEST_OPEN = 3
STATUSES = ("done", "dropped", "open")


@dataclass
class Tally:
    """Commitments made in a period (or with a mentor) and how each ended up."""

    made: int = 0
    done: int = 0
    dropped: int = 0
    open: int = 0

    def add(self, status: str) -> None:
        self.made += 1
        status = "open" if status == "maybe_done" else status  # not closed until the user confirms
        setattr(self, status, getattr(self, status) + 1)

    def to_json(self) -> dict:
        return {"made": self.made, "done": self.done, "dropped": self.dropped, "open": self.open}


@dataclass
class CommitmentTally:
    totals: Tally = field(default_factory=Tally)
    by_month: dict[str, Tally] = field(default_factory=dict)
    by_mentor: dict[str, Tally] = field(default_factory=dict)
    longest_open: list = field(default_factory=list)
    """(TrackedCommitment, suggested next step), oldest first."""

    def to_json(self) -> dict:
        return {
            "totals": self.totals.to_json(),
            "by_month": [{"month": m} | t.to_json() for m, t in sorted(self.by_month.items())],
            "by_mentor": [{"mentor": m} | t.to_json() for m, t in sorted(self.by_mentor.items())],
            "longest_open": [{"text": t.text, "path": t.path, "date": t.date.isoformat(), "mentor": t.mentor,
                              "age_days": t.age_days, "next_step": step} for t, step in self.longest_open],
        }


def month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def gentle_step(item) -> str:
    """A kind, concrete suggestion for a commitment that has stayed open a long time."""
    who = first_name(item.mentor) if item.mentor else "your mentor"
    return (f"It has been open {item.age_days} days — that happens. Next time, tell {who} where it stands: "
            "do it this week, make it smaller, or let it go on purpose.")


def tally_commitments(tracked: list, since: date | None = None) -> CommitmentTally:
    """Tallies over the mentee's own commitments made on or after `since`."""
    found = CommitmentTally()
    by_month: dict[str, Tally] = defaultdict(Tally)
    by_mentor: dict[str, Tally] = defaultdict(Tally)
    mine = [t for t in tracked if t.owner == "me" and (since is None or t.date >= since)]
    for item in mine:
        found.totals.add(item.status)
        by_month[month(item.date)].add(item.status)
        by_mentor[item.mentor or "no mentor named"].add(item.status)
    found.by_month, found.by_mentor = dict(by_month), dict(by_mentor)
    stale = sorted((t for t in mine if t.status == "open"), key=lambda t: (-t.age_days, t.path, t.line))
    found.longest_open = [(t, gentle_step(t)) for t in stale[:LONGEST_OPEN]]
    return found
