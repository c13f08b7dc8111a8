"""The ask bars with the bundled SmolLM2: cited only from what was retrieved, <= 200 words, no sentence
twice, and a prompt small enough for the first token to come quickly on a CPU."""

from __future__ import annotations

import re
from datetime import date

import pytest

from coach.agent.ask import MAX_WORDS, prompt_messages
from coach.agent.context import note_label
from coach.agent.service import CoachService
from tests.conftest import write_note

pytestmark = pytest.mark.realmodel

# The bundled model reads ~200-250 prompt tokens/s on one core: this keeps the first token near 2 s.
MAX_PROMPT_TOKENS = 520
QUESTIONS = [
    "What did Ade say about giving hard feedback?",
    "How should I ask for a raise?",
    "What did Dev suggest for hiring?",
]


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from coach.config import load_settings
    from coach.retrieval.engine import Engine
    from tests.conftest import HashEmbedder

    base = tmp_path_factory.mktemp("askbars")
    notes = base / "notes"
    notes.mkdir()
    filler = " ".join(f"We also talked about topic {i} for a while, with examples." for i in range(25))
    write_note(
        notes,
        "2025-09-12 ade.md",
        f"## Feedback\n\n{filler} Ade said to give hard feedback early, in "
        f"private, about the work and not the person, using SBI: situation, behaviour, impact. {filler}\n",
        date="2025-09-12",
        mentor="Ade Okafor",
        kind="session",
    )
    write_note(
        notes,
        "2025-10-03 rachel.md",
        f"## Raise\n\n{filler} Rachel said to ask for a raise with market data and a written list of wins.\n",
        date="2025-10-03",
        mentor="Rachel",
        kind="session",
    )
    write_note(
        notes,
        "2025-11-14 dev.md",
        "## Hiring\n\nDev suggested structured interviews and a scorecard written before the first CV.\n",
        date="2025-11-14",
        mentor="Dev",
        kind="session",
    )
    with pytest.MonkeyPatch.context() as patch:  # never read the developer's config file
        patch.setenv("COACH_CONFIG_FILE", str(base / "none.toml"))
        # The model's summary is what these bars are about (by default the bundled model writes none).
        settings = load_settings(notes_dir=notes, data_dir=base / "data", ask_prose="always")
    embedder = HashEmbedder()
    engine = Engine(settings, index_embedder=embedder, query_embedder=embedder)
    engine.sync()
    return CoachService(settings, engine=engine, today=date(2026, 1, 5))


@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_cite_only_retrieved_sources_briefly_and_without_repeats(service, question):
    result = service.ask_blocking(question)
    sentences = [s.strip().casefold() for s in re.split(r"(?<=[.!?])\s+", result.summary) if s.strip()]
    assert result.status == "complete" and result.answer and result.mode == "prose"
    assert len(result.summary.split()) <= MAX_WORDS
    assert len(sentences) == len(set(sentences)), result.answer
    # Anything bracketed that looks like a citation (a year or "principle:") must be a verified one.
    brackets = re.findall(r"\[([^\]]+)\]", result.answer)
    shown = {b for b in brackets if re.search(r"\b(?:19|20)\d\d\b|principle\s*:", b, re.IGNORECASE)}
    retrieved = {note_label(hit) for hit in result.sources}
    assert shown <= retrieved, (shown, retrieved)


def test_the_prompt_fits_the_small_model_budget(service):
    for question in QUESTIONS:
        reply = service.chat_model.invoke(prompt_messages(service, question), max_tokens=1)
        assert 0 < reply.usage_metadata["input_tokens"] <= MAX_PROMPT_TOKENS
