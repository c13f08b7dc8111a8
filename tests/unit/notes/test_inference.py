"""Folder-level inference of mentors and kinds from what other notes' front matter says."""

from __future__ import annotations

from datetime import date

from coach.notes.inference import infer_from_folder
from coach.notes.model import Note


def note(
    path: str,
    *,
    title: str | None = None,
    body: str = "Some text.",
    mentor: str | None = None,
    kind: str = "other",
    front_matter: bool = False,
) -> Note:
    """A Note as the reader would build it; front matter means the body starts after line 1."""
    return Note(
        path=path,
        title=title or path.rsplit(".", 1)[0],
        body=body,
        date=date(2025, 3, 1),
        date_source="front_matter" if front_matter else "filename",
        mentor=mentor,
        kind=kind,
        body_offset=5 if front_matter else 1,
    )


GRACE = note("2025-01-10 kickoff.md", mentor="Grace Mbeki", kind="session", front_matter=True)
TOMAS = note("2025-01-20 chat.md", mentor="Tomás Reyes", kind="session", front_matter=True)


def by_path(notes: list[Note]) -> dict[str, Note]:
    return {item.path: item for item in notes}


def test_short_guess_upgraded_to_front_matter_spelling() -> None:
    guessed = note("2025-02-01 call with Grace.md", mentor="Grace", kind="session")
    out = by_path(infer_from_folder([GRACE, TOMAS, guessed]))
    result = out[guessed.path]
    assert result.mentor == "Grace Mbeki"
    assert result.extra["mentor_source"] == "inferred"
    assert result.kind == "session"


def test_mentor_from_lowercase_file_name_and_kind_becomes_session() -> None:
    bare = note("2025-02-14 grace.md", body="Talked about hiring.")
    out = by_path(infer_from_folder([GRACE, TOMAS, bare]))
    assert (out[bare.path].mentor, out[bare.path].kind) == ("Grace Mbeki", "session")
    assert out[bare.path].extra["mentor_source"] == "inferred"


def test_mentor_from_surname_in_call_title() -> None:
    titled = note("2025-03-03.md", title="Call with Reyes", body="Budget, again.")
    result = infer_from_folder([GRACE, TOMAS, titled])[-1]
    assert (result.mentor, result.kind) == ("Tomás Reyes", "session")


def test_mentor_from_first_lines_needs_a_capitalised_name() -> None:
    header = note("notes_2025-04-02.txt", body="2 Apr 2025 - Tomás\n\nwe covered roadmaps")
    prose = note("2025-04-09.md", body="started on grace periods for invoices today")
    out = by_path(infer_from_folder([GRACE, TOMAS, header, prose]))
    assert (out[header.path].mentor, out[header.path].kind) == ("Tomás Reyes", "session")
    assert (out[prose.path].mentor, out[prose.path].kind) == (None, "other")


def test_two_mentors_named_is_left_alone() -> None:
    both = note("2025-05-05 grace and tomas.md", body="Joint call.")
    guessed = note("2025-05-06 with Sam.md", mentor="Sam", kind="session")
    shared = [
        note("a.md", mentor="Sam Okoro", front_matter=True),
        note("b.md", mentor="Sam Lind", front_matter=True),
    ]
    out = by_path(infer_from_folder([GRACE, TOMAS, both, guessed, *shared]))
    assert out[both.path].mentor is None and out[both.path].kind == "other"
    assert "mentor_source" not in out[both.path].extra
    assert out[guessed.path].mentor == "Sam"  # fits both Sams: kept as guessed


def test_accents_are_ignored_when_matching() -> None:
    plain = note("2025-05-07 tomas catch-up.md")
    assert infer_from_folder([GRACE, TOMAS, plain])[-1].mentor == "Tomás Reyes"


def test_shared_first_name_resolved_by_an_identifying_word() -> None:
    shared = [
        note("a.md", mentor="Sam Okoro", front_matter=True),
        note("b.md", mentor="Sam Lind", front_matter=True),
    ]
    okoro = note("2025-06-01 okoro 1-1.md")
    out = by_path(infer_from_folder([*shared, okoro]))
    assert (out[okoro.path].mentor, out[okoro.path].kind) == ("Sam Okoro", "session")


def test_front_matter_mentor_never_overwritten() -> None:
    own = note(
        "2025-07-01 call with Grace Mbeki.md", mentor="Grace", kind="session", front_matter=True
    )
    out = by_path(infer_from_folder([GRACE, TOMAS, own]))
    assert out[own.path].mentor == "Grace"
    assert out[own.path].extra["mentor_source"] == "front_matter"
    assert out[GRACE.path].extra["mentor_source"] == "front_matter"
    # The short spelling is the same person, so it does not make "Grace" ambiguous.
    bare = note("2025-07-02 grace.md")
    assert infer_from_folder([GRACE, own, bare])[-1].mentor == "Grace Mbeki"


def test_front_matter_without_mentor_uses_name_not_body() -> None:
    named = note("reflection - a year with grace.md", kind="reflection", front_matter=True)
    mention = note(
        "reflection - hiring.md", body="Grace said to hire slowly.", kind="reflection",
        front_matter=True,
    )
    out = by_path(infer_from_folder([GRACE, named, mention]))
    assert (out[named.path].mentor, out[named.path].kind) == ("Grace Mbeki", "reflection")
    assert out[mention.path].mentor is None


def test_kind_rules() -> None:
    agenda = note("agenda for grace.md")
    reflection = note("2025-08-01 reflection grace.md")
    topic = note("2025-08-02 hiring.md", body="Grace Mbeki\n\nHiring plan.")
    explicit = note("2025-08-03 grace.md", front_matter=True)  # may be `kind: other`
    out = by_path(infer_from_folder([GRACE, agenda, reflection, topic, explicit]))
    assert out[agenda.path].kind == "agenda"
    assert out[reflection.path].kind == "reflection"
    # Mentor found in the body, but neither name nor title reads like a meeting.
    assert (out[topic.path].mentor, out[topic.path].kind) == ("Grace Mbeki", "other")
    assert (out[explicit.path].mentor, out[explicit.path].kind) == ("Grace Mbeki", "other")


def test_no_known_mentors_changes_nothing_but_provenance() -> None:
    guessed = note("2025-09-01 with Lee.md", mentor="Lee", kind="session")
    plain = note("2025-09-02.md")
    out = infer_from_folder([guessed, plain])
    assert [item.mentor for item in out] == ["Lee", None]
    assert out[0].extra == {"mentor_source": "inferred"} and out[1].extra == {}


def test_input_notes_are_not_mutated() -> None:
    bare = note("2025-10-01 grace.md")
    infer_from_folder([GRACE, bare])
    assert bare.mentor is None and bare.extra == {} and GRACE.extra == {}


def test_a_spelling_with_initials_is_the_same_person_so_the_first_name_still_identifies() -> None:
    full = note("2025-01-05 kickoff.md", mentor="Priya Nair-Shah", kind="session", front_matter=True)
    short = note("2025-02-05 catch-up.md", mentor="Priya N-S", kind="session", front_matter=True)
    bare = note("priya_2025-03-01.txt", body="Budget, again.")
    result = by_path(infer_from_folder([full, short, bare, GRACE]))[bare.path]
    assert result.mentor == "Priya Nair-Shah"


def test_a_file_named_by_a_mentor_s_initial_is_theirs_and_a_session() -> None:
    initial = note("2025-04-15 T.md", body="T, 15 April\n\nMarkbook: done.")
    out = by_path(infer_from_folder([GRACE, TOMAS, initial]))
    assert (out[initial.path].mentor, out[initial.path].kind) == ("Tomás Reyes", "session")


def test_an_initial_two_mentors_share_or_a_lower_case_letter_names_no_one() -> None:
    gina = note("2025-01-11 hello.md", mentor="Gina Ruiz", kind="session", front_matter=True)
    shared = note("2025-04-15 G.md")
    lower = note("2025-04-16 t.md")
    out = by_path(infer_from_folder([GRACE, TOMAS, gina, shared, lower]))
    assert out[shared.path].mentor is None
    assert out[lower.path].mentor is None
