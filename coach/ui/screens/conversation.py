"""What a chat screen does with its conversation as a whole: keep it (the turns so far and their id), save
it as a note, list past ones and reopen one to continue it. Ask builds on it; the answer streaming is its own."""

from __future__ import annotations

from coach.ui.safe import clean
from coach.ui.screens.base import CoachScreen
from coach.ui.screens.history import HistoryScreen, past_sources, past_turn_widgets


class ConversationScreen(CoachScreen):
    """A screen holding one conversation; a subclass shows turns (`_reset_chat`) and sources."""

    def __init__(self) -> None:
        super().__init__()
        self.history: list = []
        self.conversation_id: str | None = None
        self.saved_notes: dict[tuple[str, int], object] = {}
        """(conversation id, turns) -> the note it was saved as, so saving again unchanged makes no copy."""

    def action_save_note(self) -> None:
        save = self.app.service.save_conversation
        if self.conversation_id is None:
            self.notify("Ask something first; then the conversation can be saved as a note.", markup=False)
            return
        key = (self.conversation_id, len(self.history))
        if key in self.saved_notes:  # nothing new since: a second note would be a copy
            self.notify(clean(f"Already saved as {self.saved_notes[key]}"), markup=False)
            return
        conversation_id = self.conversation_id

        def job():
            with self.app.engine_lock:
                return save(conversation_id)

        self.run_job(job, lambda path: self._saved(key, path), group="save")

    def _saved(self, key: tuple, path) -> None:
        self.saved_notes[key] = path
        self.notify(clean(f"Saved as a new note: {path}"), title="Conversation saved", markup=False)
        self.app.refresh_screens()  # Home's recent notes

    def action_history(self) -> None:
        """List past conversations (read in a worker); the chosen one is reopened here."""
        if self._busy():
            return
        self.run_job(self.app.service.conversations, self._pick_conversation, group="history")

    def _pick_conversation(self, conversations: list) -> None:
        self.app.push_screen(HistoryScreen(conversations), callback=self._continue_conversation)

    def _continue_conversation(self, conversation_id: str | None) -> None:
        if conversation_id:
            service = self.app.service
            self.run_job(lambda: service.conversation(conversation_id), self._show_conversation, group="history")

    async def _show_conversation(self, conversation) -> None:
        """Show the past turns; the next question continues this conversation with their context."""
        await self._reset_chat(past_turn_widgets(conversation))
        self.history = conversation.pairs()
        self.conversation_id = conversation.id
        sources = past_sources(conversation)
        self._show_sources(sources, any(s.source != "knowledge" for s in sources))
        self.focus_main()

    def _busy(self) -> bool:
        """True (and says so) while the screen cannot change conversation."""
        return False

    async def _reset_chat(self, widgets: list) -> None:
        """Replace the shown turns with `widgets`."""
        raise NotImplementedError

    def _show_sources(self, hits: list, found_in_notes: bool) -> None:
        raise NotImplementedError
