"""`coach reflect`: a framework's stages as questions informed by the notes, saved as a new reflection note.

Everything here is deterministic: the stages are data, the notes' context (last session, its open
commitments, a recurring theme) is found by code and put into fixed templates. The chat model is
not used; a stronger model could rephrase the questions without changing what they point at."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from coach.agent.checkins import CheckIn, check_choices, checkin_section, last_session_checkins, record
from coach.agent.note_writer import GENERATOR, SavedNote, file_name, front_matter, write_new_note
from coach.agent.people import first_name
from coach.agent.phrasing import quoted, short
from coach.agent.session_notes import resolve_mentor, sessions
from coach.agent.themes import Theme, find_themes
from coach.agent.tracking import tracked_commitments
from coach.errors import CoachError
from coach.notes.commitments import extract_commitments
from coach.notes.model import Note
from coach.notes.provenance import callout, strip_callouts
from coach.retrieval.search import mentor_matches

NO_ANSWER = "(no answer)"
_SEPARATOR = re.compile(r"^[ \t]*---[ \t]*$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Stage:
    """One stage of a framework: its name, its question, and which notes context informs it."""

    name: str
    question: str
    hook: str = ""
    """"progress" (last session's open commitments), "theme" (a recurring theme),
    "commit" (an older open commitment), or "" for none."""


@dataclass(frozen=True)
class Framework:
    key: str
    title: str
    stages: tuple[Stage, ...]


FRAMEWORKS: dict[str, Framework] = {
    "rolfe": Framework("rolfe", "Rolfe: What? So what? Now what?", (
        Stage("What?", "What happened in the meeting? Who said what, what did you do, what came of it?", "progress"),
        Stage("So what?", "Why does it matter? What does it tell you about your skills, assumptions or situation?",
              "theme"),
        Stage("Now what?", "What will you do next? Write each commitment as “I will …”, with a date.", "commit"),
    )),
    "gibbs": Framework("gibbs", "Gibbs' reflective cycle", (
        Stage("Description", "What happened? Set out the facts before judging them.", "progress"),
        Stage("Feelings", "What were you thinking and feeling before, during and after?"),
        Stage("Evaluation", "What went well, and what went poorly?"),
        Stage("Analysis", "Why did things unfold that way? What habits or assumptions were at work?", "theme"),
        Stage("Conclusion", "What have you learned? What else could you have done?"),
        Stage("Action plan", "If it happened again, what would you do? Write each step as “I will …”.", "commit"),
    )),
    "grow": Framework("grow", "GROW: Goal, Reality, Options, Way forward", (
        Stage("Goal", "What do you want to achieve, from this meeting and more broadly?", "theme"),
        Stage("Reality", "Where are you now? What have you tried, what helps, what is in the way?", "progress"),
        Stage("Options", "What could you do? List at least three options before choosing."),
        Stage("Way forward", "What will you actually do, and by when? Write each as “I will …”.", "commit"),
    )),
}


@dataclass(frozen=True)
class Context:
    """A note (or passage) a question draws on."""

    path: str
    date: str | None
    snippet: str

    def to_json(self) -> dict:
        return {"path": self.path, "date": self.date, "snippet": self.snippet}


@dataclass(frozen=True)
class Question:
    stage: str
    question: str
    context: tuple[Context, ...] = ()

    def to_json(self) -> dict:
        return {"stage": self.stage, "question": self.question, "context": [c.to_json() for c in self.context]}


@dataclass
class ReflectionFlow:
    """The questions of one reflection, in stage order, ready to be answered."""

    framework: str
    mentor: str | None
    date: date
    questions: list[Question] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    """Asked first, one by one: the last session's open commitments ("Did you …? done / not yet / dropped")."""

    @property
    def stages(self) -> list[str]:
        return [q.stage for q in self.questions]

    def to_json(self) -> dict:
        return {"framework": self.framework, "mentor": self.mentor, "date": self.date.isoformat(),
                "checkins": [c.to_json() for c in self.checkins],
                "questions": [q.to_json() for q in self.questions]}


# --------------------------------------------------------------------------- questions


@dataclass
class _Notes:
    """What the hooks draw on, gathered once."""

    mentor: str | None
    last: Note | None
    open_items: list
    theme: Theme | None
    by_path: dict[str, Note]
    asked: frozenset[str] = frozenset()
    """Ids of the commitments the check-ins ask about: the hooks do not ask about them again."""


def _gather(service, mentor: str | None) -> _Notes:
    notes = service.notes()
    mentor = resolve_mentor(notes, mentor, service.today, strict=False)
    # The meeting being reflected on has no note yet: "last time" is the latest earlier session.
    past = [n for n in sessions(notes, service.today) if n.date < service.today and mentor_matches(mentor, n.mentor)]
    mine = [t for t in tracked_commitments(service, "open", notes) if t.mentor is None or mentor_matches(mentor, t.mentor)]
    themes = sorted(find_themes(service, notes), key=lambda t: (t.last, len(t.notes)), reverse=True)
    return _Notes(mentor, past[-1] if past else None, mine, themes[0] if themes else None,
                  {n.path: n for n in notes})


def _said(item, mentor: str | None) -> str:
    """Who said the commitment, in words: 'Ade suggested', 'you said you would'."""
    if item.style == "suggested":
        return f"{first_name(mentor)} suggested"
    return "you said you would" if item.owner == "me" else f"{item.owner} said they would"


def _said_all(items: list, mentor: str | None) -> str:
    """'you said you would “A” and “B”; Ade suggested “C”' — one phrase per speaker, in order."""
    by_speaker: dict[str, list[str]] = {}
    for item in items:
        by_speaker.setdefault(_said(item, mentor), []).append(quoted(item.text))
    return "; ".join(f"{who} {' and '.join(texts)}" for who, texts in by_speaker.items())


def _progress(found: _Notes) -> tuple[str, tuple[Context, ...]]:
    if found.last is None:
        return "", ()
    last = found.last
    items = [t for t in found.open_items if t.path == last.path and getattr(t, "id", "") not in found.asked][:2]
    when = f"Last time ({last.date.isoformat()})"
    if not items:
        return (f" {when} your notes were about {quoted(last.title)} — did that come up again?",
                (Context(last.path, last.date.isoformat(), short(last.body, 200)),))
    said = _said_all(items, found.mentor)
    context = tuple(Context(t.path, t.date.isoformat(), t.text) for t in items)
    return f" {when} {said} — did that come up?", context


def _theme_snippet(note: Note, theme: Theme) -> str:
    words = [w.lower() for w in theme.terms]
    line = next((ln for ln in note.body.split("\n") if any(w in ln.lower() for w in words)), note.body)
    return short(line.lstrip("#-*> "), 200)


def _theme(found: _Notes) -> tuple[str, tuple[Context, ...]]:
    theme = found.theme
    if theme is None:
        return "", ()
    recent = [found.by_path[p] for p in theme.notes[-2:] if p in found.by_path]
    text = (f" A theme that keeps coming up in your notes is {quoted(theme.label)} ({len(theme.notes)} notes, "
            f"{theme.first.isoformat()} to {theme.last.isoformat()}) — did it come up again?")
    return text, tuple(Context(n.path, n.date.isoformat(), _theme_snippet(n, theme)) for n in recent)


def _commit(found: _Notes) -> tuple[str, tuple[Context, ...]]:
    last_path = found.last.path if found.last else None
    older = sorted((t for t in found.open_items if t.path != last_path and getattr(t, "id", "") not in found.asked),
                   key=lambda t: (t.date, t.line))
    if not older:
        return "", ()
    oldest = older[0]
    return (f" Still open after {oldest.age_days} days: {quoted(oldest.text)} — keep it, finish it or drop it?",
            (Context(oldest.path, oldest.date.isoformat(), oldest.text),))


_HOOKS = {"progress": _progress, "theme": _theme, "commit": _commit}


def framework(key: str) -> Framework:
    if key not in FRAMEWORKS:
        raise CoachError(f"Unknown framework {key!r}: choose one of {', '.join(FRAMEWORKS)}.")
    return FRAMEWORKS[key]


def start_reflection(service, framework_key: str = "rolfe", mentor: str | None = None) -> ReflectionFlow:
    """The framework's questions, each with what the notes say about it."""
    chosen = framework(framework_key)
    found = _gather(service, mentor)
    flow = ReflectionFlow(chosen.key, found.mentor, service.today)
    flow.checkins = last_session_checkins(found.open_items, found.last.path if found.last else None)
    found.asked = frozenset(c.id for c in flow.checkins)
    for stage in chosen.stages:
        extra, context = _HOOKS[stage.hook](found) if stage.hook else ("", ())
        flow.questions.append(Question(stage.name, stage.question + extra, context))
    return flow


# --------------------------------------------------------------------------- answers and saving


def split_answers(text: str) -> list[str]:
    """Answers from a file: blocks separated by lines holding only `---` when there are any
    (an empty block skips a stage; separators at the very start or end are ignored), otherwise
    paragraphs separated by blank lines."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise CoachError("The answers file is empty: write one answer per stage.", "No answers")
    if _SEPARATOR.search(text):
        blocks = [b.strip() for b in _SEPARATOR.split(text)]
        while blocks and not blocks[0]:
            blocks.pop(0)
        while blocks and not blocks[-1]:
            blocks.pop()
        return blocks
    return [b.strip() for b in _BLANK_LINES.split(text) if b.strip()]


def check_answers(framework_key: str, answers: list[str]) -> list[str]:
    """Exactly one answer per stage (an empty one means 'skipped'), and at least one not empty."""
    stages = [stage.name for stage in framework(framework_key).stages]
    if len(answers) != len(stages):
        raise CoachError(
            f"Got {len(answers)} answer(s) but {framework_key} has {len(stages)} stages ({', '.join(stages)}). "
            "Give one answer per stage, separated by lines holding only ---; leave a block empty to skip a stage.",
            "Wrong number of answers",
        )
    if not any(a.strip() for a in answers):
        raise CoachError("Every answer is empty: there is nothing to save.", "No answers")
    return [a.strip() for a in answers]


def _title(flow: ReflectionFlow) -> str:
    who = f"meeting {flow.mentor}" if flow.mentor else "a meeting"
    return f"Reflection after {who} ({FRAMEWORKS[flow.framework].title.split(':')[0]})"


def _body(flow: ReflectionFlow, answers: list[str], answered: dict[str, str] | None = None) -> str:
    """The check-ins, then one section per stage: coach's question in a coach callout (so it is never read as
    the user's words, see coach.notes.provenance), then the answer."""
    parts = [f"# {_title(flow)}\n"]
    if flow.checkins:
        parts.append(checkin_section(flow.checkins, answered or {}))
    for question, answer in zip(flow.questions, answers):
        asked = callout("coach asked", question.question)
        parts.append(f"## {question.stage}\n\n{asked}\n\n{answer or callout('', NO_ANSWER)}\n")
    return "\n".join(parts)


def stated_commitments(flow: ReflectionFlow, body: str) -> list[str]:
    """What the user committed to in their answers, found by the same rules as every other note."""
    note = Note("reflection.md", _title(flow), strip_callouts(body), flow.date, "front_matter", flow.mentor,
                "reflection")
    return [c.text if c.owner == "me" else f"{c.owner}: {c.text}" for c in extract_commitments(note)]


def reflection_text(flow: ReflectionFlow, answers: list[str], answered: dict[str, str] | None = None
                    ) -> tuple[str, list[str]]:
    """The note's full text and the commitments it lists; `answered` holds the check-ins' choices by id."""
    body = _body(flow, answers, answered)
    commitments = stated_commitments(flow, body)
    listed = "\n".join(f"- [ ] {c}" for c in commitments) or "> No commitments stated."
    head = front_matter({"date": flow.date, "mentor": flow.mentor, "kind": "reflection",
                         "framework": flow.framework, "title": _title(flow), "created_by": GENERATOR})
    return f"{head}\n{body}\n## Commitments\n\n{listed}\n", commitments


def save_reflection(service, flow: ReflectionFlow, answers: list[str], *, checkins: dict[str, str | None] | None = None,
                    index: bool = True) -> SavedNote:
    """Write the reflection as a new note (a taken name gets a suffix) and (unless `index=False`) index it.
    `checkins` maps a check-in's id to "done", "not yet" or "dropped" (or None: skipped); each answer is
    recorded as a mark whose evidence is this note (see coach.agent.checkins)."""
    answered = check_choices(flow.checkins, dict(checkins or {}))
    text, commitments = reflection_text(flow, check_answers(flow.framework, list(answers)), answered)
    name = file_name(flow.date, "reflection", flow.mentor or flow.framework)
    path = write_new_note(service, name, text, index=index)
    changes = record(service, flow.checkins, answered, path, text)
    return SavedNote(path, "reflection", commitments, flow.framework, changes)
