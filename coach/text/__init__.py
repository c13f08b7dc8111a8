"""coach's one text toolkit (the lowest layer: it imports nothing from coach).

Words (coach.text.words):
    STOP_WORDS: frozenset[str]            the stop-word list (function and question words; BM25 drops these)
    VAGUE_WORDS: frozenset[str]           vague words content_words also drops ("thing", "first", "two")
    fold(text, *, lower=False, accents=False) -> str
        curly quotes/dashes made plain, emoji and symbols removed; optionally lower-cased, accents removed
    stem(word) -> str                      Snowball English (PyStemmer) after irregular forms (wrote -> write)
    stem_words(words) -> list[str]
    words(text) -> list[str]               lower-case, accent-folded words ("manager's" -> "manager")
    tokenize(text) -> list[str]            Snowball stems of non-stop words in order, repeats kept (BM25)
    content_words(text) -> frozenset[str]  stemmed content words, stop words dropped (matching)
    containment(small, large) -> float     share of `small`'s words in `large`
    word_set(text) -> frozenset[str]       a word list written as one string
    expand_acronyms(text, other) -> str    "WCF" spelled out as the content words of `other` with those initials

Sentences (coach.text.sentences):
    sentence_spans(text) -> list[tuple[int, int]]   character spans; quotes, "Dr.", "e.g.", "a.m." safe
    split_sentences(text) -> list[str]
    strip_markup(text) -> str              emphasis, code ticks, links, [[wiki|links]] to their text (folds)
    mask_quotes(text) -> str               double-quoted spans blanked to x's, same length
    TOPIC_LABEL: re.Pattern                a short topic before a colon opening a sentence ("Rota: ...")

Markdown structure (coach.text.markdown, on markdown-it-py):
    read_blocks(text, first_line=1, speakers=(), front_matter=True) -> list[Block]
        (for a Note: read_blocks(note.body, note.body_offset, front_matter=False))
        Block(kind, text, raw, start, end, headings, label, depth, checked, level, speaker) with
        kind in KINDS: heading, paragraph, list_item, checkbox, label, quote, speaker, code, table;
        start/end are 1-based file lines (front matter, CRLF, setext headings and `---` rules counted);
        a list, or the plain lines, after a label line ("To do:", "**Actions**") carry that label
        (plain lines then come one block per line).
    label_of(line) -> str | None           the label when a line is one
    split_front_matter(lines) -> int       how many leading lines are YAML front matter

Term weights (coach.text.tfidf):
    idf(df, documents) -> dict[str, float]          log(N / df) + 1 per term
    tfidf(counts, weights) -> dict[str, float]      (1 + log tf) x idf per term of one document
"""

from coach.text.markdown import KINDS, Block, label_of, read_blocks, split_front_matter
from coach.text.sentences import TOPIC_LABEL, mask_quotes, sentence_spans, split_sentences, strip_markup
from coach.text.tfidf import idf, tfidf
from coach.text.words import (
    STOP_WORDS,
    VAGUE_WORDS,
    containment,
    content_words,
    expand_acronyms,
    fold,
    stem,
    stem_words,
    tokenize,
    word_set,
    words,
)

__all__ = [
    "KINDS",
    "STOP_WORDS",
    "TOPIC_LABEL",
    "VAGUE_WORDS",
    "Block",
    "containment",
    "content_words",
    "expand_acronyms",
    "fold",
    "idf",
    "label_of",
    "mask_quotes",
    "read_blocks",
    "sentence_spans",
    "split_front_matter",
    "split_sentences",
    "stem",
    "stem_words",
    "strip_markup",
    "tfidf",
    "tokenize",
    "word_set",
    "words",
]
