"""Commitments ("I'll …", `- [ ]`, Action lists) and follow-ups ("did …", `- [x]`) in one note, by rules.

The public face of the package; the rules live in its modules: words (stemming, content words),
markup (Markdown, quotes, sentences), blocks (sections of a note), leads (lead-in phrases),
cues (status words), extraction (commitments) and followups (progress reports)."""

from coach.notes.commitments.blocks import Block, classify_heading, parse_blocks
from coach.notes.commitments.extraction import Commitment, extract_commitments
from coach.notes.commitments.followups import FollowUp, extract_followups, report_units
from coach.notes.commitments.leads import finish_text, proper_nouns
from coach.notes.commitments.markup import mask_quotes, sentences, strip_markup
from coach.notes.commitments.words import WordIndex, containment, content_words, fold, stem

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
    "parse_blocks",
    "proper_nouns",
    "report_units",
    "sentences",
    "stem",
    "strip_markup",
]
