"""Editing a drafted agenda as a list: move, reorder, edit, drop, add; and its Markdown for export or copy."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from coach.agent.agenda_rank import STALE_DAYS, own_words
from coach.ui.facts import age
from coach.ui.safe import note_label

SECTION_TITLES = {
    "agreed": "From the last session",
    "questions": "Your questions",
    "long_running": "Carried over",
    "suggested": "Suggested questions",
    "more": "Also open",
    "themes": "Recurring themes",
    "commitments": "Report back on",
}


def in_own_words(items) -> list:
    """The drafted items with a commitment's own words as their text: its age is shown beside it
    (`age_note`), never inside the text the user edits and saves."""
    out = []
    for item in items:
        commitment = getattr(item, "commitment", None)
        text = own_words(item.text, commitment)
        out.append(replace(item, text=text) if text != item.text else item)
    return out


def age_note(item) -> str:
    """How long a commitment has been open, shown after it: '  41 days', '  200 days · still relevant?'."""
    days = getattr(item, "age_days", None)
    if days is None:
        return ""
    return f"  {age(days)}" + (" · still relevant?" if days >= STALE_DAYS else "")


def section_title(section: str) -> str:
    return SECTION_TITLES.get(section, section.capitalize())


def move(items: list, index: int, delta: int) -> tuple[list, int]:
    """Swap with the neighbour in the same section; at a section's edge, join the next section instead."""
    target = index + delta
    if not (0 <= index < len(items)) or not (0 <= target < len(items)):
        return items, index
    out = list(items)
    if out[target].section != out[index].section:
        out[index] = replace(out[index], section=out[target].section)
        return out, index
    out[index], out[target] = out[target], out[index]
    return out, target


def edit(items: list, index: int, text: str) -> list:
    out = list(items)
    out[index] = replace(out[index], text=text)
    return out


def drop(items: list, index: int) -> list:
    return [item for i, item in enumerate(items) if i != index]


def add(items: list, index: int, text: str, section: str = "suggested") -> tuple[list, int]:
    """A new item after `index` (in its section), with no sources: the user wrote it."""
    if items and 0 <= index < len(items):
        template = items[index]
        new = _blank(template, text)
        return items[: index + 1] + [new] + items[index + 1 :], index + 1
    return list(items) + [_new_item(section, text)], len(items)


def _blank(template, text: str):
    fields: dict[str, object] = {"text": text}
    for name, empty in (("sources", ()), ("age_days", None)):
        if hasattr(template, name):
            fields[name] = empty
    return replace(template, **fields)


def _new_item(section: str, text: str):
    try:
        from coach.agent.agenda import AgendaItem

        return AgendaItem(section, text)
    except (ImportError, TypeError):
        return SimpleNamespace(section=section, text=text, sources=(), age_days=None)


def with_items(agenda, items: list):
    """The agenda with the edited items (agendas are dataclasses; anything else is updated in place)."""
    try:
        return replace(agenda, items=list(items))
    except TypeError:
        agenda.items = list(items)
        return agenda


def for_saving(items: list) -> list:
    """The items as the saved note should hold them: without the age the draft appends to a commitment
    ("… — open 8 days"), which is a reading of today, not the user's words (matched exactly, from
    the item's own age, never by a pattern)."""
    out = []
    for item in items:
        days = getattr(item, "age_days", None)
        text = item.text
        if days is not None:
            for tail in (f" — open {days} days", f" — open {days} day"):
                if tail in text:
                    text = text.replace(tail, "", 1)
                    break
        out.append(replace(item, text=text.strip(" —")) if text != item.text else item)
    return out


def source_line(item) -> str:
    """Where an item came from: 'from 2026-11-17 rosa.md, …' or 'added by you'."""
    sources = getattr(item, "sources", ()) or ()
    if not sources:
        return "Added by you." if getattr(item, "age_days", None) is None else ""
    parts = [note_label(getattr(s, "date", None), str(getattr(s, "path", s))) for s in sources]
    return "From " + "; ".join(parts)


def to_markdown(agenda, items: list) -> str:
    """The agenda as Markdown, grouped by section in the order the user left them."""
    mentor = getattr(agenda, "mentor", None)
    day = getattr(agenda, "date", None)
    title = f"Agenda for the next meeting with {mentor}" if mentor else "Agenda for the next meeting"
    lines = [f"# {title}" + (f" ({day.isoformat()})" if day else ""), ""]
    for section in dict.fromkeys(item.section for item in items):
        lines += [f"## {section_title(section)}", ""]
        lines += [f"- {item.text}" for item in items if item.section == section] + [""]
    return "\n".join(lines)
