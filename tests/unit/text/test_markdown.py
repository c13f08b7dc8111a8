"""coach.text.markdown: blocks with kinds, labels, headings, depth and file line numbers."""

from __future__ import annotations

from coach.text import label_of, read_blocks, split_front_matter


def _kinds(blocks):
    return [(b.kind, b.text, b.start, b.end) for b in blocks]


def test_front_matter_is_skipped_and_lines_count_from_the_file():
    text = "---\ndate: 2026-01-01\n---\n# Session\n\nWe met."
    blocks = read_blocks(text)
    assert _kinds(blocks) == [("heading", "Session", 4, 4), ("paragraph", "We met.", 6, 6)]
    assert blocks[1].headings == ("Session",)


def test_a_body_passed_with_its_first_line():
    body = "---\n\nText\n\n---\nmore"  # a body's leading rule is not front matter
    assert [(b.text, b.start) for b in read_blocks(body, first_line=5, front_matter=False)] == [
        ("Text", 7), ("more", 10)]


def test_crlf_and_horizontal_rules_keep_line_numbers():
    text = "# A\r\n\r\nOne.\r\n\r\n---\r\n\r\nTwo.\r\n"
    assert _kinds(read_blocks(text)) == [("heading", "A", 1, 1), ("paragraph", "One.", 3, 3),
                                        ("paragraph", "Two.", 7, 7)]
    assert "\r" not in read_blocks(text)[1].raw


def test_setext_headings_and_heading_paths():
    blocks = read_blocks("Top\n===\n\n## Sub\n\nText\n\nOther\n-----\n\nMore")
    assert [(b.kind, b.start, b.end, b.level) for b in blocks if b.kind == "heading"] == [
        ("heading", 1, 2, 1), ("heading", 4, 4, 2), ("heading", 8, 9, 2)]
    assert blocks[2].headings == ("Top", "Sub")
    assert blocks[-1].headings == ("Top", "Other") and blocks[-1].heading == "Other"


def test_plain_lines_after_a_label_are_one_block_each_under_it():
    blocks = read_blocks("To do:\nbook the room\ncall Ade\n\nLater prose.")
    assert _kinds(blocks) == [("label", "To do", 1, 1), ("paragraph", "book the room", 2, 2),
                              ("paragraph", "call Ade", 3, 3), ("paragraph", "Later prose.", 5, 5)]
    assert [b.label for b in blocks] == ["", "To do", "To do", ""]


def test_a_list_after_a_label_belongs_to_it_then_prose_ends_its_reach():
    blocks = read_blocks("**Actions**\n\n- one\n  - nested\n- two\n\nAfterwards we talked.")
    assert [(b.kind, b.label, b.depth) for b in blocks] == [
        ("label", "", 0), ("list_item", "Actions", 1), ("list_item", "Actions", 2),
        ("list_item", "Actions", 1), ("paragraph", "", 0)]


def test_checkboxes_carry_their_state():
    blocks = read_blocks("- [x] sent it\n- [ ] book **room**\n- [X] done too\n- plain")
    assert [(b.kind, b.text, b.checked) for b in blocks] == [
        ("checkbox", "sent it", True), ("checkbox", "book room", False), ("checkbox", "done too", True),
        ("list_item", "plain", None)]
    assert blocks[1].raw == "- [ ] book **room**"


def test_prose_at_the_margin_after_an_item_is_not_part_of_it():
    blocks = read_blocks("- book the room\n  and the projector\nThen we talked.")
    assert _kinds(blocks) == [("list_item", "book the room\nand the projector", 1, 2),
                              ("paragraph", "Then we talked.", 3, 3)]


def test_transcript_speaker_lines():
    text = "HELEN: So. Tell me.\nME: I was nervous\nabout it.\nHELEN: Fine.\nME: Yes.\n\nNPQ: opens in May."
    blocks = read_blocks(text)
    assert [(b.kind, b.speaker, b.text, b.start, b.end) for b in blocks] == [
        ("speaker", "HELEN", "So. Tell me.", 1, 1), ("speaker", "ME", "I was nervous\nabout it.", 2, 3),
        ("speaker", "HELEN", "Fine.", 4, 4), ("speaker", "ME", "Yes.", 5, 5),
        ("paragraph", "", "NPQ: opens in May.", 7, 7)]


def test_named_speakers_in_any_case():
    blocks = read_blocks("Ade: delegate more.\nMe: ok", speakers=("Ade", "me"))
    assert [(b.kind, b.speaker, b.text) for b in blocks] == [("speaker", "Ade", "delegate more."),
                                                              ("speaker", "Me", "ok")]


def test_quotes_and_code_are_their_own_kinds():
    blocks = read_blocks("> She said\n> go\n\n```\n# not a heading\n```\n    indented text")
    assert _kinds(blocks) == [("quote", "She said\ngo", 1, 2), ("code", "# not a heading", 4, 6),
                              ("paragraph", "indented text", 7, 7)]


def test_label_of():
    assert label_of("Next steps:") == "Next steps"
    assert label_of("**Actions**") == "Actions" and label_of("**Plan:**") == "Plan"
    assert label_of("Also: we met") is None and label_of("- item:") is None


def test_split_front_matter_needs_a_closing_line():
    assert split_front_matter(["---", "a: 1", "---", "x"]) == 3
    assert split_front_matter(["---", "no end"]) == 0


def test_a_short_unpunctuated_line_straight_above_a_list_labels_it():
    blocks = read_blocks("To do\n- book the venue\n\nWe met. It went well.\n- a list after prose\n")
    assert [(b.kind, b.text, b.label) for b in blocks] == [
        ("label", "To do", ""), ("list_item", "book the venue", "To do"),
        ("paragraph", "We met. It went well.", ""), ("list_item", "a list after prose", "")]


def test_a_sentence_or_a_long_line_above_a_list_is_not_a_label():
    for intro in ("We agreed on three things.", "The things that we talked about at length today"):
        assert read_blocks(f"{intro}\n- one\n")[0].kind == "paragraph"
