"""Home: the last session, open commitments with their age, recent notes, three big actions, index status."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Static

from coach.ui import keymap
from coach.ui.facts import HomeFacts, age, days_since, home_facts
from coach.ui.glance import Glance, owned_text, pick_open
from coach.ui.safe import one_line
from coach.ui.screens.base import CoachScreen
from coach.ui.widgets.index_status import IndexStatus

ACTIONS = (("reflect", "Reflect", "r"), ("prepare", "Prepare", "p"), ("search", "Search / ask", "/"))
READING = "Reading commitments…"
OPEN_ROWS = 10
"""Lines inside the open-commitments card (#home-cards is 12 high): enough to see, few enough to read."""


class HomeScreen(CoachScreen):
    """The first screen; cheap to compose, filled in by workers once the notes are read."""

    SCREEN_TITLE = "home"
    KEYMAP_SCOPE = "home"
    # Home's footer shows the app's keys (other screens hide them to stay short): see keymap.home_bindings.
    BINDINGS = [Binding("escape", "back", "Back", show=False), *keymap.home_bindings()]

    open_items: list | None = None
    """The open commitments last read (shown again once the last session is known)."""
    _reading_timer: Timer | None = None

    def compose_body(self) -> Iterable[Widget]:
        with Horizontal(id="home-cards"):
            with Vertical(id="last-card", classes="card"):
                yield Static("Reading your notes…", id="last-session", markup=False)
            with Vertical(id="open-card", classes="card"):
                yield Static("Looking for commitments…", id="open-list", markup=False)
        with Horizontal(id="home-actions"):
            for action, label, key in ACTIONS:
                button = Button(Content.assemble((label, "bold"), "  ", (key, "$text-muted")), id=f"go-{action}")
                yield button
        with Vertical(id="recent-card", classes="card"):
            yield Static("", id="recent", markup=False)
        yield IndexStatus(id="index-status")

    def on_mount(self) -> None:
        self.query_one("#last-card").border_title = "Last session"
        self.query_one("#open-card").border_title = "Open commitments"
        self.query_one("#recent-card").border_title = "Recent notes"
        self.call_after_refresh(self.reload)  # first paint first

    def focus_main(self) -> None:
        self.query_one("#go-reflect").focus()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        action = (event.button.id or "").removeprefix("go-")
        await self.app.run_action(f"open('{action}')")

    def reload(self) -> None:
        """Read the notes folder and the commitments again (after a sync or a save)."""
        if not self.query("#open-list"):
            return  # a sync message arriving while the app closes: the screen's widgets are already gone
        if self.app.index_state.phase == "no-notes":
            self.query_one("#last-session", Static).update(
                "No notes folder yet. Press f to choose one, or to try the sample notes.")
            self.query_one("#open-list", Static).update("")
            return
        service = self.app.service
        self.run_job(lambda: home_facts(service.engine.scan_notes().notes), self._show_facts, group="facts")
        # Commitments need the embedding model: wait for the start-up sync to load it (reload runs again then).
        if self.app.index_state.search_ready:
            if self.open_items is None:
                self.query_one("#open-list", Static).update(READING)
                self._watch_reading()
            self.run_job(lambda: service.commitments("open"), self._show_open, group="commitments",
                         failed=self._commitments_failed)
        elif self.app.index_state.phase != "failed":
            self.query_one("#open-list", Static).update("Commitments appear once the index is ready…")

    def _watch_reading(self) -> None:
        """While the first read of these notes embeds their sentences (once per data folder, then cached),
        say how far it has got rather than a bare "Reading…" for half a minute."""
        if self._reading_timer is None:
            self._reading_timer = self.set_interval(0.5, self._show_reading)

    def _show_reading(self) -> None:
        progress = getattr(self.app.service, "embedding_progress", None)
        if self.open_items is not None:
            if self._reading_timer is not None:
                self._reading_timer.stop()
                self._reading_timer = None
            return
        if progress:
            done, total = progress
            # Short lines: the card is ~44 columns wide at 80x24, and its rows do not wrap.
            self.query_one("#open-list", Static).update(
                f"{READING} (the first time only)\nmatched {done} of {total} later sentences")

    def _show_facts(self, facts: HomeFacts) -> None:
        self.app.home_facts = facts
        today = self.app.service.today
        self.query_one("#last-session", Static).update(_last_session(facts, today))
        self.query_one("#recent", Static).update(_recent(facts))
        if self.open_items is not None:
            self._show_open(self.open_items)  # now it is known which ones came from the last session

    def _show_open(self, items: list) -> None:
        self.open_items = items
        facts = self.app.home_facts
        since = facts.last_session.date if facts is not None and facts.last_session is not None else None
        self.query_one("#open-card").border_title = f"Open commitments ({len(items)})"
        self.query_one("#open-list", Static).update(_open_items(pick_open(items, since, OPEN_ROWS), bool(items)))

    def _commitments_failed(self, error: BaseException) -> None:
        self.query_one("#open-list", Static).update("Commitments could not be read just now.")


def _last_session(facts: HomeFacts, today) -> Content:
    if facts.total == 0:
        return Content("No notes yet. Press r after your next meeting to write the first reflection.")
    lines: list = []
    session = facts.last_session
    if session is not None:  # short lines: the card is ~28 columns wide at 80x24
        who = one_line(session.mentor or "no mentor named", 40)
        lines += [(who, "bold"), "\n", (f"{session.date.isoformat()} · {days_since(session.date, today)}", "$text-muted"),
                  f"\n{one_line(session.title, 40)}\n\n"]
    else:
        lines.append("No session notes yet.\n\n")
    reflection = facts.last_reflection
    if reflection is not None:
        lines += ["Last reflection\n", (f"{reflection.date.isoformat()} · {days_since(reflection.date, today)}",
                                         "$text-muted")]
    else:
        lines.append("No reflections yet: press r to write one.")
    return Content.assemble(*lines)


def _open_items(glance: Glance, any_open: bool) -> Content:
    if not any_open:
        return Content("Nothing open. Nice.")
    rows: list[Content] = []
    if glance.recent:
        rows.append(Content.styled("Since your last session", "bold"))
        rows += [_open_row(item) for item in glance.recent]
        if glance.oldest:
            rows.append(Content.styled("Waiting longest", "bold"))
    rows += [_open_row(item) for item in glance.oldest]
    if glance.more:
        rows.append(Content.styled(f"… and {glance.more} more — press c to see all", "$text-muted"))
    return Content("\n").join(rows)


def _open_row(item) -> Content:
    # Age first and right-aligned: rows are cut at the card's edge, and the age must survive.
    return Content.assemble((f"{age(item.age_days):>8} ", "$text-muted"), "▢ ", one_line(owned_text(item), 120))


def _recent(facts: HomeFacts) -> Content:
    rows = []
    for note in facts.recent:
        who = f" · {one_line(note.mentor, 30)}" if note.mentor else ""
        rows.append(Content.assemble((note.date.isoformat(), "bold"), f" {note.kind}{who} · ", one_line(note.title, 60)))
    return Content("\n").join(rows) if rows else Content("")
