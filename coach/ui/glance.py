"""Which open commitments Home shows at a glance: those made since the last session, then the oldest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

RECENT_MAX = 3
"""At most this many from the last session, so the oldest still get room."""


@dataclass(frozen=True)
class Glance:
    """The picked commitments, in display order, and how many open ones are left out."""

    recent: list = field(default_factory=list)
    oldest: list = field(default_factory=list)
    more: int = 0


def pick_open(items: list, since: date | None, rows: int) -> Glance:
    """Fill `rows` lines: a heading and the commitments dated on or after `since` (the last session),
    newest first; a heading and the longest-open others (yours before other people's commitments); one line
    saying how many more there are."""
    recent = sorted((i for i in items if since is not None and i.date >= since), key=lambda i: i.date, reverse=True)
    # Your own first: another person's commitment ("Kwame: …") is not yours to do, so it waits behind yours.
    oldest = sorted((i for i in items if i not in recent), key=lambda i: (not _mine(i), -i.age_days))
    headings = int(bool(recent)) + int(bool(recent) and bool(oldest))
    room = rows - headings
    if len(items) > room:
        room -= 1  # the "and N more" line
    take_recent = min(len(recent), RECENT_MAX if oldest else room, room)
    take_oldest = min(len(oldest), room - take_recent)
    shown = take_recent + take_oldest
    return Glance(recent[:take_recent], oldest[:take_oldest], len(items) - shown)


def _mine(item) -> bool:
    return getattr(item, "owner", "me") in (None, "", "me")


def owned_text(item) -> str:
    """A commitment as a row shows it: the mentee's own in their words, anyone else's behind their name
    ("Kwame: send the marking policy"), so another person's commitment never reads as the mentee's."""
    owner = getattr(item, "owner", "me")
    return item.text if owner in (None, "", "me") else f"{owner}: {item.text}"
