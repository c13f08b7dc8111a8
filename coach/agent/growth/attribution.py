"""Who said a quote, and to whom: the rules that keep "your mentor's words" the mentor's.

A quote is a mentor's only when the text attributes it to them: a speaker label in a transcript
("HELEN: …"), a speech cue naming them ("Kwame said: “…”", "“…,” she said" where "she" can only be the
note's mentor, "Ade: “…”"), or a lead-in line that does ("He said:" above a list of quotes). It counts as
words *to the mentee* only when it speaks to "you" and the cue does not name someone else as the listener
("he replied to the Year 11: …", "asked the teacher: …"). The mentee's own narration — a sentence with no
mentor speaking, or "I said …" — is never a mentor's words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.agent.people import People
from coach.text.speech import (
    ADVICE_WORDS,
    CUE,
    CUE_AFTER,
    LEAD_IN,
    NAME_LABEL,
    OTHER_PRESENT,
    PRONOUNS,
    QUOTE,
    SPEAKER_LINE,
    to_you,
)

__all__ = ["CUE", "QUOTE", "Speaker", "cue_speaker", "is_transcript", "lead_in_speaker", "resolve_who", "to_you",
           "transcript_speaker"]



@dataclass(frozen=True)
class Speaker:
    """Whose words, and whether they were said to the mentee."""

    person: str | None
    to_mentee: bool


def resolve_who(who: str, text_before: str, people: People, note_person: str | None) -> str | None:
    """The known person a cue's subject is: a name, or a pronoun that can only be the note's mentor."""
    if who == "I":
        return None  # the mentee's own words
    if who.lower() in ("he", "she", "they"):
        others = [m.group(1) for m in OTHER_PRESENT.finditer(text_before)
                  if not people.named_in(m.group(1))]
        named = people.named_in(text_before)
        if others:
            return None
        return named[-1] if named else note_person
    named = people.named_in(who)
    return named[0] if named else "someone else"


def _listener_ok(whom: str | None) -> bool:
    """Said to the mentee: to me/us, or to nobody named; not to a class, a pupil or a colleague."""
    return not whom or whom.lower() in ("me", "us")


def cue_speaker(sentence: str, start: int, end: int, people: People, note_person: str | None,
                context: str = "", listener_is_me: bool = True) -> Speaker | None:
    """The speaker of the quote at sentence[start:end] from a cue in the sentence, else None (no cue).
    `context` is the text before the sentence on its line (a pronoun may point back into it);
    `listener_is_me` says whether a cue naming no listener means the mentee (true in a session note,
    not in a note of a day watching the mentor at work)."""
    before = sentence[:start]
    cues = list(CUE.finditer(before))
    if cues:
        cue = cues[-1]
        person = resolve_who(cue.group("who"), context + before[: cue.start()] + cue.group("who"), people,
                             note_person)
        whom = cue.group("whom")
        others = _other_speakers(context + before[: cue.start()], cue.group("who"), person, people, note_person)
        return Speaker(person, _listener_ok(whom) and (listener_is_me or bool(whom)) and not others)
    after = CUE_AFTER.match(sentence[end:].lstrip("\"”"))
    if after:
        return Speaker(resolve_who(after.group("who"), context + before, people, note_person), listener_is_me)
    label = NAME_LABEL.match(context + before)
    if label and people.named_in(label.group("who")):
        return Speaker(people.named_in(label.group("who"))[0], listener_is_me)
    return None


def _other_speakers(text: str, who: str, person: str | None, people: People, note_person: str | None) -> bool:
    """Someone else spoke just before on this line ("She answered … He said …"): the quote is one side of
    an exchange between other people, not words to the mentee."""
    for cue in CUE.finditer(text):
        other = cue.group("who")
        if other == "I":
            continue
        pronouns = {other.lower(), who.lower()} <= {"he", "she", "they"}
        if (pronouns and other.lower() != who.lower()) or (not pronouns and resolve_who(
                other, text[: cue.start()] + other, people, note_person) != person):
            return True
    return False


_POSSESSIVE_NAME = re.compile(rf"\b(?P<who>[A-Z][\w-]+)(?:'s|’s)\s+(?:\w+\s+)?{ADVICE_WORDS}\b")
_POSSESSIVE_PRONOUN = re.compile(rf"\b(?:[Hh]er|[Hh]is|[Tt]heir)\s+(?:\w+\s+)?{ADVICE_WORDS}\b")


def lead_in_speaker(line: str, people: People, note_person: str | None) -> str | None:
    """A line introducing what someone said, with the quotes below it: "He said:", "Ade's advice:",
    "Her advice is quite different from Kwame's:" (hers), "She let me finish. Then:"."""
    if not LEAD_IN.search(line):
        return None
    owner = _POSSESSIVE_NAME.search(line)
    if owner and people.named_in(owner.group("who")):
        return people.named_in(owner.group("who"))[0]
    if _POSSESSIVE_PRONOUN.search(line):
        return note_person
    cues = list(CUE.finditer(line))
    if cues:
        return resolve_who(cues[-1].group("who"), line[: cues[-1].start()] + cues[-1].group("who"), people,
                           note_person)
    if re.search(rf"\b(?:{PRONOUNS})\b", line) and not OTHER_PRESENT.search(line) and not people.named_in(line):
        return note_person
    return None


MIN_TRANSCRIPT_LINES = 3


def is_transcript(lines: list[str], people: People) -> bool:
    """A conversation written as speaker lines ("HELEN: …" / "ME: …"), several of them."""
    labels = [m.group(1) for line in lines if (m := SPEAKER_LINE.match(line))]
    spoken = [label for label in labels if label.upper() in ("ME", "I") or people.named_in(label.title())]
    return len(spoken) >= MIN_TRANSCRIPT_LINES


def transcript_speaker(line: str, people: People) -> tuple[str, str] | None:
    """(person, what they said) for a transcript line labelled with a known person ("HELEN: …")."""
    match = SPEAKER_LINE.match(line)
    if not match:
        return None
    named = people.named_in(match.group(1).title())
    return (named[0], match.group(2).strip()) if len(named) == 1 else None
