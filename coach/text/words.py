"""Words: one stop-word list, one stemmer (Snowball English via PyStemmer), folding and word sets."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def word_set(text: str) -> frozenset[str]:
    """A word list written as one string (easier to read and extend than a list literal)."""
    return frozenset(text.split())


# Function words and question words: they carry no topic, in a query or in a note (what BM25 drops).
STOP_WORDS = word_set(
    """
    a an and are as at be been but by can could did do does doing for from had has have he her him his
    how i if in into is it its me my of on or our out she so than that the their them then there these they
    this to too us was we were what when where which who whom why will with would you your about after again
    all am any because before being between both during each few further here more most must no nor not now
    off once only other over own same should some such up very just also ever said say says tell told get got
    s t don didn doesn ll ve re m d
    """
)
# Vague words a commitment shares with any report ("the first thing", "next week"); matching drops them
# too, on top of STOP_WORDS. Search keeps them: dropping them from BM25 cost recall on both dev sets.
VAGUE_WORDS = word_set(
    """
    a an the and or but nor so if then than that this these those there here of to in on at by for
    with from into onto about as up down out off over under again further once very just also too
    only own same such no not any all both each few more most other some i me my myself we us our
    ours you your he him his she her it its they them their what which who whom whose when where why
    how is am are was were be been being do does did done doing have has had having can could will
    would shall should may might must need let lets get got make made go went going take took
    now still even really actually ever maybe probably first next last one thing things something way
    lot bit etc e.g i.e instead though however although because while before after until without
    within during across around against between through two three four five six seven eight nine ten
    """
)
# Irregular verb forms (and one plural) the Snowball stemmer leaves alone, mapped to a shared base so that
# "wrote the draft" meets "write the draft".
_IRREGULAR = dict(
    pair.split(":", 1)
    for pair in """
    wrote:write written:write sent:send met:meet told:tell ran:run gave:give given:give took:take
    taken:take did:do done:do had:have made:make went:go gone:go got:get bought:buy brought:bring
    built:build chose:choose chosen:choose drew:draw drawn:draw kept:keep led:lead left:leave
    paid:pay spoke:speak spoken:speak spent:spend taught:teach thought:think began:begin begun:begin
    held:hold heard:hear found:find sold:sell won:win came:come shown:show grew:grow grown:grow
    knew:know known:know people:person rewrote:rewrite rewritten:rewrite saw:see seen:see
    drove:drive driven:drive rode:ride flew:fly forgot:forget forgotten:forget lost:lose meant:mean
    slept:sleep stood:stand understood:understand caught:catch fought:fight sought:seek felt:feel
    dealt:deal sat:sit hung:hang shook:shake woke:wake fed:feed rang:ring sang:sing wore:wear
    """.split()
)
_MATCH_STOP = STOP_WORDS | VAGUE_WORDS
_PUNCTUATION = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
# Content words keep "1:1", "£40" and "don't" whole, so the stop list can drop the contraction.
_CONTENT_TOKEN = re.compile(r"[a-z0-9£$€]+(?:[:'][a-z0-9]+)*")


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer: a C Snowball stemmer, imported on first use

    return Stemmer.Stemmer("english")


def fold(text: str, *, lower: bool = False, accents: bool = False) -> str:
    """Curly quotes and dashes made plain and emoji/symbols removed; optionally lower-cased and
    accents removed ("Café" -> "cafe"). Without `accents` only symbols change the length."""
    text = text.translate(_PUNCTUATION)
    if not text.isascii():  # ASCII holds no symbols of category So: the common case skips the scan
        text = "".join(ch for ch in text if ch.isascii() or unicodedata.category(ch) != "So")
    if lower:
        text = text.lower()
    if accents:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one lower-case word: irregular forms to their base, then Snowball English."""
    return _stemmer().stemWord(_IRREGULAR.get(word, word))


def stem_words(words: list[str]) -> list[str]:
    """`stem` over a list, in order."""
    return [stem(word) for word in words]


def words(text: str) -> list[str]:
    """Lower-case, accent-folded words in order; a contraction or possessive keeps only its first part
    ("manager's" -> "manager", "don't" -> "don"); underscores and punctuation split words."""
    folded = fold(text, lower=True, accents=True)
    return [w.split("'")[0] for w in _WORD.findall(folded)]


def tokenize(text: str) -> list[str]:
    """Snowball stems of the words not in STOP_WORDS, in order, repeats kept (what the BM25 index counts;
    irregular forms are not mapped here: measured, it lowered hybrid MRR on both dev sets)."""
    return _stemmer().stemWords([w for w in words(text) if w and w not in STOP_WORDS])


@lru_cache(maxsize=65536)
def content_words(text: str) -> frozenset[str]:
    """The set of stemmed content words ("booked the room" -> {"book", "room"}): stop words, one-letter
    words and possessive 's dropped; "1:1" and "£40" kept whole, accents folded."""
    found = _CONTENT_TOKEN.findall(fold(text, lower=True, accents=True))
    found = [w[:-2] if w.endswith("'s") else w.replace(":1s", ":1") for w in found]
    return frozenset(stem(w) for w in found if w not in _MATCH_STOP and "'" not in w and len(w) > 1)


def containment(small: frozenset[str], large: frozenset[str]) -> float:
    """Share of `small`'s words found in `large` (0 when `small` is empty)."""
    return len(small & large) / len(small) if small else 0.0


_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")


def expand_acronyms(text: str, other: str) -> str:
    """`text` with each capitalised acronym (2-5 letters) spelled out when `other` has a run of
    content words with those initials, hyphenated parts counted ("WCF" -> "whole-class feedback")."""
    found = re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", other)

    def spell(match: re.Match[str]) -> str:
        letters = match.group(0).lower()
        for i in range(len(found)):
            initials, j = "", i
            while j < len(found) and letters.startswith(initials) and initials != letters:
                if found[j].isupper() or not content_words(found[j]):
                    break
                initials += "".join(part[0].lower() for part in found[j].split("-"))
                j += 1
            if initials == letters:
                return " ".join(found[i:j])
        return match.group(0)

    return _ACRONYM.sub(spell, text)
