"""Then and now: an earlier and a later sentence of the mentee's about the same subject, both quoted verbatim,
ranked by how far the mentee moved (worry → intention → action → confidence).

"The same subject" is decided by meaning, sentence to sentence: the two sentences' embeddings must be close
(MiniLM cosine), and they must share a content word. A shared theme word alone is not enough ("Year 10"
in two sentences about different things); the theme only names the pair."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from coach.agent.growth.statements import Statement, mentee_notes, note_statements, stems
from coach.agent.themes import Theme
from coach.notes.model import Note
from coach.text import content_words

MAX_PAIRS = 6
MIN_MOVEMENT = 1
SAME_SUBJECT = 0.5
"""MiniLM cosine between the two sentences. Unrelated sentences sit below ~0.3, topical neighbours at
~0.4-0.55, paraphrases above ~0.6; a worry and, months later, the confidence about the same thing share the
subject but not the stance, so the bar sits between neighbours and paraphrases."""
MIN_SHARED_WORDS = 1
MAX_WORDS_IN_LABEL = 3

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Pair:
    """An earlier and a later statement about one subject; the later is dated after the earlier."""

    theme: str
    then: Statement
    now: Statement
    kind: str = "moved"
    """"moved" (two statements on the subject) or "kept" (a commitment and the report that it was done)."""
    similarity: float = 0.0

    @property
    def movement(self) -> int:
        return self.now.level - self.then.level

    @property
    def days(self) -> int:
        return (self.now.date - self.then.date).days

    def to_json(self) -> dict:
        return {"theme": self.theme, "kind": self.kind, "movement": f"{self.then.stance} → {self.now.stance}",
                "steps": self.movement, "days": self.days, "similarity": round(self.similarity, 3),
                "then": self.then.to_json(), "now": self.now.to_json()}


# Words that frame a sentence rather than say what it is about ("I told Ade …").
_FRAME = content_words("told tell telling said say says asked ask asking talked talk spoke")


def without_names(text: str, names: frozenset[str]) -> str:
    """The sentence with the mentors' names left out: "I told Ade …" is not about Ade."""
    return " ".join(w for w in text.split() if w.strip(".,;:!?\"'()“”‘’").removesuffix("'s").lower() not in names)


def shared_words(a: str, b: str, names: frozenset[str] = frozenset()) -> frozenset[str]:
    return (content_words(without_names(a, names)) & content_words(without_names(b, names))) - _FRAME


def same_subject(a: str, b: str, cosine: float, names: frozenset[str] = frozenset()) -> bool:
    """Close in meaning (names left out) and sharing a content word that is not a name or a frame."""
    return cosine >= SAME_SUBJECT and len(shared_words(a, b, names)) >= MIN_SHARED_WORDS


def subject_label(then: Statement, now: Statement, themes: list[Theme]) -> str:
    """A recurring theme both sentences name; else the words they share. (A theme only one side names says
    what that side is about, not the pair: "Ask Sue whether the TLR continues" is not about an NPQ theme.)"""
    both = stems(then.text) & stems(now.text)
    for theme in themes:
        terms = [stems(term) for term in (theme.terms or tuple(theme.label.split(" / ")))]
        if any(term and term <= both for term in terms):
            return theme.label
    words = [w for w in now.text.split() if content_words(w) & shared_words(then.text, now.text)]
    return " ".join(dict.fromkeys(w.strip(".,;:!?\"'()“”‘’").lower() for w in words[:MAX_WORDS_IN_LABEL])) or "—"


def _candidates(statements: list[Statement], vectors: np.ndarray, kept: Sequence, kept_cosines: list[float],
                names: frozenset[str]):
    """(then, now, kind, cosine) for every later-and-higher pair about the same subject."""
    scores = vectors @ vectors.T if len(statements) else np.zeros((0, 0))
    found = []
    for i, then in enumerate(statements):
        for j, now in enumerate(statements):
            if now.date > then.date and now.level - then.level >= MIN_MOVEMENT \
                    and same_subject(then.text, now.text, float(scores[i, j]), names):
                found.append((then, now, "moved", float(scores[i, j])))
    found += [(then, now, "kept", cosine) for (then, now), cosine in zip(kept, kept_cosines)
              if same_subject(then.text, now.text, cosine, names)]
    return found


def then_and_now(themes: list[Theme], notes: list[Note], embed: Embed, kept: Sequence = (),
                 limit: int = MAX_PAIRS, names: frozenset[str] = frozenset()) -> list[Pair]:
    """The strongest pairs, furthest movement first; no sentence quoted twice, one pair per subject label.
    `kept` holds (commitment, report) statement pairs from the commitment tracker: they must pass the same
    same-subject test (the tracker can link a report about something else). `names` are the mentors' name
    words (lower case), left out when comparing."""
    statements = [s for note in mentee_notes(notes) for s in note_statements(note)]
    texts = [without_names(s.text, names) for s in statements]
    texts += [without_names(t, names) for then, now in kept for t in (then.text, now.text)]
    if not texts:
        return []
    vectors = np.asarray(embed(texts), dtype=np.float32)
    own, rest = vectors[: len(statements)], vectors[len(statements):]
    kept_cosines = [float(rest[2 * k] @ rest[2 * k + 1]) for k in range(len(kept))]
    ranked = sorted(_candidates(statements, own, kept, kept_cosines, names),
                    key=lambda c: (c[1].level - c[0].level, c[3], (c[1].date - c[0].date).days), reverse=True)
    used: set[tuple[str, int]] = set()
    labels: set[str] = set()
    pairs: list[Pair] = []
    for then, now, kind, cosine in ranked:
        label = subject_label(then, now, themes)
        if {(then.path, then.line), (now.path, now.line)} & used or label in labels:
            continue
        pairs.append(Pair(label, then, now, kind, cosine))
        used |= {(then.path, then.line), (now.path, now.line)}
        labels.add(label)
        if len(pairs) == limit:
            break
    return pairs
