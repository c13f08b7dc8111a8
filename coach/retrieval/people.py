"""The people a question names: the folder's mentors (from the index), matched in any case or form.

The index knows each note's mentor as the note spelled it ("Kwame", "Kwame Asante",
"Dr Helen Okonkwo-Shaw", "Helen O-S"). Spellings of one person are grouped: a spelling whose
words all belong to exactly one fuller spelling (or are that spelling's initials) is that person.
A question then names a person by any identifying word of theirs: first name, surname, a part of a
hyphenated name, with or without a title ("Mr Asante") or a possessive ("Kwame's"). A word two
people share identifies neither, and a name that is also an everyday word ("Will", "May") counts
only when written with a capital or after a title.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

from coach.retrieval.relationship import usual_roles
from coach.text import STOP_WORDS

HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "professor", "sir", "dame", "coach"})
# Names that are also everyday words: only a capital letter (or a title) makes them a name.
_EVERYDAY = frozenset(
    """will may june april august march grace hope joy faith mark rose bill art pat sue frank dean rich
    ray sky summer autumn winter dawn amber ruby jack rob nick sunny chase hunter page""".split()
)
_WORD = re.compile(r"[^\W\d_]+")
MENTOR_NOTES = 2  # a mentor is someone the notes meet again, not a one-off


def fold(word: str) -> str:
    """Case- and accent-insensitive form of a word."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_words(name: str) -> tuple[str, ...]:
    """Folded words of a name without leading titles ("Dr Helen Okonkwo-Shaw" -> helen okonkwo shaw)."""
    words = tuple(fold(w) for w in _WORD.findall(unicodedata.normalize("NFC", name)))
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    return words


def _fits(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Every word of `short` is a word of `full`, or the initial of one ("O-S" fits "Okonkwo-Shaw")."""
    initials = {word[0] for word in full}
    return bool(short) and all(w in full or (len(w) == 1 and w in initials) for w in short)


@dataclass(frozen=True)
class People:
    """Known people: canonical names, every spelling's person, and the words that identify each."""

    names: tuple[str, ...] = ()
    spelling: dict[str, int] = field(default_factory=dict)
    """A note's mentor string, folded -> index into names."""
    words: dict[str, int] = field(default_factory=dict)
    """Identifying word -> index into names."""
    mentors: frozenset[str] = frozenset()
    """Names of the people who mentor the user: met in two or more notes not marked `role: mentor`.
    A parent met once, or a mentee of the user's, is a person but not a mentor."""
    roles: dict[str, str] = field(default_factory=dict)
    """Person -> the role most of their notes carry ('mentor' for someone the user mentors)."""
    _known: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    """person_of's answers so far: a search asks once per note, the spellings are few."""

    def person_of(self, mentor: str | None) -> str | None:
        """The canonical name of a note's mentor string (None for a note without one)."""
        if not mentor:
            return None
        if mentor not in self._known:
            index = self.spelling.get(" ".join(name_words(mentor)))
            self._known[mentor] = self.names[index] if index is not None else mentor
        return self._known[mentor]

    def named_in(self, text: str) -> list[str]:
        """Canonical names of the people `text` names, in order of first mention."""
        found: list[int] = []
        for index, _, _ in self._mentions(text):
            if index not in found:
                found.append(index)
        return [self.names[i] for i in found]

    def name_spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans naming a known person: the name, a title before it, a possessive after it."""
        return [(start, end) for _, start, end in self._mentions(text)]

    def _mentions(self, text: str):
        """(person index, start, end) for each word of `text` that names a known person."""
        matches = list(_WORD.finditer(text))
        for position, match in enumerate(matches):
            word = match.group()
            folded = fold(word)
            index = self.words.get(folded)
            if index is None:
                continue
            titled = position > 0 and fold(matches[position - 1].group()) in HONORIFICS
            if (folded in _EVERYDAY or folded in STOP_WORDS) and not (titled or (word[:1].isupper() and position > 0)):
                continue  # "will", "May I …": an everyday word, not a name
            start = matches[position - 1].start() if titled else match.start()
            yield index, start, _possessive_end(text, match.end())


def _possessive_end(text: str, end: int) -> int:
    for suffix in ("'s", "’s", "'", "’"):
        if text.startswith(suffix, end):
            return end + len(suffix)
    return end


def people_from(mentors: list[str], roles: list[str | None] | None = None) -> People:
    """Group the index's mentor spellings (one entry per note, with its role) into people."""
    counts = Counter(m for m in mentors if m and name_words(m))
    # Fuller spellings first, so short forms ("Kwame", "Helen O-S") find the person they belong to.
    order = sorted(counts, key=lambda m: (-len(name_words(m)), -sum(map(len, name_words(m))), -counts[m], m))
    groups: list[list[str]] = []
    keys: list[tuple[str, ...]] = []
    for spelling in order:
        words = name_words(spelling)
        fits = [i for i, key in enumerate(keys) if _fits(words, key)]
        if len(fits) == 1:
            groups[fits[0]].append(spelling)
        elif not fits:
            groups.append([spelling])
            keys.append(words)
        # fitting two people ("Helen" with two Helens): ambiguous, it names nobody
    names = tuple(_canonical(group, counts) for group in groups)
    spellings = {" ".join(name_words(s)): i for i, group in enumerate(groups) for s in group}
    people = People(names, spellings, _identifying_words(groups))
    named = [(people.person_of(m), role) for m, role in zip(mentors, roles or [None] * len(mentors))]
    pairs = [(person, role) for person, role in named if person is not None]  # an ambiguous name is nobody
    as_mentee = Counter(person for person, role in pairs if role != "mentor")
    return replace(people, mentors=frozenset(name for name, n in as_mentee.items() if n >= MENTOR_NOTES),
                   roles=usual_roles(pairs))


def _canonical(group: list[str], counts: Counter) -> str:
    """The fullest spelling, the most used among equals, without a title."""
    best = max(group, key=lambda s: (sum(map(len, name_words(s))), counts[s], -len(s)))
    words = _WORD.findall(best)
    if len(words) > 1 and fold(words[0]) in HONORIFICS:
        return best[best.find(words[1]):]
    return best


def _identifying_words(groups: list[list[str]]) -> dict[str, int]:
    owners: dict[str, set[int]] = {}
    for index, group in enumerate(groups):
        for spelling in group:
            for word in name_words(spelling):
                if len(word) > 1 and word not in HONORIFICS:
                    owners.setdefault(word, set()).add(index)
    return {word: next(iter(who)) for word, who in owners.items() if len(who) == 1}
