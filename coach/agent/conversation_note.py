"""Saving a conversation as a note on the user's request: written atomically, then indexed at once."""

from __future__ import annotations

from coach.agent.history import save_as_note
from coach.errors import CoachError, IndexBusyError


def save_conversation(service, conversation_id: str) -> str:
    """The new note's path relative to the notes folder. If another process holds the index, the note
    is still saved and the next sync indexes it."""
    folder = service.engine.notes_dir()
    try:
        written = save_as_note(service, conversation_id)
    except OSError as exc:
        raise CoachError(f"Could not write the conversation into {folder}: {exc.strerror or exc}.",
                         "Write failed") from exc
    try:
        service.engine.sync()
    except IndexBusyError:
        pass  # saved; searchable after the next sync (the app retries when the index is free)
    return written.relative_to(folder).as_posix()
