"""Who a note, a commitment or a sentence is with: the folder's mentors, their spellings grouped into people.

Notes spell one mentor many ways ("Kwame", "Kwame Asante", "Dr Helen Okonkwo-Shaw", "Helen O-S"). A
spelling whose words all belong to one fuller spelling (or are that spelling's initials) is that person;
a word two people share names neither. Agendas and the growth mirror use this to keep each mentor's
items and words apart."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from coach.notes.model import Note

HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "sir", "dame"})
_WORD = re.compile(r"[^\W\d_]+")
# Words of a name shorter than this identify nobody on their own (initials, "O" of "O-S").
MIN_NAME_LETTERS = 3
MIN_MENTOR_NOTES = 2


def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_words(name: str | None) -> tuple[str, ...]:
    """Folded words of a name without leading titles ("Dr Helen Okonkwo-Shaw" -> helen okonkwo shaw)."""
    words = tuple(fold(w) for w in _WORD.findall(name or ""))
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    return words


def first_name(name: str | None) -> str:
    """'Dr. Ade Okafor' -> 'Ade'; 'your mentor' when there is no name."""
    words = [w for w in (name or "").split() if w.rstrip(".").lower() not in HONORIFICS]
    return words[0] if words else (name or "your mentor")


def _fits(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Every word of `short` is a word of `full` or the initial of one, and one is a whole word."""
    initials = {word[0] for word in full}
    whole = [w for w in short if w in full]
    return bool(whole) and all(w in full or (len(w) == 1 and w in initials) for w in short)


def same_person(a: str | None, b: str | None) -> bool:
    """Two spellings of one name ("Kwame" / "Kwame Asante", "Helen O-S" / "Dr Helen Okonkwo-Shaw")."""
    wa, wb = name_words(a), name_words(b)
    if not wa or not wb:
        return False
    short, full = sorted((wa, wb), key=lambda words: (len(words), sum(map(len, words))))
    return _fits(short, full)


@dataclass(frozen=True)
class People:
    """The mentors of a folder: one canonical name per person, and the words that identify each."""

    names: tuple[str, ...] = ()
    words: dict[str, str] = field(default_factory=dict)
    """Identifying word (folded) -> canonical name."""
    mentors: tuple[str, ...] = ()
    """The names that are the user's mentors: met in two notes or more, never as the user's mentee."""

    def person_of(self, spelling: str | None) -> str | None:
        """The canonical name of a spelling (itself when it is nobody known; None for None)."""
        if not spelling:
            return None
        found = [name for name in self.names if same_person(spelling, name)]
        return found[0] if len(found) == 1 else spelling

    def named_in(self, text: str) -> list[str]:
        """People that `text` names with a capitalised identifying word, in order of first mention."""
        found: list[str] = []
        for word in _WORD.findall(text):
            name = self.words.get(fold(word)) if word[:1].isupper() else None
            if name and name not in found:
                found.append(name)
        return found

    def note_person(self, note: Note) -> str | None:
        """Who a note is with: its mentor, else the one person its file name or title names."""
        if note.mentor:
            return self.person_of(note.mentor)
        named = set(self.named_in(f"{PurePosixPath(note.path).stem.title()} {note.title}"))
        return named.pop() if len(named) == 1 else None


def people_of(notes: list[Note]) -> People:
    """Group the mentor spellings of the notes into people; mark which of them mentor the user."""
    counts = Counter(n.mentor for n in notes if n.mentor and name_words(n.mentor))
    # Fullest spellings first, so short forms ("Kwame", "Helen O-S") find the person they belong to.
    order = sorted(counts, key=lambda m: (-len(name_words(m)), -sum(map(len, name_words(m))), -counts[m], m))
    groups: list[list[str]] = []
    for spelling in order:
        fits = [g for g in groups if same_person(spelling, g[0])]
        if len(fits) == 1:
            fits[0].append(spelling)
        elif not fits:
            groups.append([spelling])
    # The most used spelling; between equals, the fullest ("Helen Okonkwo-Shaw" over "Helen O-S").
    names = tuple(max(g, key=lambda s: (counts[s], sum(map(len, name_words(s))), s)) for g in groups)
    owners: dict[str, set[str]] = {}
    for name, group in zip(names, groups):
        for spelling in group:
            for word in name_words(spelling):
                if len(word) >= MIN_NAME_LETTERS:
                    owners.setdefault(word, set()).add(name)
    mentored = {n.mentor for n in notes if n.role == "mentor"}
    # Someone met once (a parent, a recruiter) is not a mentoring relationship; someone the user
    # mentors is not the user's mentor.
    mentors = tuple(name for name, group in zip(names, groups)
                    if sum(counts[s] for s in group) >= MIN_MENTOR_NOTES and not mentored & set(group))
    return People(names, {w: next(iter(who)) for w, who in owners.items() if len(who) == 1}, mentors)
