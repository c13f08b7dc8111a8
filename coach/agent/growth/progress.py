"""`coach progress`: the growth mirror assembled — timeline, then-and-now pairs, kept commitments, the mentor's
words, what the user taught and mentors, and the next appropriate step; every item cites its notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from coach.agent.embed_cache import cached_embed
from coach.agent.growth.commitment_pairs import kept_commitment_pairs
from coach.agent.growth.commitment_tally import CommitmentTally, tally_commitments
from coach.agent.growth.mentor_words import MentorWords, mentor_words
from coach.agent.growth.next_step import NextStep, growth_topics, next_steps, open_topics, theme_topics
from coach.agent.growth.relationships import RoleNote, notes_with_role, roles_by_path
from coach.agent.growth.statements import mentee_notes
from coach.agent.growth.then_and_now import Pair, then_and_now
from coach.agent.growth.timeline import Month, timeline
from coach.agent.people import people_of
from coach.agent.session_notes import resolve_mentor
from coach.agent.themes import Theme, find_themes, themes_within
from coach.agent.tracking import tracked_commitments
from coach.notes.model import Note


@dataclass
class Progress:
    """Evidence of growth over a period, from the notes only."""

    since: date | None
    until: date
    mentor: str | None
    sessions: int = 0
    themes: list[Theme] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    commitments: CommitmentTally = field(default_factory=CommitmentTally)
    words: list[MentorWords] = field(default_factory=list)
    mentors: list[str] = field(default_factory=list)
    """Every mentor who appears in the period: each gets a section of their words (maybe empty)."""
    taught: list[RoleNote] = field(default_factory=list)
    mentoring: list[RoleNote] = field(default_factory=list)
    steps: list[NextStep] = field(default_factory=list)
    months: list[Month] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    """path -> role of every note, so every citation can say whose mentoring it records."""

    def to_json(self) -> dict:
        return {
            "since": self.since.isoformat() if self.since else None, "until": self.until.isoformat(),
            "mentor": self.mentor, "sessions": self.sessions,
            "then_and_now": [self._labelled_pair(p) for p in self.pairs],
            "promises": self.commitments.to_json(),
            "mentor_words": [w.to_json() for w in self.words],
            "mentors": list(self.mentors),
            "taught": [n.to_json() for n in self.taught],
            "mentoring": [n.to_json() for n in self.mentoring],
            "next_steps": [self._labelled_step(s) for s in self.steps],
            "timeline": [m.to_json() for m in self.months],
            "themes": [self._labelled_theme(t) for t in self.themes],
        }

    def role_of(self, path: str) -> str:
        return self.roles.get(path, "mentee")

    def _labelled_theme(self, theme: Theme) -> dict:
        notes = [{"path": p, "date": d.isoformat(), "role": self.role_of(p)} for p, d in zip(theme.notes, theme.dates)]
        return {"label": theme.label, "first": theme.first.isoformat(), "last": theme.last.isoformat(), "notes": notes}

    def _labelled_pair(self, pair: Pair) -> dict:
        data = pair.to_json()
        for side in ("then", "now"):
            data[side]["role"] = self.role_of(data[side]["path"])
        return data

    def _labelled_step(self, step: NextStep) -> dict:
        data = step.to_json()
        for source in data["sources"]:
            if source["source"] == "notes":
                source["role"] = self.role_of(source["path"])
        return data


def _in_period(notes: list[Note], since: date | None, today: date) -> list[Note]:
    return [n for n in notes if n.date <= today and (since is None or n.date >= since)]


def build_progress(service, since: date | None = None, notes: list[Note] | None = None) -> Progress:
    """Everything the growth mirror shows, for notes dated from `since` (default: all) to service.today.
    Callers that have scanned the folder already pass its notes (one scan per command)."""
    today = service.today
    notes = service.notes() if notes is None else notes
    mentor = resolve_mentor([n for n in notes if n.role != "mentor"], None, today, strict=False)
    tracked = tracked_commitments(service, notes=notes)
    period = _in_period(notes, since, today)
    themes = themes_within(find_themes(service, notes), {n.path for n in period})
    progress = Progress(since, today, mentor, roles=roles_by_path(notes), themes=themes)
    progress.sessions = sum(1 for n in period if n.kind == "session" and n.role != "mentor")
    people = people_of(notes)
    names = frozenset(w for w, who in people.words.items() if who in people.mentors)
    progress.pairs = then_and_now(themes, period, cached_embed(service),
                                  kept_commitment_pairs(tracked, mentee_notes(period)), names=names)
    progress.commitments = tally_commitments(tracked, since)
    progress.words = mentor_words(period, people)
    met = {people.note_person(n) for n in period if n.role != "mentor"} | {w.mentor for w in progress.words}
    progress.mentors = [m for m in people.mentors if m in met]
    progress.taught = notes_with_role(notes, "reverse", since)
    progress.mentoring = notes_with_role(notes, "mentor", since)
    progress.months = timeline(notes, tracked, since, today)
    moved = {p.theme for p in progress.pairs}

    def mentor_of(spelling: str | None) -> str | None:
        person = people.person_of(spelling)
        return person if person in people.mentors else None

    progress.steps = next_steps(service.principles, mentor, growth_topics(progress.pairs),
                                open_topics(progress.commitments.longest_open, mentor_of), theme_topics(themes, moved))
    return progress
