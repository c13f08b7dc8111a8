"""CoachService: the one object the CLI and the app call for every coaching job.

A thin facade: each job lives in its own module (ask, reflect, agenda, commitments, themes); this class
holds what they share (settings, the retrieval engine, the chat model, 'today') and loads lazily so
constructing it is instant."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date

from coach.config import Settings
from coach.retrieval.engine import Engine


class CoachService:
    """Everything coach can do, without any UI. Tests hand it fakes (engine, chat model, today)."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine | None = None,
        chat_model=None,
        today: date | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine or Engine(settings)
        self._chat_model = chat_model
        self._today = today
        self._principles = None
        self.embedding_progress: tuple[int, int] | None = None
        """(done, total) while a first read embeds many sentences (coach.agent.embed_cache), else None."""

    @property
    def today(self) -> date:
        return self._today or date.today()

    @property
    def chat_model(self):
        """The configured LangChain chat model, built on first use (loading a local model takes time)."""
        if self._chat_model is None:
            from coach.llm.factory import make_chat_model

            self._chat_model = make_chat_model(self.settings)
        return self._chat_model

    @property
    def principles(self):
        """The principles library (coach.retrieval.principles): vectors from the knowledge index, read once."""
        if self._principles is None:
            from coach.agent.embed_cache import cached_embed
            from coach.retrieval.principles import PrinciplesLibrary

            self._principles = PrinciplesLibrary(self.settings.index_dir, cached_embed(self))
        return self._principles

    def notes(self) -> list:
        """The notes every coaching feature reads as evidence (commitments, themes, agendas, growth,
        reflect): saved conversations left out, and coach's own wording blanked in the notes it wrote
        (see coach.notes.provenance). Indexing and search read the folder itself."""
        from coach.notes.provenance import evidence_notes

        return evidence_notes(self.engine.scan_notes().notes)

    # -- ask ------------------------------------------------------------------------------------

    def ask(self, question: str, history: Sequence = (), conversation_id: str | None = None,
            kind: str | None = None) -> AsyncIterator:
        """Stream an answer: SourcesEvent, QuotesEvent, TokenEvent..., then DoneEvent or FailedEvent
        (see agent.events). `kind` limits the notes searched (saved conversations only this way)."""
        from coach.agent.ask import stream_answer

        return stream_answer(self, question, list(history), conversation_id, kind)

    def ask_blocking(self, question: str, history: Sequence = (), kind: str | None = None):
        """The same, collected: returns the AskResult (for the CLI and scripts)."""
        from coach.agent.ask import answer_blocking

        return answer_blocking(self, question, list(history), kind)

    def conversations(self) -> list:
        """Past conversations, newest first (each with its turns)."""
        from coach.agent.history import list_conversations

        return list_conversations(self.settings)

    def conversation(self, conversation_id: str):
        """One past conversation, to read or to continue (its pairs() are a follow-up's history)."""
        from coach.agent.history import load_conversation

        return load_conversation(self.settings, conversation_id)

    def save_conversation(self, conversation_id: str) -> str:
        """Write a conversation as a new note (never overwriting) and index it; returns its path in the notes."""
        from coach.agent.conversation_note import save_conversation

        return save_conversation(self, conversation_id)

    # -- commitments and themes -----------------------------------------------------------------

    def commitments(self, status: str | None = None) -> list:
        """Commitments found in the notes, with status carried across later notes."""
        from coach.agent.tracking import tracked_commitments

        return tracked_commitments(self, status)

    def mark_commitment(self, ref: str, status: str, among: Sequence | None = None):
        """Mark a commitment done, dropped or open again: kept in the data dir, the notes are never edited.

        `among`: the commitments the caller already has (from commitments()), to skip tracking them again."""
        from coach.agent.marks import mark_commitment

        items = list(among) if among is not None else self.commitments()
        return mark_commitment(self.settings, items, ref, status, self.today)

    def themes(self) -> list:
        """Topics that recur across sessions, each with first/last date and its notes."""
        from coach.agent.themes import find_themes

        return find_themes(self)

    # -- reflect and prepare --------------------------------------------------------------------

    def start_reflection(self, framework: str = "rolfe", mentor: str | None = None):
        """A guided reflection: the framework's questions, each informed by the notes."""
        from coach.agent.reflect import start_reflection

        return start_reflection(self, framework, mentor)

    def save_reflection(self, flow, answers: Sequence[str], *, checkins: dict | None = None, index: bool = True):
        """Write the reflection as a new note (never overwriting) and index it (the app: `index=False`, then syncs).
        `checkins`: the answers to flow.checkins by id ("done" / "not yet" / "dropped"), recorded as marks."""
        from coach.agent.reflect import save_reflection

        return save_reflection(self, flow, list(answers), checkins=checkins, index=index)

    def mark_evidence(self) -> dict:
        """Where each mark recorded from an answer came from, by commitment id (mark_evidence.Evidence)."""
        from coach.agent.mark_evidence import load_evidence

        return load_evidence(self.settings)

    def undo_marks(self, changes: Sequence) -> None:
        """Put back the marks a saved reflection's check-ins changed (SavedNote.marks)."""
        from coach.agent.mark_evidence import undo_changes

        undo_changes(self, list(changes))

    def agenda(self, mentor: str | None = None):
        """Draft the next meeting with this mentor: commitments, open questions, themes, suggestions."""
        from coach.agent.agenda import build_agenda

        return build_agenda(self, mentor)

    def save_agenda(self, agenda, *, index: bool = True):
        """Write the agenda as a new note; `index=False` leaves re-indexing to the caller (the app)."""
        from coach.agent.agenda import save_agenda

        return save_agenda(self, agenda, index=index)

    # -- growth ---------------------------------------------------------------------------------

    def progress(self, since: date | None = None):
        """The growth mirror: then-and-now pairs, kept commitments, the mentor's words, next steps, timeline."""
        from coach.agent.growth.progress import build_progress

        return build_progress(self, since)

    def review(self, since: date | None = None):
        """A periodic review (default period: since the last saved review)."""
        from coach.agent.growth.review import build_review

        return build_review(self, since)

    def save_review(self, review):
        """Write the review as a new note (kind: review), never overwriting, and index it at once."""
        from coach.agent.growth.review_text import save_review

        return save_review(self, review)
