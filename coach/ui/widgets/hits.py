"""How a search hit or an answer's source is shown: date · mentor · kind — title, then the snippet."""

from __future__ import annotations

from textual.content import Content

from coach.ui.safe import highlighted, one_line

ROLE_LABELS = {"reverse": "reverse mentoring", "mentor": "you mentor"}


def hit_label(hit) -> str:
    """`2026-09-15 · Rosa Delgado · session` for a note (plus `reverse mentoring` / `you mentor` when the
    note says whose mentoring it records), `principle` for the library."""
    if hit.source == "knowledge":
        return "principle"
    role = ROLE_LABELS.get(getattr(hit, "role", None) or "")
    return " · ".join(part for part in (hit.date, person(hit), hit.kind, role) if part)


def person(hit) -> str | None:
    """The mentor as one person however this note spells them ("Dr Helen O-S" -> "Helen Okonkwo-Shaw")."""
    return getattr(hit, "person", None) or hit.mentor


def hit_prompt(hit, width: int = 120) -> Content:
    """Two lines: the label and title, then the snippet with the query's words highlighted."""
    head = Content.assemble((hit_label(hit), "$text-muted"), " — ", (one_line(hit.title or hit.path, width), "bold"))
    return Content.assemble(head, "\n", highlighted(hit.snippet or hit.text, hit.matches))


def source_prompt(hit) -> Content:
    """One compact line for the sources pane."""
    if hit.source == "knowledge":
        return Content.assemble(("principle ", "$text-muted"), one_line(hit.title or hit.path, 60))
    label = " · ".join(part for part in (hit.date, person(hit)) if part)
    return Content.assemble((label, "bold"), "\n", one_line(hit.title or hit.path, 60))
