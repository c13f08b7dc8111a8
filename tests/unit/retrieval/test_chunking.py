"""chunk_note: stable ids, model-window limits (real tokenizer), line mapping, headings, no lost text."""

from __future__ import annotations

import random
from datetime import date

import pytest

from coach.notes.model import Note
from coach.retrieval.chunking import MAX_TOKENS, chunk_note, embed_text
from coach.retrieval.embeddings import MAX_SEQ_TOKENS, TokenCounter

VOCAB = [
    "delegation",
    "feedback",
    "roadmap",
    "stakeholder",
    "promotion",
    "quarterly",
    "conversation",
    "expectations",
    "mentoring",
    "ownership",
    "hiring",
    "budget",
    "onboarding",
    "priorities",
    "visibility",
    "sponsorship",
]


@pytest.fixture(scope="module")
def count() -> TokenCounter:
    return TokenCounter()


def make_note(
    body: str, path: str = "2025/weekly-sync.md", body_offset: int = 1, title: str = "Weekly sync"
) -> Note:
    return Note(
        path=path,
        title=title,
        body=body,
        date=date(2025, 3, 4),
        date_source="filename",
        body_offset=body_offset,
    )


def prose(words: int, seed: int, sentence: int | None = 12) -> str:
    """Deterministic filler text; `sentence` words per sentence (None: one endless sentence)."""
    rng = random.Random(seed)
    out = []
    for i in range(words):
        word = rng.choice(VOCAB)
        if sentence and (i + 1) % sentence == 0:
            word += "."
        out.append(word)
    return " ".join(out)


def multi_section_body() -> str:
    """Headings, multi-line paragraphs and blank-line runs: enough text for several chunks."""
    parts = ["Intro line before any heading.", ""]
    for section in range(4):
        parts.append(f"## Section {section} topic")
        for para in range(3):
            for line in range(3):
                parts.append(f"s{section}p{para}l{line} " + prose(14, seed=section * 100 + para * 10 + line))
            parts.extend(["", ""] if para % 2 else [""])
    return "\n".join(parts)


def all_words(chunks) -> set[str]:
    return {word for chunk in chunks for word in chunk.text.split()}


# -- ids ---------------------------------------------------------------------------------


def test_ids_are_stable_across_calls_and_unique_within_a_note(count):
    note = make_note(multi_section_body())
    first = chunk_note(note, count)
    second = chunk_note(note, count)
    assert len(first) > 3
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)
    assert [c.index for c in first] == list(range(len(first)))


def test_ids_depend_on_path_not_on_text(count):
    body = "## One\nThe first section talks about hiring.\n\n## Two\nThe second one about budgets.\n"
    original = chunk_note(make_note(body, path="a.md"), count)
    edited = chunk_note(make_note(body.replace("hiring", "onboarding and hiring"), path="a.md"), count)
    moved = chunk_note(make_note(body, path="b.md"), count)

    assert len(original) == 2
    # same path + position -> same id (an upsert replaces the old passage) even though text changed
    assert [c.id for c in edited] == [c.id for c in original]
    assert edited[0].text != original[0].text
    assert edited[0].sha256 != original[0].sha256
    # another path never collides
    assert not {c.id for c in moved} & {c.id for c in original}
    # position matters: the two chunks of one note differ
    assert original[0].id != original[1].id


# -- the model window --------------------------------------------------------------------

HUGE_LINE_WORDS = 100_000 // 10  # ~100k characters on one line, no sentence ends


def _huge_line() -> str:
    line = prose(HUGE_LINE_WORDS + 2000, seed=7, sentence=None)[:100_000]
    return line.rsplit(" ", 1)[0]


URL = "https://wiki.example.com/" + "".join(f"seg{i:04d}/" for i in range(625))  # ~5,000 chars, no spaces

HARD_BODIES = {
    "long paragraphs": "\n\n".join(prose(400, seed=i) for i in range(4)),
    "long paragraph without sentence ends": prose(900, seed=3, sentence=None),
    "one 100k-char line": _huge_line(),
    "5k-char url token": f"Read the design doc at {URL} before Thursday.\nThen summarise it.",
    "emoji and rtl": " ".join(
        ["Great 1:1 😀🎉👍🏽 מה שלומך היום مرحبا بالعالم وداعا 🇩🇪 فريق"] * 60
        + ["feedback. ", "תודה רבה!"] * 40
    ),
}


@pytest.fixture(scope="module")
def hard_chunks(count):
    return {name: chunk_note(make_note(body), count) for name, body in HARD_BODIES.items()}


@pytest.mark.parametrize("name", list(HARD_BODIES))
def test_every_chunk_fits_the_token_limit(name, hard_chunks, count):
    chunks = hard_chunks[name]
    assert chunks
    sizes = [count(c.text) for c in chunks]
    assert max(sizes) <= MAX_TOKENS, sizes
    assert all(c.text.strip() for c in chunks)


@pytest.mark.parametrize("name", list(HARD_BODIES))
def test_embedded_text_with_a_short_title_fits_the_model(name, hard_chunks, count):
    for chunk in hard_chunks[name]:
        assert count(embed_text("Weekly 1:1 with Sam", chunk, ("feedback", "career"))) <= MAX_SEQ_TOKENS


@pytest.mark.parametrize("name", list(HARD_BODIES))
def test_hard_bodies_lose_no_characters(name, hard_chunks):
    """Over-long tokens may be cut into pieces, but every word's characters survive in order."""
    joined = "".join("".join(c.text.split()) for c in hard_chunks[name])
    for word in set(HARD_BODIES[name].split()):
        assert word in joined, word[:60]


def test_the_url_is_kept_intact_when_chunk_boundaries_are_ignored(hard_chunks):
    joined = "".join("".join(c.text.split()) for c in hard_chunks["5k-char url token"])
    assert URL in joined


def test_a_long_paragraph_is_split_into_several_chunks(hard_chunks):
    assert len(hard_chunks["long paragraph without sentence ends"]) > 1
    assert len(hard_chunks["one 100k-char line"]) > 10


def test_default_counter_also_keeps_chunks_within_the_real_limit(count):
    for body in (HARD_BODIES["5k-char url token"], "漢字かなカナ" * 3000):
        chunks = chunk_note(make_note(body))
        assert max(count(c.text) for c in chunks) <= MAX_TOKENS


# -- line mapping ------------------------------------------------------------------------


def _file_and_note(body: str, front: bool) -> tuple[list[str], Note]:
    head = ["---", "title: Weekly sync", "date: 2025-03-04", "mentor: Sam", "---"] if front else []
    file_text = "\n".join(head + [body])
    return file_text.split("\n"), make_note(body, body_offset=len(head) + 1)


@pytest.mark.parametrize("front", [True, False], ids=["front-matter", "no-front-matter"])
def test_start_and_end_lines_point_at_the_chunk_text_in_the_file(front, count):
    lines, note = _file_and_note(multi_section_body(), front)
    chunks = chunk_note(note, count)
    assert len(chunks) > 3
    for chunk in chunks:
        text_lines = chunk.text.split("\n")
        assert 1 <= chunk.start_line <= chunk.end_line <= len(lines)
        assert lines[chunk.start_line - 1].rstrip() == text_lines[0]
        assert lines[chunk.end_line - 1].rstrip() == text_lines[-1]
    starts = [c.start_line for c in chunks]
    assert starts == sorted(starts)


def test_pieces_of_a_split_paragraph_map_into_its_line_span(count):
    para_lines = [prose(60, seed=i, sentence=None) for i in range(8)]  # one paragraph, 8 long lines
    body = "## Notes\nShort opener.\n\n" + "\n".join(para_lines) + "\n\nClosing remark.\n"
    lines, note = _file_and_note(body, front=True)
    chunks = chunk_note(note, count)
    assert len(chunks) > 2
    for chunk in chunks:
        span = " ".join(lines[chunk.start_line - 1 : chunk.end_line])
        first_words = " ".join(chunk.text.split()[:3])
        assert first_words in " ".join(span.split())
    closing = [c for c in chunks if "Closing remark." in c.text][-1]
    assert lines[closing.end_line - 1] == "Closing remark."


# -- headings, empties, completeness ------------------------------------------------------


def test_headings_are_carried_to_their_chunks(count):
    body = (
        "Before any heading.\n\n"
        "# Goals\nGrow as a tech lead.\n\n"
        "## Risks ##\nBurnout from on-call.\n\n"
        "#hashtag is not a heading\n"
    )
    chunks = chunk_note(make_note(body), count)
    by_text = {c.text: c.heading for c in chunks}
    heading_of = {
        snippet: next(c.heading for c in chunks if snippet in c.text)
        for snippet in ("Before any heading.", "Grow as a tech lead.", "Burnout from on-call.", "#hashtag")
    }
    assert heading_of == {
        "Before any heading.": "",
        "Grow as a tech lead.": "Goals",
        "Burnout from on-call.": "Risks",
        "#hashtag": "Risks",
    }
    # heading lines themselves are context, not passage text
    assert not any(text.lstrip().startswith("# ") for text in by_text)


def test_a_chunk_never_mixes_text_from_two_sections(count):
    chunks = chunk_note(make_note(multi_section_body()), count)
    for chunk in chunks:
        sections = {word[1] for word in chunk.text.split() if word.startswith("s") and word[1:2].isdigit()}
        assert len(sections) <= 1, (chunk.heading, sections)
        if sections:
            assert chunk.heading == f"Section {sections.pop()} topic"


def test_hash_lines_inside_code_fences_are_not_headings(count):
    body = "## Setup\nRun this first:\n\n```bash\n# install the tools\npip install coach\n```\n\nThen open the dashboard.\n"
    chunks = chunk_note(make_note(body), count)
    assert any("# install the tools" in c.text for c in chunks)
    assert all(c.heading == "Setup" for c in chunks)


@pytest.mark.parametrize("body", ["", "\n\n", "   \n\t\n"])
def test_an_empty_body_gives_no_chunks(body, count):
    assert chunk_note(make_note(body), count) == []


def test_no_word_of_the_body_is_lost(count):
    body = multi_section_body() + "\n\n" + "\n\n".join(prose(350, seed=50 + i) for i in range(3))
    chunks = chunk_note(make_note(body), count)
    text_lines = [line for line in body.split("\n") if not line.lstrip().startswith("#")]
    expected = {word for line in text_lines for word in line.split()}
    missing = expected - all_words(chunks)
    assert not missing
    headings = {c.heading for c in chunks}
    assert {f"Section {i} topic" for i in range(4)} <= headings


def test_chunks_carry_the_note_path(count):
    chunks = chunk_note(make_note(multi_section_body(), path="mentors/sam/2025-03-04.md"), count)
    assert {c.path for c in chunks} == {"mentors/sam/2025-03-04.md"}
