"""Commitments ("I'll …", `- [ ]`, Action lists) and follow-ups ("did …", `- [x]`) in one note, by rules.

The public face of the package; the rules live in its modules: blocks (sections of a note), leads
(lead-in phrases), cues (status words), extraction (commitments), followups (progress reports) and
index (a word index). Words, stemming, sentences and Markdown come from coach.text."""

from coach.notes.commitments.blocks import Block, classify_heading, parse_blocks
from coach.notes.commitments.cues import only_told
from coach.notes.commitments.extraction import Commitment, extract_commitments
from coach.notes.commitments.followups import FollowUp, extract_followups, report_units
from coach.notes.commitments.index import WordIndex
from coach.notes.commitments.leads import finish_text, proper_nouns
from coach.text import containment, content_words, fold, mask_quotes, stem, strip_markup
from coach.text import sentence_spans as sentences

__all__ = [
    "WordIndex",
    "Block",
    "Commitment",
    "FollowUp",
    "classify_heading",
    "containment",
    "content_words",
    "extract_commitments",
    "extract_followups",
    "finish_text",
    "fold",
    "mask_quotes",
    "only_told",
    "parse_blocks",
    "proper_nouns",
    "report_units",
    "sentences",
    "stem",
    "strip_markup",
]
