"""Word-level helpers for matching commitments: stop words, a crude stemmer, content words, folding."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def word_set(text: str) -> frozenset[str]:
    """A word list written as one string (easier to read and extend than a list literal)."""
    return frozenset(text.split())


def _pairs(text: str) -> dict[str, str]:
    """'from:to' pairs written as one string."""
    return dict(pair.split(":", 1) for pair in text.split())


_STOP = word_set(
    """
    a an the and or but nor so if then than that this these those there here of to in on at by for
    with from into onto about as up down out off over under again further once very just also too
    only own same such no not any all both each few more most other some own i me my myself we us
    our ours you your he him his she her it its they them their what which who whom whose when where
    why how is am are was were be been being do does did done doing have has had having get got make
    made go went going take took will would shall should can could may might must need let lets i'll
    i'm i've i'd we'll we're it's that's don't didn't won't can't now still even really actually
    maybe probably first next last one thing things something e.g i.e etc way lot bit instead though
    however although because while before after until without within during across around against
    between through two three four five six seven eight nine ten
    """
)
# Irregular forms the suffix stripper cannot reach; mapped to a shared base.
_IRREGULAR = _pairs(
    """
    wrote:write written:write sent:send met:meet told:tell ran:run gave:give given:give took:take
    taken:take did:do done:do had:have made:make went:go gone:go got:get bought:buy brought:bring
    built:build chose:choose chosen:choose drew:draw drawn:draw kept:keep led:lead left:leave
    paid:pay spoke:speak spoken:speak spent:spend taught:teach thought:think began:begin begun:begin
    held:hold heard:hear found:find sold:sell won:win came:come shown:show grew:grow grown:grow
    knew:know known:know hired:hire people:person rewrote:rewrite rewritten:rewrite saw:see seen:see
    drove:drive driven:drive rode:ride flew:fly forgot:forget forgotten:forget lost:lose meant:mean
    slept:sleep stood:stand understood:understand caught:catch fought:fight sought:seek felt:feel
    dealt:deal sat:sit hung:hang shook:shake woke:wake fed:feed rang:ring sang:sing wore:wear
    """
)
_SUFFIXES = ("ings", "ing", "ied", "ies", "ed", "es", "s")
_TOKEN = re.compile(r"[a-z0-9£$€]+(?:[:'][a-z0-9]+)*")  # keeps 1:1 and don't whole


def stem(word: str) -> str:
    """A crude, deterministic stem so that booked/books/booking and write/written meet."""
    word = _IRREGULAR.get(word, word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)] + ("y" if suffix in ("ied", "ies") else "")
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]  # planned -> plann -> plan
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


@lru_cache(maxsize=65536)
def content_words(text: str) -> frozenset[str]:
    """Stemmed words that carry meaning (stop words and possessives removed)."""
    words = _TOKEN.findall(fold(text).lower().replace("’", "'"))
    words = [w[:-2] if w.endswith("'s") else w.replace(":1s", ":1") for w in words]
    return frozenset(stem(w) for w in words if w not in _STOP and len(w) > 1)


def containment(small: frozenset[str], large: frozenset[str]) -> float:
    """Share of `small`'s words found in `large` (0 when `small` is empty)."""
    return len(small & large) / len(small) if small else 0.0


def fold(text: str) -> str:
    """Curly quotes to straight ones, emoji and other symbols removed."""
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"}))
    return "".join(ch for ch in text if unicodedata.category(ch) != "So")


class WordIndex:
    """Which entries share a content word with a text, so that matching stays near-linear: only the
    entries sharing a word are compared, and a word shared by more than `cap` entries (common in
    this collection, so it says little) is not followed."""

    def __init__(self, cap: int = 64) -> None:
        self.cap = cap
        self.postings: dict[str, list[int]] = {}

    def add(self, key: int, words: frozenset[str]) -> None:
        """File entry `key` under each of its words."""
        for word in words:
            self.postings.setdefault(word, []).append(key)

    def candidates(self, words: frozenset[str]) -> set[int]:
        """Entries sharing at least one informative word."""
        found: set[int] = set()
        for word in words:
            keys = self.postings.get(word, ())
            if len(keys) <= self.cap:
                found.update(keys)
        return found
