"""Folder-level inference: fill in mentors (and then kinds) that single files leave blank.

A note without front matter can only guess a mentor from itself ("call with Ade" gives
"Ade", a bare "2026-02-05 ade.md" gives nothing). The folder knows more: the mentors
other notes name in their front matter. This pass matches each note's file name, title
and first lines against those names and, when exactly one mentor fits, uses the spelling
the front matter uses. It never guesses between two mentors and never touches a mentor
that came from front matter.

Whether a value came from front matter is read off the Note: a note has front matter
when its body starts after line 1 (`body_offset > 1`); a mentor on such a note that the
reader could also have guessed from the file name or body is treated as front matter,
so it is never overwritten.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from coach.notes.fields import first_heading, infer_kind
from coach.notes.model import Note

FRONT_MATTER = "front_matter"
INFERRED = "inferred"
SOURCE_KEY = "mentor_source"

# How much of the body counts as header material ("2026-06-04, Ade", "17 Jul - Ade").
HEAD_LINES = 3
HEAD_LINE_CHARS = 300
# Other words of a name must be this long to identify a mentor on their own.
MIN_WORD_LETTERS = 3
_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame"})
_WORD = re.compile(r"[^\W\d_]+")
_MEETING = re.compile(
    r"(?<![^\W_])(?:sessions?|calls?|catch[ -]?ups?|meetings?|notes?)(?![^\W_])"
    r"|(?<!\d)1[-:]1(?!\d)"
)


@dataclass(frozen=True)
class _Mentors:
    """The folder's known mentors and the words that point at exactly one of them."""

    names: tuple[str, ...]
    """Canonical spellings, one per person."""
    tokens: tuple[tuple[str, ...], ...]
    """Case-folded words of each canonical name."""
    words: dict[str, int]
    """Identifying word -> index into names."""


def _tokens(text: str) -> list[str]:
    """Words (letters only) of text, NFC-normalised, in their original case."""
    return _WORD.findall(unicodedata.normalize("NFC", text))


def _fold_word(word: str) -> str:
    """Case- and accent-insensitive form: file names often drop accents ("tomas")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _fold(words: list[str]) -> tuple[str, ...]:
    return tuple(_fold_word(word) for word in words)


def _has_front_matter(note: Note) -> bool:
    return note.body_offset > 1


def _stem(note: Note) -> str:
    return PurePosixPath(note.path).stem


def _from_front_matter(note: Note) -> bool:
    """True when the note's mentor is (or may be) its own front matter's."""
    # The reader falls back to a guess ("with Name", "Mentor: Name") when front matter
    # has no mentor; the Note cannot tell the two apart, so any mentor on a note with
    # front matter is kept as if the author wrote it.
    return note.mentor is not None and _has_front_matter(note)


def _name_words(name: str) -> tuple[str, ...]:
    """Case-folded words of a name without a leading honorific ("Dr. Ade" -> ade)."""
    words = _fold(_tokens(name))
    while words and words[0] in _HONORIFICS and len(words) > 1:
        words = words[1:]
    return words


def _canonical(spellings: list[str]) -> tuple[list[str], list[tuple[str, ...]]]:
    """One spelling per person: same words in any case merge (most used wins);
    a name whose words are part of exactly one longer known name is that name."""
    counts = Counter(spellings)
    groups: dict[tuple[str, ...], list[str]] = {}
    for spelling in spellings:  # first-seen order keeps the result deterministic
        words = _name_words(spelling)
        if words and spelling not in groups.setdefault(words, []):
            groups[words].append(spelling)
    # Fullest names first: a short form ("Ade", "Helen O-S") joins the one full name it fits.
    keys = sorted(groups, key=lambda key: (-len(key), -sum(map(len, key))))
    full: list[tuple[str, ...]] = []
    for key in keys:
        if len([other for other in full if _short_form(key, other)]) != 1:
            full.append(key)
    names, tokens = [], []
    for key in [k for k in groups if k in full]:  # first-seen order keeps the result deterministic
        names.append(max(groups[key], key=lambda spelling: counts[spelling]))
        tokens.append(key)
    return names, tokens


def _short_form(key: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """`key` names the same person as the fuller `other`: each of its words is one of `other`'s,
    or the initial of one ("Helen O-S" for "Helen Okonkwo-Shaw"), and at least one is a whole word."""
    if set(key) < set(other):
        return True
    initials = {word[0] for word in other}
    whole = [word for word in key if word in other]
    return bool(whole) and key != other and all(w in other or (len(w) == 1 and w in initials) for w in key)


def _initials_of(mentors: _Mentors, words: list[str]) -> int | None:
    """The one mentor whose initials are exactly `words` ("K" or "KA" for Kwame Asante), else None.

    Only capital letters count: a file named "2026-04-15 K.md" abbreviates a name; "a" is a word."""
    if not words or not all(word.isupper() and len(word) <= 3 for word in words):
        return None
    letters = "".join(words).casefold()
    fits = [i for i, name in enumerate(mentors.tokens)
            if letters in (name[0][0], "".join(word[0] for word in name))]
    return fits[0] if len(fits) == 1 else None


def known_mentors(notes: list[Note]) -> _Mentors:
    """The distinct front-matter mentors of the folder and their identifying words."""
    names, tokens = _canonical(
        [note.mentor for note in notes if note.mentor and _from_front_matter(note)]
    )
    owners: dict[str, set[int]] = {}
    for index, words in enumerate(tokens):
        for position, word in enumerate(words):
            if position == 0 and len(word) > 1 or len(word) >= MIN_WORD_LETTERS:
                owners.setdefault(word, set()).add(index)
    unique = {word: next(iter(who)) for word, who in owners.items() if len(who) == 1}
    return _Mentors(tuple(names), tuple(tokens), unique)


def _mentioned(words: list[str], mentors: _Mentors, capitalised: bool) -> set[int]:
    """Indexes of the known mentors that words name, by full name or an identifying word
    (whole words, ignoring case and accents)."""
    if capitalised:  # in running text, a name is written with a capital
        words = [word for word in words if word[:1].isupper()]
    folded = _fold(words)
    found = {mentors.words[word] for word in folded if word in mentors.words}
    joined = f" {' '.join(folded)} "
    found |= {
        index
        for index, name in enumerate(mentors.tokens)
        if f" {' '.join(name)} " in joined
    }
    # "Ade Okafor" also contains the name "Ade" of another known mentor: the longer wins.
    return {
        index
        for index in found
        if not any(
            set(mentors.tokens[index]) < set(mentors.tokens[other]) for other in found
        )
    }


def _head_lines(body: str) -> list[str]:
    lines = (line.strip() for line in body.split("\n", 50)[:50])
    return [line[:HEAD_LINE_CHARS] for line in lines if line][:HEAD_LINES]


def _mentor_from_text(note: Note, mentors: _Mentors) -> str | None:
    """The one known mentor named by the file name, else the title, else the first lines.

    The first place that names anyone decides; naming two mentors there means no guess.
    A note with front matter left its mentor out on purpose, so only its name and title
    (not a passing mention in the body) are taken as saying who it is with.
    """
    places = [(_tokens(_stem(note)), False), (_tokens(note.title), False)]
    if not _has_front_matter(note):
        places += [(_tokens(line), True) for line in _head_lines(note.body)]
    for words, capitalised in places:
        found = _mentioned(words, mentors, capitalised)
        if found:
            return mentors.names[found.pop()] if len(found) == 1 else None
    by_initials = _initials_of(mentors, _tokens(_stem(note)))
    return mentors.names[by_initials] if by_initials is not None else None


def _upgrade(guess: str, mentors: _Mentors) -> str | None:
    """The known full form of a short guess ("Ade" -> "Ade Okafor") when only one fits."""
    words = set(_name_words(guess))
    if not words:
        return None
    fits = [i for i, name in enumerate(mentors.tokens) if words <= set(name)]
    return mentors.names[fits[0]] if len(fits) == 1 else None


def _names_mentor(note: Note, mentors: _Mentors) -> bool:
    """Whether the file name or title names a known mentor (or the note's own mentor)."""
    words = _tokens(f"{_stem(note)} {note.title}")
    if _mentioned(words, mentors, capitalised=False) or _initials_of(mentors, _tokens(_stem(note))) is not None:
        return True
    own = set(_name_words(note.mentor or ""))
    return bool(own & set(_fold(words)))


def _kind(note: Note, mentors: _Mentors) -> str:
    """"session" for a mentor meeting record whose kind the reader left at "other"."""
    if note.kind != "other" or _has_front_matter(note) or not note.mentor:
        # With front matter, "other" may be what the author wrote; keep it.
        return note.kind
    name_and_title = f"{_stem(note)}\n{note.title}"
    first = infer_kind(name_and_title, first_heading(note.body), None)
    if first in ("reflection", "agenda"):
        return first
    if _MEETING.search(name_and_title.lower()) or _names_mentor(note, mentors):
        return "session"
    return note.kind


def _infer_one(note: Note, mentors: _Mentors) -> Note:
    if _from_front_matter(note):
        return replace(note, extra={**note.extra, SOURCE_KEY: FRONT_MATTER})
    mentor = note.mentor
    if mentors.names:
        if mentor is None:
            mentor = _mentor_from_text(note, mentors)
        else:
            mentor = _upgrade(mentor, mentors) or mentor
    if mentor is None:
        return note
    inferred = replace(note, mentor=mentor, extra={**note.extra, SOURCE_KEY: INFERRED})
    return replace(inferred, kind=_kind(inferred, mentors))


def infer_from_folder(notes: list[Note]) -> list[Note]:
    """Notes with mentors (and kinds) filled in from what the rest of the folder knows.

    Every note gains `extra["mentor_source"]` ("front_matter" or "inferred") when it has
    a mentor. Cost is O(notes x mentors).
    """
    mentors = known_mentors(notes)
    return [_infer_one(note, mentors) for note in notes]


__all__ = ["infer_from_folder", "known_mentors"]
