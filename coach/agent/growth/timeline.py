"""The growth timeline: sessions held and commitments made / done, month by month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coach.agent.growth.commitment_tally import month
from coach.notes.model import Note


@dataclass(frozen=True)
class Month:
    month: str
    sessions: int
    made: int
    done: int

    def to_json(self) -> dict:
        return {"month": self.month, "sessions": self.sessions, "made": self.made, "done": self.done}


def _months(first: date, last: date) -> list[str]:
    """Every month from first to last inclusive, so quiet months show as zero."""
    found, year, number = [], first.year, first.month
    while (year, number) <= (last.year, last.month):
        found.append(f"{year:04d}-{number:02d}")
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return found


def timeline(notes: list[Note], tracked: list, since: date | None, today: date) -> list[Month]:
    """Sessions (the user's own, mentee or reverse) and the user's commitments per month."""
    sessions = [n for n in notes if n.kind == "session" and n.role != "mentor" and n.date <= today
                and (since is None or n.date >= since)]
    mine = [t for t in tracked if t.owner == "me" and (since is None or t.date >= since)]
    days = [n.date for n in sessions] + [t.date for t in mine]
    if not days:
        return []
    counts = {m: [0, 0, 0] for m in _months(min(days), max(days))}
    for note in sessions:
        counts.setdefault(month(note.date), [0, 0, 0])[0] += 1
    for item in mine:
        counts.setdefault(month(item.date), [0, 0, 0])[1] += 1
        if item.status == "done" and item.status_date is not None:
            key = month(item.status_date)
            if key in counts:
                counts[key][2] += 1
    return [Month(m, *values) for m, values in sorted(counts.items())]
