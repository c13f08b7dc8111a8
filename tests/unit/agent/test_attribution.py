"""Whose words a quote is: only text the note attributes to a mentor, said to the mentee, one section each."""

from __future__ import annotations

from datetime import date

from coach.agent.growth.mentor_words import mentor_words, note_mentor_words
from coach.agent.people import people_of, same_person
from coach.notes.model import Note


def note(path: str, day: str, body: str, **fields) -> Note:
    fields.setdefault("kind", "session")
    return Note(path=path, title=fields.pop("title", path), body=body, date=date.fromisoformat(day),
                date_source="front_matter", body_offset=1, **fields)


FOLDER = [note("k1.md", "2025-01-01", "", mentor="Kwame Asante"), note("k2.md", "2025-02-01", "", mentor="Kwame"),
          note("h1.md", "2025-01-05", "", mentor="Dr Helen Okonkwo-Shaw"),
          note("h3.md", "2025-01-25", "", mentor="Helen Okonkwo-Shaw"),
          note("h2.md", "2025-02-05", "", mentor="Helen O-S"),
          note("j.md", "2025-02-06", "", mentor="Josh", role="mentor"),
          note("j2.md", "2025-03-06", "", mentor="Josh")]
PEOPLE = people_of(FOLDER)


def words(body: str, **fields) -> list[tuple[str, str, str]]:
    fields.setdefault("mentor", "Kwame Asante")
    found = note_mentor_words(note("n.md", "2025-03-01", body, **fields), PEOPLE)
    return [(w.mentor, w.quote, w.form) for w in found]


def test_spellings_of_one_mentor_are_one_person_and_the_users_mentee_is_no_mentor():
    assert same_person("Helen O-S", "Dr Helen Okonkwo-Shaw") and same_person("Kwame", "Kwame Asante")
    assert not same_person("Helen O-S", "Kwame Asante")
    assert set(PEOPLE.mentors) == {"Kwame Asante", "Helen Okonkwo-Shaw"}
    assert PEOPLE.person_of("Helen O-S") == "Helen Okonkwo-Shaw"


def test_a_quote_with_a_cue_naming_the_mentor_is_theirs():
    assert words('Kwame said: "You will be better at this than anyone."') == [
        ("Kwame Asante", "You will be better at this than anyone.", "quote")]
    assert words('"You looked like you were enjoying it," Helen said.', mentor="Helen O-S") == [
        ("Helen Okonkwo-Shaw", "You looked like you were enjoying it,", "quote")]


def test_the_mentees_narration_and_other_peoples_words_are_never_a_mentors():
    assert words("Told Kwame I'll mentor a trainee again next year, you know.") == []
    assert words('I said "you can count on me" and meant it.') == []
    assert words('Sue said "you should put him in isolation" and I said no.') == []
    assert words('Asked Sue about the duty swap — she said "you can swap in May".') == []


def test_a_pronoun_is_the_mentor_only_when_it_can_be_no_one_else():
    assert words('Told Kwame about it. He said "I had already put your name down".', mentor="Helen O-S") == [
        ("Kwame Asante", "I had already put your name down", "quote")]
    assert words('She answered with a plan. He said "what do you need from me to do it?"') == []


def test_words_said_to_someone_else_are_not_words_to_the_mentee():
    assert words('He replied to the Year 11: "It was a fair paper. You will know in August."') == []
    body = 'He said "thank you for telling me, you did the right thing".'
    assert words(body, kind="other") == []  # a day watching the mentor at work: said to whoever was there
    assert words(body) == [("Kwame Asante", "thank you for telling me, you did the right thing", "quote")]


def test_a_transcript_line_is_its_speakers():
    body = ("HELEN: Count five in your head before you take anyone.\nME: I'll look at the pack tonight.\n"
            "HELEN: Good. Tonight, not next week, you hear?\nME: Fine.\n")
    found = words(body, mentor=None)
    assert [(who, form) for who, _, form in found] == [("Helen Okonkwo-Shaw", "transcript")] * 2
    assert "look at the pack" not in " ".join(q for _, q, _ in found)


def test_a_lead_in_covers_the_quotes_listed_below_it():
    body = ("Her advice is quite different from Kwame's:\n"
            '- "Ring her yourself before the meeting, you will see."\n'
            '- Write it as something he can do: "Stand still when you give instructions"\n')
    assert words(body, mentor="Helen Okonkwo-Shaw") == [
        ("Helen Okonkwo-Shaw", "Ring her yourself before the meeting, you will see.", "quote")]


def test_reported_recognition_is_kept_as_the_mentee_wrote_it_and_marked():
    body = "Then he pointed out that I wasn't nervous at all.\nHe said I should book the room earlier.\n"
    assert words(body) == [("Kwame Asante", "Then he pointed out that I wasn't nervous at all.", "reported")]


def test_every_mentor_gets_their_own_share():
    many = "\n".join(f'Kwame said "you did well on number {i}, honestly".' for i in range(10))
    helen = note("h.md", "2025-03-02", 'Helen said "you are ready for this".', mentor="Helen Okonkwo-Shaw")
    found = mentor_words([note("n.md", "2025-03-01", many, mentor="Kwame Asante"), helen], PEOPLE, per_mentor=3)
    assert [w.mentor for w in found].count("Kwame Asante") == 3
    assert [w.mentor for w in found].count("Helen Okonkwo-Shaw") == 1
