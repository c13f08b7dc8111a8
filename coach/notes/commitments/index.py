"""Which entries share a content word with a text: keeps commitment matching near-linear."""

from __future__ import annotations


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
