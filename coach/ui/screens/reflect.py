"""Reflect: one question at a time with the related notes beside it, then a rendered preview to save or edit."""

from __future__ import annotations

from collections.abc import Iterable

from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Markdown, Select, Static

from coach.ui import keymap
from coach.ui.reflection import FRAMEWORKS, preview_markdown, saved_title
from coach.ui.safe import clean, note_label, one_line, plain
from coach.ui.screens.base import CoachScreen
from coach.ui.widgets.answer_area import AnswerArea


class ReflectScreen(CoachScreen):
    """Phases: loading → asking (step i) → preview → saved. Answers live here until the user saves."""

    SCREEN_TITLE = "reflect"
    KEYMAP_SCOPE = "reflect"
    BINDINGS = keymap.bindings(KEYMAP_SCOPE)
    UNSAVED_WARNING = "Press esc again to leave without saving this reflection."

    def __init__(self) -> None:
        super().__init__()
        self.flow = None
        self.answers: list[str] = []
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
                yield AnswerArea(id="answer")
            yield VerticalScroll(id="related")
        with VerticalScroll(id="preview"):
            yield Markdown("", id="preview-md", open_links=False)
        yield Static("enter next · ctrl+j new line · ctrl+b previous · esc leave", id="reflect-hint",
                     classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#preview").display = False
        facts = self.app.home_facts
        mentors = facts.mentors if facts else []
        select = self.query_one("#mentor", Select)
        select.set_options([(one_line(m, 40), m) for m in mentors])
        if mentors:
            select.value = mentors[0]  # the mentor last met: reflections follow meetings
        self.start()

    def focus_main(self) -> None:
        # Not before the first question shows: a key typed while the screen opens must not land in the box.
        if self.phase == "asking":
            self.query_one("#answer", AnswerArea).focus()
        elif self.phase == "preview":
            self.query_one("#preview").focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.phase == "asking" and not any(a.strip() for a in self.answers):
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

    def _begin(self, flow) -> None:
        self.flow = flow
        self.answers = [""] * len(flow.questions)
        self.phase = "asking"
        self.show_step(0)

    def show_step(self, step: int) -> None:
        question = self.flow.questions[step]
        self.step = step
        total = len(self.flow.questions)
        self.query_one("#step", Static).update(plain(f"step {step + 1} of {total}"))
        self.query_one("#stage", Static).update(_stages(self.flow.questions, step))
        self.query_one("#question", Static).update(plain(question.question))
        answer = self.query_one("#answer", AnswerArea)
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
        if self.step + 1 < len(self.flow.questions):
            self.show_step(self.step + 1)
        else:
            self.phase = "preview"
            self._show_preview(True)

    def action_previous(self) -> None:
        if self.phase == "asking" and self.step > 0:
            self.answers[self.step] = self.query_one("#answer", AnswerArea).text.strip()
            self.show_step(self.step - 1)

    def _show_preview(self, shown: bool) -> None:
        self.query_one("#reflect-body").display = not shown
        self.query_one("#preview").display = shown
        hint = self.query_one("#reflect-hint", Static)
        if shown:
            self.query_one("#preview-md", Markdown).update(clean(preview_markdown(self.flow, self.answers)))
            self.query_one("#step", Static).update("Preview")
            hint.update("enter save · e edit answers · esc discard")
            self.query_one("#preview").focus()
        else:
            hint.update("enter next · ctrl+j new line · ctrl+b previous · esc leave")

    def action_edit(self) -> None:
        if self.phase == "preview":
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
        service, flow, answers = self.app.service, self.flow, list(self.answers)

        def save():  # written and confirmed first; the app re-indexes it after (no wait for a running sync)
            return saved_title(service, service.save_reflection(flow, answers, index=False))

        self.run_job(save, self._saved, group="save", failed=lambda error: setattr(self, "phase", "preview"))

    def _saved(self, result) -> None:
        title, path = result
        self.phase = "saved"
        self.query_one("#step", Static).update(Content.styled("✓ Saved", "bold $text-success"))
        self.query_one("#reflect-hint", Static).update(plain(f"Saved “{title}” as {path} · esc home"))
        self.notify(clean(f"Saved “{title}” to {path}"), title="Reflection saved", markup=False)
        self.app.sync_index()  # the service indexed the note; this refreshes the counts everywhere

    def has_unsaved(self) -> bool:
        if self.phase not in ("asking", "preview", "saving"):
            return False
        typed = self.query_one("#answer", AnswerArea).text.strip() if self.phase == "asking" else ""
        return bool(typed) or any(a.strip() for a in self.answers)


def _stages(questions: list, current: int) -> Content:
    """`What? → So what? → Now what?` with the current stage picked out."""
    parts: list = []
    for index, question in enumerate(questions):
        parts += [(" → ", "$text-muted")] if index else []
        parts.append((one_line(question.stage, 30), "bold $text-primary" if index == current else "$text-muted"))
    return Content.assemble(*parts)
