"""What a follow-up and a commitment are matched on: the commitment's core and head clause, the
report's own words, and "Topic:" labels."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

import numpy as np

from coach.notes.commitments import FollowUp, containment, content_words
from coach.notes.model import Note
from coach.text import expand_acronyms, stem
from coach.text import words as word_list

Embed = Callable[[list[str]], np.ndarray]
"""Texts -> L2-normalised vectors, one row per text (e.g. MiniLM with normalize_embeddings=True)."""

# Thresholds, set from what the measures mean rather than fitted to any notes:
# a report "is about" a commitment when at least half of the commitment's content words
# reappear in it (and at least MIN_SHARED, so one shared name is never enough) ...
LEXICAL_MATCH = 0.5
# ... or when sentence embeddings put them in paraphrase territory (for MiniLM-class models,
# unrelated sentences sit below ~0.3, topical neighbours ~0.4-0.55, paraphrases above ~0.6).
COSINE_MATCH = 0.6
# With embeddings, the two signals are averaged: half the key words plus a topical-neighbour
# cosine (0.5 + 0.4) average to this.
MEAN_MATCH = 0.45
# A report "names it closely" with the commitment's verb and another word, or this share of its key
# words; and never with a cosine below this (a different subject in the same words).
CLOSE_CONTAINMENT = 0.6
PRO_VERB_COVER = 0.45
CLOSE_COSINE = 0.35
# A report that says what happened in other words ("Laptop stayed in the cupboard for sixteen days"
# for "Take two weeks off, laptop in the cupboard") confirms it when the sentence is in paraphrase
# territory and shares at least MIN_SHARED of its words.
CONFIRM_COSINE = 0.6
# Abandoning words pull a sentence's meaning away from the plan ("Never got round to the club poster -
# scrapped it"): an explicit drop in the sentence's own words needs only a cosine clear of unrelated
# sentences, with the shared words.
DROP_COSINE = CLOSE_COSINE
# A repeat of an open commitment must be much closer than a report about it.
REPEAT_COSINE = 0.8
REPEAT_CONTAINMENT = 0.8
REPEAT_JACCARD = 0.5

# Two shared words at least, so that one shared name is never enough to say a report is about it.
MIN_SHARED = 2
# "Topic: status" lines name the commitment by a short label; a label of at most this many
# words, all of them in the commitment, is enough to say what the line is about.
LABEL_WORDS = 4
# A report sentence this short borrows its topic from the sentence after it ("Did the list. 41 things …").
SHORT_REPORT_WORDS = 4
# "Did the SBI conversation", "Marcus intro done": do/did/done stand in for the commitment's own verb.
_PRO_VERB = re.compile(r"\b(?:did|done|do)\b", re.IGNORECASE)

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    "oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_WHEN = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})|(?:{_MONTHS})(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?|\w+days?|"
    r"(?:week|month|quarter|year|session|meeting|retro|time|morning|afternoon|evening|weekend)s?"
    r"|q[1-4]|h[12])"
)
# Scheduling ("by end of Feb", "this week", "before the next session") and asides in brackets
# say when, not what: a later report names the what.
_SCHEDULE = re.compile(
    r"\((?:[^()]*)\)|\b(?:by|before|after|from|on|in|at|until|within|during|this|next|every|each|"
    r"today|tomorrow|tonight)\b"
    r"(?:\s+(?:the|end|of|next|this|our|my|a|an|first|last|couple|few|one|two|three|four|five|six|\d+))*"
    rf"\s+{_WHEN}\b"
    rf"|\b(?:today|tomorrow|tonight|this week|next week)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=16384)
def core_text(commitment: str) -> str:
    """The commitment without its schedule and bracketed asides: what a later report would name."""
    core = _SCHEDULE.sub(" ", commitment)
    return core if content_words(core) else commitment


@lru_cache(maxsize=16384)
def head_text(commitment: str) -> str:
    """The first clause of the core ("Have coffee with Tom" from "…, and mostly ask questions")."""
    head = re.split(r"[,;:]|\s-\s|\s(?:and|but|so|then)\s", core_text(commitment), maxsplit=1)[0]
    return head if len(content_words(head)) >= MIN_SHARED else core_text(commitment)


def _terse(followup: FollowUp) -> bool:
    """A report too short to name its subject ("I wrote it on Sunday", "Kept.")."""
    return len(content_words(followup.text)) < SHORT_REPORT_WORDS


def report_text(followup: FollowUp) -> str:
    """What a follow-up is matched as: the sentence, and for a terse one ("I wrote it on Sunday",
    "Kept.") the sentence before it, which it answers, and the one after."""
    if _terse(followup):
        return ". ".join(t for t in (followup.before, followup.text, followup.after) if t)
    return followup.text


def terse_context(followup: FollowUp) -> str | None:
    """For a terse report ("I'm booked for the 27th"), the sentence before it, whose words tied it to
    the commitment: shown with it so the user sees why it counted. None for a report that says enough."""
    return followup.before if followup.before and _terse(followup) else None


_LABEL = re.compile(r"^([^:]{1,40}):\s")
# Words that stand in for any commitment's verb when saying it was done ("Finished the charter").
_COMPLETED = re.compile(r"\b(?:did|done|finished|completed|sorted|went out|delivered)\b", re.IGNORECASE)
_NEGATION = re.compile(r"^(?:stop|quit|no more|no longer|don't|do not|never|avoid|cut out|cut back on)\s+", re.IGNORECASE)


def _label_names(commitment: str, label: str) -> bool:
    """True when the label is one word written capitalised in the commitment: a person, who may
    figure in several commitments, so the label alone does not say which one."""
    words = label.split()
    return len(words) == 1 and re.search(rf"\b{re.escape(words[0].capitalize())}", commitment) is not None


def label_words(followup: FollowUp) -> frozenset[str]:
    """The content words of the report's opening "Topic:" label (none without one)."""
    match = _LABEL.match(followup.text)
    return content_words(match.group(1)) if match else frozenset()


def labels(commitment: str, followup: FollowUp) -> bool:
    """True when the report opens with a short "Topic:" label naming this commitment
    ("Rota: haven't touched it" for "Stop reviewing the rota")."""
    match = _LABEL.match(followup.text)
    if not match:
        return False
    words = content_words(match.group(1))
    if not words or len(words) > LABEL_WORDS or _label_names(commitment, match.group(1).strip()):
        return False
    return words <= content_words(commitment)  # "Friday reflections:" names the schedule word too


@lru_cache(maxsize=65536)
def report_words(followup: FollowUp) -> frozenset[str]:
    """What a follow-up is matched on lexically: its heading's words as well as the report's."""
    return content_words(f"{followup.context} {report_text(followup)}")


def names_itself(commitment: str, followup: FollowUp) -> bool:
    """True when the report's own words (not its heading's) name the commitment: two of the
    commitment's words, or one of them with do/did/done standing in for its verb."""
    words = content_words(core_text(commitment)) | content_words(head_text(commitment))
    shared = len(words & content_words(report_text(followup)))
    needed = min(MIN_SHARED, len(words))
    return shared >= needed or (shared >= 1 and _PRO_VERB.search(followup.text) is not None)


# Verbs too general to say which commitment a report is about ("Did …", "Got …").
_GENERAL_VERBS = frozenset({"do", "have", "be", "get", "go"})


def _verb(commitment: str) -> str | None:
    """The stem of the commitment's verb, its first word ("Take the intro call" -> "take"; "Stop checking
    email" -> "check"), even where it is a word matching leaves out; None for a general verb."""
    action = word_list(_NEGATION.sub("", commitment))
    verb = stem(action[0]) if action else None
    return None if verb in _GENERAL_VERBS else verb


class Similarity:
    """IDF-weighted word overlap, plus cosine similarity when an embedding function was given."""

    def __init__(self, notes: list[Note], texts: Iterable[str], embed: Embed | None) -> None:
        self.df: Counter[str] = Counter(w for note in notes for w in content_words(note.body))
        self.notes_read = len(notes)
        self.rows: dict[str, int] = {}
        self.vectors: np.ndarray | None = None
        self.embed = embed
        self.prepare(texts)

    def prepare(self, texts: Iterable[str]) -> None:
        """Embed, in one call, the texts not seen yet (nothing without an embedding function)."""
        if self.embed is None:
            return
        unique = [t for t in dict.fromkeys(texts) if t not in self.rows]
        if not unique:
            return
        vectors = np.asarray(self.embed(unique), dtype=np.float32)
        self.rows |= {text: len(self.rows) + i for i, text in enumerate(unique)}
        self.vectors = vectors if self.vectors is None else np.vstack([self.vectors, vectors])

    def idf(self, word: str) -> float:
        """Smoothed inverse document frequency over the notes (a word no note contains is rarest)."""
        return math.log((1 + self.notes_read) / (1 + self.df.get(word, 0))) + 1

    def cosine(self, a: str, b: str) -> float | None:
        """Cosine of two texts seen at construction, or None without embeddings."""
        if self.vectors is None or a not in self.rows or b not in self.rows:
            return None
        return float(self.vectors[self.rows[a]] @ self.vectors[self.rows[b]])

    def weighted_containment(self, words: frozenset[str], other: frozenset[str]) -> float:
        """Share of `words`' IDF mass found in `other`: rare shared words count for more."""
        total = sum(self.idf(w) for w in words)
        return sum(self.idf(w) for w in words & other) / total if total else 0.0

    def lexical(self, commitment: str, followup: FollowUp) -> float:
        """Weighted share of the commitment's words (whole core or its head clause) in the report."""
        other, best = report_words(followup), 0.0
        for text in {core_text(commitment), head_text(commitment)}:
            words = content_words(text)
            if len(words & other) >= min(MIN_SHARED, len(words)):
                best = max(best, self.weighted_containment(words, other))
        return best

    def about(self, commitment: str, followup: FollowUp) -> float:
        """How strongly the report is about the commitment (0 when it is not)."""
        labelled = labels(commitment, followup)
        lexical = max(self.lexical(commitment, followup), LEXICAL_MATCH if labelled else 0.0)
        cosine = self.cosine(commitment, report_text(followup))
        if cosine is not None and cosine >= COSINE_MATCH:
            return max(cosine, (lexical + cosine) / 2)  # paraphrase territory: the meaning decides
        if not (labelled or names_itself(commitment, followup)):
            return 0.0  # a heading gives the topic, not the evidence ("## Hiring" is not "hired")
        if cosine is None:
            return lexical if lexical >= LEXICAL_MATCH else 0.0
        # With both signals, words alone no longer decide: an unrelated sentence that happens to
        # share words ("evidence", "raise") is vetoed by a low cosine.
        mean = (lexical + cosine) / 2
        return max(cosine, mean) if mean >= MEAN_MATCH else 0.0

    def by_label_only(self, commitment: str, followup: FollowUp) -> bool:
        """True when only a "Topic:" label ties the report to the commitment: the label may name a
        topic that several commitments share."""
        if not labels(commitment, followup) or names_itself(commitment, followup):
            return False
        cosine = self.cosine(commitment, report_text(followup))
        return cosine is None or cosine < COSINE_MATCH

    def confirms(self, commitment: str, followup: FollowUp, only_label: bool) -> str | None:
        """How a report that says the commitment was done or dropped is about it, though it does not
        repeat its verb: "label" (a "Topic:" label naming this commitment and no other open one,
        `only_label`), "meaning" (meaning and shared words), else None. Never without embeddings."""
        if followup.status not in ("done", "dropped"):
            return None
        cosines = [c for text in {followup.text, report_text(followup)} if (c := self.cosine(commitment, text)) is not None]
        if not cosines:
            return None
        cosine = max(cosines)
        if only_label and labels(commitment, followup) and cosine >= CLOSE_COSINE:
            return "label"
        if len(content_words(commitment) & content_words(report_text(followup))) < MIN_SHARED:
            return None
        if followup.status == "done":
            return "meaning" if cosine >= CONFIRM_COSINE else None
        return "meaning" if followup.own_cue and cosine >= DROP_COSINE else None

    def repeats(self, a: str, b: str) -> bool:
        """True when two commitments say the same thing (an acronym in one read as the words it
        abbreviates in the other: "WCF sheets" and "whole-class feedback sheets")."""
        a, b = expand_acronyms(a, b), expand_acronyms(b, a)
        wa, wb = content_words(a), content_words(b)
        small, large = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
        shared = len(wa & wb)
        if shared >= MIN_SHARED and containment(small, large) >= REPEAT_CONTAINMENT:
            return True
        if shared >= 3 and shared / len(wa | wb) >= REPEAT_JACCARD:
            return True
        return (self.cosine(a, b) or 0.0) >= REPEAT_COSINE

    def names_closely(self, commitment: str, followup: FollowUp) -> bool:
        """True when the report repeats the commitment itself: its verb and another of its words
        ("Sent him the passkeys doc" for "Send Ade the passkeys doc"), or most of its key words, and,
        with embeddings, a meaning not far from it. A topical overlap ("Sue covered my Year 8s" for
        "Watch Sue's Year 8 lesson") is not enough."""
        words = content_words(core_text(commitment)) | content_words(head_text(commitment))
        said = content_words(report_text(followup))
        # "Stop checking email": the verb is the one being stopped.
        verb = _verb(commitment)
        covered = max(self.weighted_containment(words, said), self.weighted_containment(content_words(commitment), said))
        # "did"/"finished" stand in for the verb only when the report also covers much of the rest.
        shared = len(words & said)
        stand_in = _COMPLETED.search(followup.text) is not None and covered >= PRO_VERB_COVER and shared > MIN_SHARED
        verb_said = (verb is not None and verb in {stem(w) for w in word_list(report_text(followup))}) or stand_in
        close = (verb_said and shared >= MIN_SHARED) or (covered >= CLOSE_CONTAINMENT and shared > MIN_SHARED)
        cosines = [c for text in {followup.text, report_text(followup)} if (c := self.cosine(commitment, text)) is not None]
        return close and (not cosines or max(cosines) >= CLOSE_COSINE)
