"""What each mentor saw: their own words to the mentee, quoted verbatim with the date — one section per mentor.

Only text the note attributes to the mentor counts (see attribution.py): a transcript line with their label,
a quote with a speech cue naming them (or a pronoun that can only be them), quotes listed under a lead-in
line that does, or a sentence reporting what they said about the mentee ("He pointed out that I …", kept
as the mentee wrote it and marked "reported")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from coach.agent.growth.attribution import (
    cue_speaker,
    is_transcript,
    lead_in_speaker,
    resolve_who,
    transcript_speaker,
)
from coach.agent.people import People
from coach.notes.model import Note
from coach.notes.provenance import is_coach_written
from coach.text import mask_quotes, sentence_spans
from coach.text.speech import CUE, LIST_MARKER, LIST_MARKER_AND_BOX, QUOTE, REPORTING, to_you

PER_MENTOR = 6
_RECOGNITION = re.compile(
    r"\b(?:passed|better at|good at|great|proud|yours|notice that|ready|grown|strong|enjoying|confiden\w*|"
    r"capable|well done|nailed|impressive|natural|trust\w*|right|you did|you've (?:got|done|come)|need me less|"
    r"leadership|wasn't nervous|not nervous|unprompted|good one|very good|calmer)\b",
    re.IGNORECASE,
)
_ABOUT_ME = re.compile(r"\b(?:I|I'm|I'd|I've|I was|me|my)\b")
MIN_REPORTED_WORDS = 4


@dataclass(frozen=True)
class MentorWords:
    quote: str
    kind: str
    """"recognition" or "challenge"."""
    mentor: str
    path: str
    date: date
    line: int
    role: str | None = None
    form: str = "quote"
    """"quote" (their words, in quotation marks), "transcript" (a labelled line) or "reported" (the
    mentee's sentence reporting what they said)."""

    def to_json(self) -> dict:
        return {"quote": self.quote, "kind": self.kind, "mentor": self.mentor, "path": self.path,
                "date": self.date.isoformat(), "line": self.line, "role": self.role or "mentee", "form": self.form}


def _quotes(sentence: str, people: People, person: str | None, lead: str | None, context: str,
            listener_is_me: bool) -> list[tuple[str, str]]:
    """(mentor, quote) for each quote in a sentence attributed to a mentor and said to the mentee."""
    found = []
    for match in QUOTE.finditer(sentence):
        quote = (match.group(1) or match.group(2)).strip()
        speaker = cue_speaker(sentence, match.start(), match.end(), people, person, context, listener_is_me)
        # A lead-in ("Her advice:") covers an item that is the quote, not a quote inside an item.
        who = speaker.person if speaker else (lead if not context.strip() and match.start() <= 2 else None)
        if who in people.mentors and (speaker is None or speaker.to_mentee) and to_you(quote):
            found.append((who, quote))
    return found


def _reported(sentence: str, people: People, person: str | None, context: str) -> tuple[str, str] | None:
    """(mentor, sentence) when the sentence reports the mentor's view of the mentee."""
    masked = mask_quotes(sentence)
    if masked != sentence:
        return None  # a sentence with a quote is handled as a quote
    for cue in CUE.finditer(masked):
        if not REPORTING.match(cue.group("verb")) or (cue.group("whom") or "me").lower() not in ("me", "us", "that"):
            continue
        who = resolve_who(cue.group("who"), context + masked[: cue.start()] + cue.group("who"), people, person)
        rest = masked[cue.end():]
        if who in people.mentors and _ABOUT_ME.search(rest) and len(rest.split()) >= MIN_REPORTED_WORDS \
                and _RECOGNITION.search(rest):
            return who, sentence
    return None


def _line_words(line: str, people: People, person: str | None, lead: str | None,
                note: Note, transcript: bool) -> list[tuple[str, str, str]]:
    """(mentor, words, form) found on one line of a note."""
    spoken = transcript_speaker(line, people) if transcript else None
    if spoken is not None:
        who, text = spoken
        return [(who, text, "transcript")] if who in people.mentors and to_you(text) else []
    text = LIST_MARKER_AND_BOX.sub("", line)
    # In a session the mentor speaks to the mentee; on a day watching them work, to anyone.
    listener_is_me = note.kind == "session"
    found = []
    for start, end in sentence_spans(text):
        sentence, context = text[start:end].strip(), text[:start]
        found += [(who, quote, "quote") for who, quote in
                  _quotes(sentence, people, person, lead, context, listener_is_me)]
        reported = _reported(sentence, people, person, context)
        if reported:
            found.append((*reported, "reported"))
    return found


def note_mentor_words(note: Note, people: People) -> list[MentorWords]:
    """Every mentor's words to the mentee in one note (the mentee's own notes as mentee only)."""
    if is_coach_written(note) or note.role == "mentor":
        return []
    lines = note.body.split("\n")
    person, lead, found, transcript = people.note_person(note), None, [], is_transcript(lines, people)
    for index, line in enumerate(lines):
        if line.strip() and not (LIST_MARKER.match(line) or line.lstrip().startswith(("“", '"'))):
            lead = None  # a lead-in covers the list (or quotes) right below it
        for who, words, form in _line_words(line, people, person, lead, note, transcript):
            kind = "recognition" if _RECOGNITION.search(words) else "challenge"
            found.append(MentorWords(words, kind, who, note.path, note.date, note.body_offset + index, note.role, form))
        lead = lead_in_speaker(line, people, person) or lead
    return found


def mentor_words(notes: list[Note], people: People, since: date | None = None,
                 per_mentor: int = PER_MENTOR) -> list[MentorWords]:
    """For each mentor: recognition first, then challenge; newest first within each; at most `per_mentor`."""
    found = [w for note in notes if since is None or note.date >= since for w in note_mentor_words(note, people)]
    found = list({(w.path, w.line, w.quote): w for w in found}.values())
    found.sort(key=lambda w: (w.kind != "recognition", w.form == "reported", -w.date.toordinal(), w.line))
    kept: list[MentorWords] = []
    counts: dict[str | None, int] = {}
    for words in found:
        if counts.get(words.mentor, 0) < per_mentor:
            kept.append(words)
            counts[words.mentor] = counts.get(words.mentor, 0) + 1
    return kept
