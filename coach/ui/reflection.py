"""Reflection helpers for the reflect screen: framework choices, the preview text, the saved note's title."""

from __future__ import annotations

from pathlib import Path

from coach.notes.reader import read_note

FRAMEWORKS = (("Rolfe", "rolfe"), ("Gibbs", "gibbs"), ("GROW", "grow"))


def preview_markdown(flow, answers: list[str], checkins: dict[str, str] | None = None) -> str:
    """The note as it will be written (front matter left out), or a plain rendering if the agent cannot say."""
    try:
        from coach.agent.reflect import reflection_text

        text, _ = reflection_text(flow, list(answers), checkins)
        return _body(text)
    except Exception:  # an older or different agent module: still show the user what they wrote
        parts = ["# Reflection\n"]
        for question, answer in zip(flow.questions, answers):
            parts.append(f"## {question.stage}\n\n> {question.question}\n\n{answer or '(no answer)'}\n")
        return "\n".join(parts)


def _body(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5 :].lstrip("\n")
    return text


def saved_title(service, saved) -> tuple[str, str]:
    """(title, path relative to the notes folder) of a note the service just wrote."""
    rel = str(getattr(saved, "path", saved))
    root = Path(service.engine.notes_dir())
    path = Path(rel) if Path(rel).is_absolute() else root / rel
    note = read_note(path, root) if path.exists() else None
    title = getattr(note, "title", None) or Path(rel).stem
    return title, path.relative_to(root).as_posix() if path.is_relative_to(root) else rel
