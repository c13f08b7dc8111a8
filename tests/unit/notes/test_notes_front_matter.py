"""Front matter: only a real leading block is removed, and bad blocks never lose body text."""

from __future__ import annotations

import time
from datetime import date

import pytest

from coach.notes.front_matter import split_front_matter
from coach.notes.model import Note, Skipped


def _malformed(note: Note) -> list[str]:
    return [w for w in note.warnings if w.startswith("malformed front matter")]


def test_valid_front_matter_parsed_and_removed(read) -> None:
    text = "---\ndate: 2025-09-12\nmentor: ' Ade Okafor '\nkind: Session\ntags: [a, b]\nrole: Mentee\nmood: good\n---\nBody here\n"
    note = read("x.md", text)
    assert isinstance(note, Note)
    assert (note.date, note.date_source) == (date(2025, 9, 12), "front_matter")
    assert (note.mentor, note.kind, note.tags, note.role) == (
        "Ade Okafor",
        "session",
        ("a", "b"),
        "mentee",
    )
    assert note.extra == {"mood": "good"}
    assert note.body == "Body here\n"
    assert note.body_offset == 9
    assert text.split("\n")[note.body_offset - 1] == "Body here"
    assert note.warnings == ()


def test_dot_dot_dot_closes_block(read) -> None:
    note = read("x.md", "---\ntitle: T\n...\nbody\n")
    assert (note.title, note.body, note.body_offset) == ("T", "body\n", 4)


def test_only_front_matter_skipped(read) -> None:
    result = read("x.md", "---\ndate: 2025-01-01\nmentor: Ade\n---\n\n  \n")
    assert result == Skipped("x.md", "no text after front matter")


def test_horizontal_rule_without_closing_keeps_all_text(read) -> None:
    text = "---\n\nSome thoughts after the call.\nMore thoughts.\n"
    note = read("2025-03-04 rule.md", text)
    assert isinstance(note, Note)
    assert note.body == text
    assert note.body_offset == 1
    assert _malformed(note) == [
        "malformed front matter (line 1): opening '---' has no closing '---' line"
    ]
    assert note.date_source == "filename"


def test_horizontal_rules_around_prose_keep_all_text(read) -> None:
    text = "---\nIt was a long week, honestly.\n---\n\nNext time I will ask for help.\n"
    note = read("rules.md", text)
    assert note.body == text
    assert len(_malformed(note)) == 1
    assert "not a mapping" in _malformed(note)[0]


def test_body_of_only_horizontal_rules_is_kept(read) -> None:
    text = "---\n\n---\n\n---\n"
    note = read("hr.md", text)
    assert isinstance(note, Note)
    assert note.body.strip() == "---"


def test_rule_later_in_file_is_not_front_matter(read) -> None:
    text = "Intro line\n---\ntitle: not front matter\n---\nend\n"
    note = read("later.md", text)
    assert note.body == text
    assert note.extra == {} and note.title == "later"
    assert note.warnings == ()


def test_yaml_syntax_error_reports_file_line_and_keeps_text(read) -> None:
    text = "---\ndate: 2025-01-02\ntitle: a: b: c\n---\nbody\n"
    note = read("bad.md", text)
    assert note.body == text
    warnings = _malformed(note)
    assert len(warnings) == 1
    assert warnings[0].startswith("malformed front matter (line 3):")


def test_tab_indentation_is_reported_not_fatal(read) -> None:
    note = read("tab.md", "---\ntags:\n\t- a\n---\nbody\n")
    assert isinstance(note, Note)
    assert len(_malformed(note)) == 1
    assert note.body.endswith("body\n")


def test_scalar_block_is_not_a_mapping(read) -> None:
    note = read("scalar.md", "---\njust a sentence\n---\nbody\n")
    assert note.body.startswith("---\njust a sentence")
    assert "str, not a mapping" in _malformed(note)[0]


def test_empty_block_is_empty_front_matter(read) -> None:
    note = read("empty.md", "---\n---\nbody\n")
    assert (note.body, note.body_offset, note.warnings) == ("body\n", 3, ())


def test_alias_bomb_rejected_fast(read) -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "---\n" + "\n".join(levels) + "\n---\nbody\n"
    start = time.perf_counter()
    note = read("bomb.md", text)
    assert time.perf_counter() - start < 1.0
    assert note.body == text
    assert "alias" in _malformed(note)[0]
    assert note.extra == {}


def test_few_aliases_still_allowed(read) -> None:
    note = read("alias.md", "---\nbase: &b x\ncopy: *b\n---\nbody\n")
    assert note.extra == {"base": "x", "copy": "x"}


def test_oversized_block_rejected(read) -> None:
    text = "---\nnotes: '" + "x" * 70_000 + "'\n---\nbody\n"
    note = read("bigfm.md", text)
    assert note.body == text
    assert "byte limit" in _malformed(note)[0]


def test_deep_nesting_does_not_crash(read) -> None:
    text = "---\nk: " + "[" * 30_000 + "]" * 30_000 + "\n---\nbody\n"
    start = time.process_time()
    note = read("deep.md", text)
    assert time.process_time() - start < 5.0  # CPU time: linear, not the wall clock of a loaded machine
    assert note.body == text
    assert "nested more than" in _malformed(note)[0]


def test_python_tags_refused_by_safe_loader(read) -> None:
    note = read(
        "tag.md", "---\nx: !!python/object/apply:os.system ['echo hi']\n---\nbody\n"
    )
    assert note.extra == {}
    assert len(_malformed(note)) == 1


def test_templater_and_yes_no_values(read) -> None:
    note = read(
        "tpl.md",
        "---\ndate: <% tp.date.now() %>\npublish: yes\ndraft: off\n---\nbody\n",
    )
    assert note.extra == {"publish": True, "draft": False}
    assert note.date_source == "mtime"
    assert any("'date' is not a date" in w for w in note.warnings)


def test_impossible_yaml_date_is_not_a_crash(read) -> None:
    note = read("2025-05-06 x.md", "---\ndate: 2025-02-30\n---\nbody\n")
    assert (note.date, note.date_source) == (date(2025, 5, 6), "filename")
    assert note.warnings == (
        "front matter 'date' is not a date: '2025-02-30'; ignored",
    )


def test_wrong_types_warn_and_fall_back(read) -> None:
    text = "---\ndate: next Tuesday\ntags: 5\nmentor: [Ade, Rachel]\nkind: 7\nrole: [x]\ntitle: {a: 1}\n---\n# Heading\nbody\n"
    note = read("2025-04-01 wrong.md", text)
    assert isinstance(note, Note)
    assert (note.date, note.date_source) == (date(2025, 4, 1), "filename")
    assert note.tags == ()
    assert note.mentor == "Ade"
    assert note.kind == "session"  # inferred: a mentor is known
    assert note.role is None
    assert note.title == "Heading"
    assert len(note.warnings) == 6


def test_unknown_kind_becomes_other_with_warning(read) -> None:
    note = read("k.md", "---\nkind: Brainstorm\n---\nbody\n")
    assert note.kind == "other"
    assert note.warnings == ("unknown kind 'Brainstorm'; using 'other'",)


def test_tags_from_comma_string_and_mixed_list(read) -> None:
    assert read("t1.md", "---\ntags: ' a, b ,,a'\n---\nx\n").tags == ("a", "b")
    assert read("t2.md", "---\ntags: [x, 2, [nested]]\n---\nx\n").tags == ("x", "2")


def test_mentors_list_first_item(read) -> None:
    assert read("m.md", "---\nmentors: [Rachel, Dev]\n---\nx\n").mentor == "Rachel"


def test_uppercase_keys_and_duplicates(read) -> None:
    note = read("u.md", "---\nDate: 2024-01-02\nTitle: Up\ntitle: up\n---\nx\n")
    assert (note.date, note.title) == (date(2024, 1, 2), "Up")
    assert note.extra == {}


def test_colon_in_quoted_value(read) -> None:
    assert read("c.md", "---\ntitle: 'Re: comp'\n---\nx\n").title == "Re: comp"


@pytest.mark.parametrize("text", ["", "---", "---\n", "\n---\n---\n"])
def test_split_never_raises_on_degenerate_input(text: str) -> None:
    parts = split_front_matter(text)
    assert (parts.body, parts.present) == (text, False)
