"""The review as a Markdown note. Quotes go in blockquotes and headings avoid "actions"/"next steps", so coach
never reads its own review back as new commitments or themes."""

from __future__ import annotations

from datetime import date

from coach.agent.growth.review import PASS_ON_PRINCIPLE, ROLE_LABELS, Review
from coach.agent.note_writer import GENERATOR, SavedNote, file_name, front_matter, write_new_note
from coach.agent.people import first_name
from coach.agent.phrasing import quoted


def _cite(progress, path: str, day: str | None) -> str:
    role = ROLE_LABELS.get(progress.role_of(path))
    return f"{day + ', ' if day else ''}{path}" + (f" ({role})" if role else "")


def _period(review: Review) -> str:
    start = review.period_from.isoformat() if review.period_from else "the first note"
    return f"{start} to {review.progress.until.isoformat()}"


def _then_and_now(review: Review) -> list[str]:
    lines = []
    for pair in review.progress.pairs:
        lines += [f"**{pair.theme}** — from {pair.then.stance} to {pair.now.stance}", "",
                  f"> Then: {quoted(pair.then.text)} — {_cite(review.progress, pair.then.path, pair.then.date.isoformat())}",
                  ">",
                  f"> Now: {quoted(pair.now.text)} — {_cite(review.progress, pair.now.path, pair.now.date.isoformat())}",
                  ""]
    return lines or ["> No then-and-now pair the notes support yet.", ""]


def _kept_commitments(review: Review) -> list[str]:
    commitments = review.progress.commitments
    t = commitments.totals
    lines = [f"Made {t.made}, kept {t.done}, let go {t.dropped}, still open {t.open}.", ""]
    lines += [f"- With {mentor}: made {tally.made}, kept {tally.done}, still open {tally.open}"
              for mentor, tally in sorted(commitments.by_mentor.items())]
    for item, step in commitments.longest_open:
        lines += ["", f"> {quoted(item.text)} — {_cite(review.progress, item.path, item.date.isoformat())}. {step}"]
    return lines + [""]


def _words(review: Review) -> list[str]:
    """One section per mentor who appears in the period, each quote cited."""
    progress = review.progress
    mentors = list(progress.mentors) or sorted({w.mentor for w in progress.words})
    lines: list[str] = []
    for mentor in mentors:
        quotes = [f"> {quoted(w.quote)} — {first_name(w.mentor)}"
                  + (" (as I noted it)" if w.form == "reported" else "")
                  + f", {_cite(progress, w.path, w.date.isoformat())}" for w in progress.words if w.mentor == mentor]
        lines += [f"**{mentor}**", ""] + [line for entry in quotes for line in (entry, "")]
        if not quotes:
            lines += ["> None quoted in the notes of this period.", ""]
    return lines or ["> None quoted in the notes of this period.", ""]


def _taught(review: Review) -> list[str]:
    notes = review.progress.taught + review.progress.mentoring
    lines = [f"- {n.date.isoformat()} {n.title} — {n.path} ({ROLE_LABELS[n.role]})" for n in notes]
    return (lines or ["> No reverse-mentoring or mentoring notes in this period."]) + [""]


def _steps(review: Review) -> list[str]:
    lines = []
    for step in review.progress.steps:
        where = "; ".join(_cite(review.progress, s.path, s.date) if s.origin == "notes" else f"principle: {s.path}"
                          for s in step.sources)
        lines += [f"- {step.text}", f"  _from {where}_"]
    return (lines or ["> Nothing to suggest from the notes yet."]) + [""]


def _themes(review: Review) -> list[str]:
    return [f"- {t.label} — {len(t.notes)} notes, {t.first.isoformat()} to {t.last.isoformat()}"
            for t in review.progress.themes[:6]] + [""]


def review_text(review: Review) -> str:
    """The whole review note, front matter first."""
    progress, who = review.progress, first_name(review.mentor) if review.mentor else "your mentor"
    title = f"Review: {_period(review)}"
    head = front_matter({"date": progress.until, "kind": "review", "title": title, "mentor": review.mentor,
                         # A copy of the date: the same object twice would be written as a YAML alias.
                         "period_from": review.period_from, "period_to": date.fromordinal(progress.until.toordinal()),
                         "sessions": progress.sessions, "created_by": GENERATOR})
    parts = [head, f"# {title}", "", f"Period covered: {_period(review)} · {progress.sessions} sessions", "",
             "## Themes", "", *_themes(review), "## Then and now", "", *_then_and_now(review),
             "## Kept commitments", "", *_kept_commitments(review), "## What your mentors saw", "", *_words(review),
             "## What you taught", "", *_taught(review), "## What you could pass on", "",
             *[f"- {line}" for line in review.pass_on], f"  _principle: {PASS_ON_PRINCIPLE}_", "",
             f"## Something to take to {who}", "", *_steps(review),
             "## Questions about the next stage", "",
             *[f"- {quoted(q)}  \n  _principle: {p}_" for q, p in review.questions], ""]
    return "\n".join(parts)


def save_review(service, review: Review) -> SavedNote:
    """Write the review as a new note (never overwriting) and index it at once."""
    start = review.period_from.isoformat() if review.period_from else None
    subject = f"{start} to {review.progress.until.isoformat()}" if start else f"up to {review.progress.until.isoformat()}"
    name = file_name(review.progress.until, "review", subject)
    return SavedNote(write_new_note(service, name, review_text(review)), "review")
