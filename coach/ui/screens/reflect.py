"""Reflect: first "Did you …?" for each of the last session's open commitments (done / not yet / dropped, a
choice, never free text), then one question at a time with the related notes beside it, then a rendered
preview to save or edit. Saving records the check-in answers as marks (their evidence: the new note), with
`u` to undo them."""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import TYPE_CHECKING

from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Markdown, OptionList, Select, Static
from textual.widgets.option_list import Option

from coach.ui import keymap
from coach.ui.reflection import FRAMEWORKS, preview_markdown, saved_title
from coach.ui.safe import clean, note_label, one_line, plain
from coach.ui.screens.base import CoachScreen
from coach.ui.widgets.answer_area import AnswerArea
from coach.ui.widgets.checkin_choices import REFUSED, CheckinChoices

if TYPE_CHECKING:
    from coach.agent.reflect import ReflectionFlow

CHECKIN_CHOICES = (("done", "done"), ("not_yet", "not yet"), ("dropped", "dropped"), ("skip", "skip — don't say"))
CHECKIN_HINT = "↑↓ choose · enter records it · ctrl+b previous · esc leave"


class ReflectScreen(CoachScreen):
    """Phases: loading → checkin (commitment i) → asking (step i) → preview → saved. Answers live here until
    the user saves."""

    SCREEN_TITLE = "reflect"
    KEYMAP_SCOPE = "reflect"
    BINDINGS = keymap.bindings(KEYMAP_SCOPE)
    UNSAVED_WARNING = "Press esc again to leave without saving this reflection."

    def __init__(self) -> None:
        super().__init__()
        self.flow: ReflectionFlow | None = None
        self.answers: list[str] = []
        self.checkin_answers: dict[str, str | None] = {}
        self.checkin_step = 0
        self.step = 0
        self.phase = "loading"
        self.saved = None

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="reflect-head"):
            yield Select(FRAMEWORKS, value="rolfe", allow_blank=False, id="framework")
            yield Select([], prompt="any mentor", id="mentor")
            yield Static("", id="step", classes="status", markup=False)
        with Horizontal(id="reflect-body"):
            with Vertical(id="question-pane"):
                yield Static("Gathering what your notes say…", id="stage", markup=False)
                yield Static("", id="question", markup=False)
                yield CheckinChoices(*(Option(label, id=key) for key, label in CHECKIN_CHOICES), id="checkin-choices")
                yield AnswerArea(id="answer")
            yield VerticalScroll(id="related")
        with VerticalScroll(id="preview"):
            yield Markdown("", id="preview-md", open_links=False)
        yield Static("enter next · ctrl+j new line · ctrl+b previous · esc leave", id="reflect-hint",
                     classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#preview").display = False
        self.query_one("#checkin-choices").display = False
        facts = self.app.home_facts
        mentors: list[str] = facts.mentors if facts else []
        mentees = [m for m in (getattr(facts, "mentees", []) if facts else []) if m not in mentors]
        select = self.query_one("#mentor", Select)
        select.set_options([(one_line(m, 40), m) for m in mentors] +
                           [(one_line(f"{m} (you mentor)", 40), m) for m in mentees])
        if mentors:
            select.value = mentors[0]  # the mentor last met: reflections follow meetings
        self.start()

    def focus_main(self) -> None:
        # Not before the first question shows: a key typed while the screen opens must not land in the box.
        if self.phase == "checkin":
            self.query_one("#checkin-choices", OptionList).focus()
        elif self.phase == "asking":
            self.query_one("#answer", AnswerArea).focus()
        elif self.phase == "preview":
            self.query_one("#preview").focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.phase in ("checkin", "asking") and not self._answered_any():
            self.start()

    def start(self) -> None:
        framework = str(self.query_one("#framework", Select).value)
        select = self.query_one("#mentor", Select)
        mentor = None if select.is_blank() else str(select.value)
        service = self.app.service
        self.phase = "loading"
        self.run_job(lambda: service.start_reflection(framework, mentor), self._begin, group="flow",
                     failed=lambda error: self.query_one("#stage", Static).update(
                         "The reflection could not start (see the message). esc goes back."))

    @property
    def started(self) -> ReflectionFlow:
        """The reflection under way (nothing on this screen asks for it before it has begun)."""
        if self.flow is None:
            raise RuntimeError("the reflection has not started yet")
        return self.flow

    def _begin(self, flow: ReflectionFlow) -> None:
        self.flow = flow
        self.answers = [""] * len(flow.questions)
        self.checkin_answers = {}
        if flow.checkins:
            self.show_checkin(0)
        else:
            self.phase = "asking"
            self.show_step(0)

    def show_checkin(self, index: int) -> None:
        """Ask about one of the last session's open commitments: a choice, never typed text."""
        item = self.started.checkins[index]
        self.phase, self.checkin_step = "checkin", index
        total = len(self.started.checkins)
        self.query_one("#step", Static).update(plain(f"since last time: {index + 1} of {total}"))
        self.query_one("#stage", Static).update(plain("Since last time"))
        self.query_one("#question", Static).update(plain(item.question))
        self.query_one("#answer", AnswerArea).display = False
        choices = self.query_one("#checkin-choices", CheckinChoices)
        choices.display = True
        choices.reset()
        keys = [key for key, _ in CHECKIN_CHOICES]
        choices.highlighted = keys.index(self.checkin_answers.get(item.id) or "skip") \
            if item.id in self.checkin_answers else 0
        self._show_related((SimpleNamespace(path=item.path, date=item.date.isoformat(), snippet=item.text),))
        self.query_one("#reflect-hint", Static).update(CHECKIN_HINT)
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.phase != "checkin":
            return
        event.stop()
        item = self.started.checkins[self.checkin_step]
        self.checkin_answers[item.id] = None if event.option.id == "skip" else event.option.id
        if self.checkin_step + 1 < len(self.started.checkins):
            self.show_checkin(self.checkin_step + 1)
        else:
            self.phase = "asking"
            self.show_step(0)

    def on_checkin_choices_refused(self, event: CheckinChoices.Refused) -> None:
        """Typed words are not an answer here: say how to answer; nothing is recorded or left."""
        self.query_one("#reflect-hint", Static).update(plain(REFUSED))
        self.notify(REFUSED, title="Not an answer", severity="warning", markup=False)

    def _answered_any(self) -> bool:
        return any(a.strip() for a in self.answers) or any(v for v in self.checkin_answers.values())

    def show_step(self, step: int) -> None:
        question = self.started.questions[step]
        self.step = step
        total = len(self.started.questions)
        self.query_one("#step", Static).update(plain(f"step {step + 1} of {total}"))
        self.query_one("#stage", Static).update(_stages(self.started.questions, step))
        self.query_one("#question", Static).update(plain(question.question))
        self.query_one("#checkin-choices").display = False
        answer = self.query_one("#answer", AnswerArea)
        answer.display = True
        answer.text = self.answers[step]
        answer.move_cursor(answer.document.end)
        self._show_related(question.context)
        self._show_preview(False)
        answer.focus()

    def _show_related(self, context) -> None:
        pane = self.query_one("#related", VerticalScroll)
        pane.remove_children()
        widgets: list[Widget] = [Static("From your notes", classes="related-head", markup=False)]
        for item in context:
            head = note_label(item.date, item.path)
            widgets.append(Static(Content.assemble((one_line(head, 80), "bold"), "\n", clean(item.snippet)),
                                  classes="related-item"))
        if not context:
            widgets.append(Static("Nothing earlier bears on this question.", classes="hint", markup=False))
        pane.mount_all(widgets)

    def on_answer_area_submitted(self, event: AnswerArea.Submitted) -> None:
        if self.phase != "asking":
            return
        self.answers[self.step] = event.value.strip()
        if self.step + 1 < len(self.started.questions):
            self.show_step(self.step + 1)
        else:
            self.phase = "preview"
            self._show_preview(True)

    def action_previous(self) -> None:
        if self.phase == "checkin" and self.checkin_step > 0:
            self.show_checkin(self.checkin_step - 1)
        elif self.phase == "asking" and self.step > 0:
            self.answers[self.step] = self.query_one("#answer", AnswerArea).text.strip()
            self.show_step(self.step - 1)
        elif self.phase == "asking" and self.started.checkins:
            self.answers[self.step] = self.query_one("#answer", AnswerArea).text.strip()
            self.show_checkin(len(self.started.checkins) - 1)

    def _show_preview(self, shown: bool) -> None:
        self.query_one("#reflect-body").display = not shown
        self.query_one("#preview").display = shown
        hint = self.query_one("#reflect-hint", Static)
        if shown:
            self.query_one("#preview-md", Markdown).update(clean(preview_markdown(self.flow, self.answers, self._choices())))
            self.query_one("#step", Static).update("Preview")
            hint.update("enter save · e edit answers · esc discard")
            self.query_one("#preview").focus()
        else:
            hint.update("enter next · ctrl+j new line · ctrl+b previous · esc leave")

    def action_edit(self) -> None:
        if self.phase == "preview":
            if self.started.checkins:
                self.show_checkin(0)
            else:
                self.phase = "asking"
                self.show_step(0)

    def action_save(self) -> None:
        if self.phase == "saving":
            self.notify("Saving already: one file is being written.", markup=False)
            return
        if self.phase != "preview":
            return
        self.phase = "saving"
        self.query_one("#step", Static).update("Saving…")
        self.query_one("#reflect-hint", Static).update("Saving…")
        service, flow, answers, choices = self.app.service, self.flow, list(self.answers), self._choices()

        def save():  # written and confirmed first; the app re-indexes it after (no wait for a running sync)
            saved = service.save_reflection(flow, answers, checkins=choices, index=False)
            return (*saved_title(service, saved), list(saved.marks))

        self.run_job(save, self._saved, group="save", failed=lambda error: setattr(self, "phase", "preview"))

    def _choices(self) -> dict[str, str]:
        return {ref: choice for ref, choice in self.checkin_answers.items() if choice}

    def _saved(self, result) -> None:
        title, path, changes = result
        self.phase = "saved"
        self.query_one("#step", Static).update(Content.styled("✓ Saved", "bold $text-success"))
        self.query_one("#reflect-hint", Static).update(plain(f"Saved “{title}” as {path} · esc home"))
        self.notify(clean(f"Saved “{title}” to {path}"), title="Reflection saved", markup=False)
        self.app.sync_index()  # the service indexed the note; this refreshes the counts everywhere
        self._offer_undo(changes)

    def _offer_undo(self, changes: list) -> None:
        """Say what the check-in answers changed, each with its evidence; `u` puts the marks back."""
        changed = [c for c in changes if c.changed]
        if not changed:
            return
        service = self.app.service
        text = clean("\n".join(one_line(c.describe(), 160) for c in changed))
        self.app.undo.offer(text, lambda: self.run_job(lambda: service.undo_marks(changed), self._undone,
                                                       group="undo"), title="Commitments marked")

    def _undone(self, _result) -> None:
        self.notify("The check-in marks are undone; the reflection note stays.", title="Undone", markup=False)

    def has_unsaved(self) -> bool:
        if self.phase not in ("checkin", "asking", "preview", "saving"):
            return False
        if self.phase == "checkin":
            return self._answered_any()
        typed = self.query_one("#answer", AnswerArea).text.strip() if self.phase == "asking" else ""
        return bool(typed) or self._answered_any()


def _stages(questions: list, current: int) -> Content:
    """`What? → So what? → Now what?` with the current stage picked out."""
    parts: list = []
    for index, question in enumerate(questions):
        parts += [(" → ", "$text-muted")] if index else []
        parts.append((one_line(question.stage, 30), "bold $text-primary" if index == current else "$text-muted"))
    return Content.assemble(*parts)
