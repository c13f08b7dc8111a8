"""Growth: the growth mirror in the app — a timeline of sessions and commitments per month (sparklines),
then-and-now pairs as cards, the mentor's words, what you taught, and the next appropriate step."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from coach.ui.messages import NotesChanged
from coach.ui.safe import clean, note_label, one_line
from coach.ui.screens.base import CoachScreen

SERIES = (("sessions", "Sessions / month"), ("made", "Commitments made"), ("done", "Commitments done"))
ROLE_LABELS = {"reverse": "reverse mentoring", "mentor": "you mentor"}
MAX_WORDS = 6


class GrowthScreen(CoachScreen):
    """Read-only; the data comes from the service's `progress()` in a worker."""

    SCREEN_TITLE = "growth"
    BINDINGS = [Binding("s", "save_review", "Save a review")]
    saving = False
    """A review is being written: a second `s` waits for it rather than writing another."""

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="growth-body"):
            yield Static("Reading your notes…", id="growth-summary", classes="status", markup=False)
            with Horizontal(id="growth-timeline"):
                for key, label in SERIES:
                    with Vertical(classes="spark-box"):
                        yield Static(label, id=f"spark-label-{key}", classes="spark-label", markup=False)
                        yield Sparkline([], id=f"spark-{key}", summary_function=max)
            yield Static("Then and now", classes="section-head", markup=False)
            yield Vertical(id="pairs")
            yield Static("", id="words-head", classes="section-head", markup=False)
            yield Static("", id="words", markup=False)
            yield Static("What you taught", classes="section-head", markup=False)
            yield Static("", id="taught", markup=False)
            yield Static("The next appropriate step", classes="section-head", markup=False)
            yield Static("", id="steps", markup=False)

    def on_mount(self) -> None:
        self.reload()

    def focus_main(self) -> None:
        self.query_one("#growth-body").focus()

    def reload(self) -> None:
        """Load the growth mirror (it needs the embedding model: wait for the index like Home does)."""
        state = self.app.index_state
        if not state.search_ready:
            if state.phase != "failed":
                self._say("Your growth appears once the index is ready…")
            return
        service = self.app.service
        self.run_job(service.progress, self._show, group="growth",
                     failed=lambda error: self._say("Growth could not be read just now."))

    def action_save_review(self) -> None:
        """Write a periodic review (since the last one) as a new note, in a worker; the index is updated too."""
        if self.saving:
            self.notify("The review is being written.", markup=False)
            return
        service, lock = self.app.service, self.app.engine_lock

        def save():
            with lock:  # the save re-indexes: never alongside the background sync
                return service.save_review(service.review())

        def failed(error) -> None:
            self.saving = False
            self._say("The review was not saved: see the message.")

        self.saving = True
        self._say("Writing your review…")
        self.run_job(save, self._saved, group="save-review", failed=failed)

    def _saved(self, saved) -> None:
        self.saving = False
        self.app.notify(f"Saved review: {clean(saved.path)}", title="Review", markup=False)
        self.app.post_message(NotesChanged())

    async def _show(self, progress) -> None:
        self.progress = progress
        since = progress.since.isoformat() if progress.since else "your first note"
        self._say(f"From {since} to {progress.until.isoformat()} · {progress.sessions} sessions · "
                  f"{len(progress.pairs)} then-and-now pair{'' if len(progress.pairs) == 1 else 's'}"
                  + (f" · charts: {progress.months[0].month} → {progress.months[-1].month}" if progress.months else ""))
        for key, label in SERIES:
            counts = [getattr(m, key) for m in progress.months]
            self.query_one(f"#spark-{key}", Sparkline).data = counts or [0]
            self.query_one(f"#spark-label-{key}", Static).update(f"{label} · {sum(counts)}")
        await self._show_pairs(progress)
        mentors = list(getattr(progress, "mentors", []))
        who = one_line(progress.mentor or "your mentor", 40) if len(mentors) <= 1 else "your mentors"
        self.query_one("#words-head", Static).update(Content(f"What {who} saw"))
        self.query_one("#words", Static).update(_words(progress))
        self.query_one("#taught", Static).update(_taught(progress))
        self.query_one("#steps", Static).update(_steps(progress))

    async def _show_pairs(self, progress) -> None:
        box = self.query_one("#pairs", Vertical)
        await box.remove_children()
        if not progress.pairs:
            await box.mount(Static("No then-and-now pair the notes support yet.", classes="hint", markup=False))
            return
        cards = []
        for pair in progress.pairs:
            card = Static(_pair_card(progress, pair), classes="card pair-card", markup=False)
            card.border_title = one_line(f"{pair.theme} · {pair.then.stance} → {pair.now.stance}", 70)
            cards.append(card)
        await box.mount(*cards)

    def _say(self, text: str) -> None:
        self.query_one("#growth-summary", Static).update(Content(clean(text)))


def _where(progress, path: str, day) -> str:
    role = ROLE_LABELS.get(progress.role_of(path))
    return note_label(day.isoformat() if day else None, path) + (f" · {role}" if role else "")


def _pair_card(progress, pair) -> Content:
    return Content.assemble(
        ("Then ", "bold"), f"“{one_line(pair.then.text, 400)}”\n",
        (f"     {_where(progress, pair.then.path, pair.then.date)}\n", "$text-muted"),
        ("Now  ", "bold"), f"“{one_line(pair.now.text, 400)}”\n",
        (f"     {_where(progress, pair.now.path, pair.now.date)}", "$text-muted"),
    )


def _words(progress) -> Content:
    """One section per mentor who appears (their name, then their quotes), or a line saying none are quoted."""
    mentors = list(getattr(progress, "mentors", [])) or list(dict.fromkeys(w.mentor for w in progress.words))
    if not progress.words:
        return Content("No words of your mentor's are quoted in these notes.")
    rows = []
    for mentor in mentors:
        theirs = [w for w in progress.words if w.mentor == mentor][:MAX_WORDS]
        if len(mentors) > 1:
            rows.append(Content.assemble((one_line(mentor, 40), "bold")))
        rows += [Content.assemble(f"“{one_line(w.quote, 300)}” ", (f"{_where(progress, w.path, w.date)}", "$text-muted"))
                 for w in theirs] or [Content("  none quoted")]
    return Content("\n").join(rows)


def _taught(progress) -> Content:
    notes = progress.taught + progress.mentoring
    if not notes:
        return Content("No reverse-mentoring or mentoring notes yet.")
    rows = [Content.assemble((n.date.isoformat(), "bold"), f" {one_line(n.title, 60)} ",
                             (f"({ROLE_LABELS[n.role]})", "$text-muted")) for n in notes]
    return Content("\n").join(rows)


def _steps(progress) -> Content:
    if not progress.steps:
        return Content("Nothing to suggest from the notes yet.")
    rows = []
    for step in progress.steps:
        cited = ", ".join(_where(progress, s.path, None) if s.origin == "notes" else f"principle: {s.path}"
                          for s in step.sources)
        rows.append(Content.assemble(f"• {one_line(step.text, 400)}\n", (f"  {one_line(cited, 300)}", "$text-muted")))
    return Content("\n").join(rows)
