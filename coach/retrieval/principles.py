"""The principles library as one object: each principle file, the questions it suggests bringing to a mentor,
and its meaning vector read from the indexed knowledge collection (no principle file is re-embedded per call).

The vector of a principle is its whole-note vector from the knowledge index (the mean of its passages' vectors,
written by the indexer beside the keyword index). A file the index does not hold yet (the first run, before
the principles are indexed) is embedded once through the caller's embed function, which the agent backs with
the embedding cache — so that too happens once, not per call."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coach import paths
from coach.notes.model import Note
from coach.notes.reader import scan_folder
from coach.retrieval.indexer import note_level_dir
from coach.retrieval.note_level import NoteLevelIndex
from coach.text import read_blocks

Embed = Callable[[list[str]], np.ndarray]
_QUESTIONS_HEADING = re.compile(r"\bquestions?\b|\bto ask\b|\bask (?:him|her|them)\b", re.IGNORECASE)
_QUOTE_CHARS = "\"'“”‘’ "
_PLACEHOLDER = re.compile(r"\b[XYZ]\b|\.\.\.|…")
_ITEMS = ("list_item", "checkbox")
_FALLBACK_CHARS = 1200


@dataclass(frozen=True)
class Principle:
    """One principle file and the questions it suggests asking a mentor."""

    note: Note
    questions: tuple[str, ...]

    @property
    def path(self) -> str:
        return self.note.path

    @property
    def title(self) -> str:
        return self.note.title


def principle_questions(note: Note) -> tuple[str, ...]:
    """The list items under a "Questions …" heading or label that are whole questions (no blank to fill)."""
    found = []
    for block in read_blocks(note.body, note.body_offset, front_matter=False):
        if block.kind in _ITEMS and _QUESTIONS_HEADING.search(f"{block.heading} {block.label}"):
            question = block.text.strip(_QUOTE_CHARS)
            # Template questions with a blank ("what you said on X") cannot be asked as they are.
            if question.endswith("?") and not _PLACEHOLDER.search(question):
                found.append(question)
    return tuple(dict.fromkeys(found))


def read_principles(folder: Path | None = None) -> list[Principle]:
    """Principle files (sorted by path) with at least one question to bring to a mentor."""
    notes = sorted(scan_folder(folder or paths.knowledge_dir()).notes, key=lambda n: n.path)
    return [Principle(note, questions) for note in notes if (questions := principle_questions(note))]


class PrinciplesLibrary:
    """Principles with their vectors: the closest principle to a topic, and its closest question."""

    def __init__(self, index_dir: Path | None, embed: Embed, folder: Path | None = None) -> None:
        self.index_dir, self.embed, self.folder = index_dir, embed, folder
        self._principles: list[Principle] | None = None
        self._vectors: np.ndarray | None = None

    @property
    def principles(self) -> list[Principle]:
        if self._principles is None:
            self._principles = read_principles(self.folder)
        return self._principles

    def by_path(self) -> dict[str, Principle]:
        return {p.path: p for p in self.principles}

    @property
    def vectors(self) -> np.ndarray:
        """One unit vector per principle: the index's whole-note vector, else (not indexed yet) embedded once."""
        if self._vectors is None:
            self._vectors = self._load_vectors()
        return self._vectors

    def _load_vectors(self) -> np.ndarray:
        principles = self.principles
        indexed = NoteLevelIndex.load(note_level_dir(self.index_dir, "knowledge")) if self.index_dir else None
        rows = {path: i for i, path in enumerate(indexed.paths)} if indexed is not None else {}
        missing = [p for p in principles if p.path not in rows]
        embedded = dict(zip((p.path for p in missing), np.asarray(self.embed([_text(p) for p in missing])))) \
            if missing else {}
        found = [np.asarray(indexed.vectors[rows[p.path]]) if indexed is not None and p.path in rows else embedded[p.path]
                 for p in principles]
        vectors = np.asarray(found, dtype=np.float32).reshape(len(principles), -1)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def match(self, queries: Sequence[str]) -> list[tuple[Principle, str]]:
        """For each query, in order: the closest principle not chosen for an earlier query, and its question
        closest in meaning to the query. Fewer results when the library runs out (or is empty)."""
        if not queries or not self.principles:
            return []
        query_vectors = np.asarray(self.embed(list(queries)))
        scores, used, found = query_vectors @ self.vectors.T, set(), []
        for row, vector in zip(scores, query_vectors):
            ranked = [int(i) for i in np.argsort(-row, kind="stable") if int(i) not in used]
            if not ranked:
                break
            chosen = self.principles[ranked[0]]
            used.add(ranked[0])
            question_scores = np.asarray(self.embed(list(chosen.questions))) @ vector
            found.append((chosen, chosen.questions[int(np.argmax(question_scores))]))
        return found


def _text(principle: Principle) -> str:
    note = principle.note
    return f"{note.title}. {' '.join(note.tags)}. {note.body[:_FALLBACK_CHARS]}"
