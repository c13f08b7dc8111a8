"""The principles library: questions read from the principle files, vectors from the knowledge index (the
files are not embedded per call), each topic matched to a different principle."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coach.retrieval.indexer import note_level_dir
from coach.retrieval.note_level import NoteLevelIndex
from coach.retrieval.principles import PrinciplesLibrary, read_principles

AXES = {"feedback": 0, "meeting": 1, "confidence": 2}


def fake_embed(calls: list):
    """A vector per text along the axis of the first topic word it names (a unit vector)."""
    def embed(texts):
        calls.append(list(texts))
        rows = []
        for text in texts:
            row = np.full(3, 0.01, dtype=np.float32)
            hits = [axis for word, axis in AXES.items() if word in text.lower()]
            row[hits[0] if hits else 0] += 1.0
            rows.append(row / np.linalg.norm(row))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), 3)
    return embed


def knowledge(folder: Path) -> Path:
    folder.mkdir()
    (folder / "feedback.md").write_text(
        "---\ntitle: Receiving feedback\n---\n# Receiving feedback\n\nListen first.\n\n## Questions to ask\n\n"
        "- What is one thing I could do differently?\n- What did you mean on X?\n- Keep notes\n", encoding="utf-8")
    (folder / "meeting.md").write_text(
        "---\ntitle: Preparing for a meeting\n---\n# Preparing\n\n## Questions to bring to your mentor\n\n"
        "- \"What should I prepare for our next meeting?\"\n- How do you prepare for a hard conversation?\n",
        encoding="utf-8")
    (folder / "no-questions.md").write_text("# Notes\n\n- Just a list?\n", encoding="utf-8")
    return folder


def test_questions_are_the_whole_questions_under_a_questions_heading(tmp_path):
    found = {p.path: p.questions for p in read_principles(knowledge(tmp_path / "k"))}
    assert found == {"feedback.md": ("What is one thing I could do differently?",),
                     "meeting.md": ("What should I prepare for our next meeting?",
                                    "How do you prepare for a hard conversation?")}


def test_vectors_come_from_the_index_and_nothing_is_embedded_twice(tmp_path):
    folder = knowledge(tmp_path / "k")
    index_dir = tmp_path / "index"
    # The index holds the feedback file only (along the "confidence" axis, to tell it from an embedding).
    NoteLevelIndex.build(["feedback.md"], np.asarray([[0.0, 0.0, 1.0]], dtype=np.float32), ["feedback"]).save(
        note_level_dir(index_dir, "knowledge"))
    calls: list = []
    library = PrinciplesLibrary(index_dir, fake_embed(calls), folder)
    assert np.allclose(library.vectors[0], [0.0, 0.0, 1.0])
    embedded_files = [text for batch in calls for text in batch if "Preparing" in text or "Receiving" in text]
    assert len(embedded_files) == 1 and "Preparing" in embedded_files[0]  # only the file the index lacks
    library.match(["confidence"])
    library.match(["a meeting"])
    assert [text for batch in calls[1:] for text in batch if "Preparing" in text or "Receiving" in text] == []


def test_each_topic_gets_the_closest_principle_not_used_before(tmp_path):
    library = PrinciplesLibrary(None, fake_embed([]), knowledge(tmp_path / "k"))
    found = library.match(["a meeting next week", "another meeting", "feedback"])
    assert [(p.path, q) for p, q in found] == [
        ("meeting.md", "What should I prepare for our next meeting?"),
        ("feedback.md", "What is one thing I could do differently?")]  # two principles: two topics served
    assert PrinciplesLibrary(None, fake_embed([]), tmp_path / "k").match([]) == []
