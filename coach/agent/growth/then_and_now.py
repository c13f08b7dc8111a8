"""Then and now: for each recurring theme, an early sentence and a later one on the same theme, both quoted
verbatim from the notes, ranked by how far the mentee moved (worry → intention → action → confidence)."""

from __future__ import annotations

from dataclasses import dataclass

from coach.agent.growth.statements import Statement, mentee_notes, note_statements, stems
from coach.agent.themes import Theme
from coach.notes.model import Note

MAX_PAIRS = 6
# Movement matters most; within the same movement, a longer stretch of time shows more.
MIN_MOVEMENT = 1
# A pair where one side is about the theme only through its note's title or tags must show a big move.
MIN_WEAK_MOVEMENT = 3


@dataclass(frozen=True)
class Pair:
    """An earlier and a later statement on one theme; the later is dated after the earlier."""

    theme: str
    then: Statement
    now: Statement
    kind: str = "moved"
    """"moved" (two statements on the theme) or "kept" (a promise and the report that it was done)."""

    @property
    def movement(self) -> int:
        return self.now.level - self.then.level

    @property
    def days(self) -> int:
        return (self.now.date - self.then.date).days

    def to_json(self) -> dict:
        return {"theme": self.theme, "kind": self.kind, "movement": f"{self.then.stance} → {self.now.stance}",
                "steps": self.movement, "days": self.days, "then": self.then.to_json(), "now": self.now.to_json()}


def _term_words(theme: Theme) -> list[frozenset[str]]:
    """Each label term as its stemmed words ("public speaking" needs both words)."""
    found = [stems(term) for term in (theme.terms or tuple(theme.label.split(" / ")))]
    return [words for words in found if words]


def _about(statement: Statement, terms: list[frozenset[str]]) -> tuple[frozenset[str], bool] | None:
    """The first theme term the sentence itself names: (term, True). A term only in its heading, or a
    feeling (worry or confidence) in a note whose title or tags name the term, is about it less surely:
    (term, False)."""
    own = stems(statement.text)
    strong = next((term for term in terms if term <= own), None)
    if strong is not None:
        return strong, True
    weak = next((term for term in terms if term <= statement.words), None)
    if weak is None and statement.stance in ("worry", "confidence"):
        weak = next((term for term in terms if term <= statement.topic), None)
    return (weak, False) if weak is not None else None


def _supported(then: Statement, then_sure: bool, now: Statement, now_sure: bool) -> bool:
    """Both sides name the theme, or one does and the move is the whole way (worry to confidence)."""
    if then_sure and now_sure:
        return True
    return (then_sure or now_sure) and now.level - then.level >= MIN_WEAK_MOVEMENT


def _candidates(theme: Theme, statements: list[Statement], kept: list) -> list[tuple[Statement, Statement, bool, str]]:
    """(then, now, both sides name the theme, kind) for every pair the notes support on this theme."""
    terms = _term_words(theme)
    # A sentence that names the theme counts from any note; a feeling only inside the theme's notes.
    on_theme = [(s, found) for s in statements if (found := _about(s, terms)) and (found[1] or s.path in theme.notes)]
    found = []
    for then, (term, then_sure) in on_theme:
        for now, (other, now_sure) in on_theme:
            if other == term and now.date > then.date and now.level - then.level >= MIN_MOVEMENT \
                    and _supported(then, then_sure, now, now_sure):
                found.append((then, now, then_sure and now_sure, "moved"))
    # A kept promise is linked by the tracker; it belongs to the theme when either side names it.
    found += [(then, now, True, "kept") for then, now in kept
              if any(term <= then.words | now.words for term in terms)]
    return found


def _best_pair(theme: Theme, statements: list[Statement], kept: list, used: set[tuple[str, int]]) -> Pair | None:
    """The pair on this theme that moved most, then names it most surely, then spans the longest time;
    neither side quoted already."""
    best: tuple | None = None
    for then, now, sure, kind in _candidates(theme, statements, kept):
        if {(then.path, then.line), (now.path, now.line)} & used:
            continue
        key = (now.level - then.level, sure, (now.date - then.date).days, -then.line, now.line)
        if best is None or key > best[0]:
            best = (key, Pair(theme.label, then, now, kind))
    return best[1] if best else None


def then_and_now(themes: list[Theme], notes: list[Note], kept: list = (), limit: int = MAX_PAIRS) -> list[Pair]:
    """At most one pair per theme, strongest movement first; no sentence is quoted twice. `kept` holds
    (promise, report) statement pairs from the commitment tracker."""
    statements = [s for note in mentee_notes(notes) for s in note_statements(note)]
    used: set[tuple[str, int]] = set()
    pairs = []
    for theme in themes:
        pair = _best_pair(theme, statements, list(kept), used)
        if pair is not None:
            pairs.append(pair)
            used |= {(pair.then.path, pair.then.line), (pair.now.path, pair.now.line)}
    pairs.sort(key=lambda p: (-p.movement, -p.days, p.theme))
    return pairs[:limit]
