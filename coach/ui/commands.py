"""The command palette (ctrl+p): every action the app has, by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (name, action, help): actions are CoachApp action strings, run through `run_action`.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Home", "open('home')", "Last session, open commitments, what to do next"),
    ("Reflect on a meeting", "open('reflect')", "A guided reflection, one question at a time"),
    ("Prepare for the next meeting", "open('prepare')", "Draft an agenda for a mentor"),
    ("Search notes", "open('search')", "Live search over your notes and the principles"),
    ("Ask a question", "open('ask')", "A sourced answer from your notes"),
    ("Past conversations", "past_conversations", "Reopen an earlier conversation and continue it"),
    ("Commitments", "open('commitments')", "Open, done and dropped commitments"),
    ("Browse notes", "open('notes')", "Every note by date and mentor"),
    ("Growth", "open('growth')", "Then and now, kept promises, your mentor's words, the next step"),
    ("Model and provider", "open('model')", "Choose the chat model (local or remote)"),
    ("Re-index notes now", "sync", "Bring the index up to date with the notes folder"),
    ("Choose notes folder", "first_run", "Point coach at another folder, or the sample notes"),
    ("Toggle light / dark theme", "toggle_theme", "Switch between the light and dark themes"),
    ("Help: keys", "help", "Every key binding"),
    ("Quit", "quit", "Leave coach"),
)


class CoachCommands(Provider):
    """Lists and fuzzy-matches the app's actions."""

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action)

    async def discover(self) -> Hits:
        for name, action, help_text in COMMANDS:
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action), text=name, help=help_text)
