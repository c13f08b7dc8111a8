"""Follow-ups in one note: checked boxes and sentences reporting earlier commitments done, dropped or pending."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from coach.notes.commitments.blocks import SELF_SPEAKERS, Block, line_at, parse_blocks
from coach.notes.commitments.cues import DONE_LEAD, DROPPED_LEAD, counts_only, cue
from coach.notes.commitments.leads import HYPOTHETICAL, INLINE_STYLES, finish_text, read_lead, skip_filler
from coach.notes.model import Note
from coach.text import TOPIC_LABEL, mask_quotes
from coach.text import sentence_spans as sentences
from coach.text.speech import ADVICE_HEADING


@dataclass(frozen=True)
class FollowUp:
    """A statement reporting progress on some earlier commitment."""

    text: str
    status: str
    """"done" or "dropped"; "pending" ("half done", "haven't yet") only when asked for."""
    path: str
    date: date
    line: int
    context: str = ""
    """The heading or label the statement sits under ("Follow-ups", "Rota")."""
    after: str = ""
    """The next sentence in the same paragraph or item, which often names the topic."""
    negated: bool = False
    """Status comes from a negation ("no longer", "haven't"): for "stop …" commitments that means done."""
    before: str = ""
    """The sentence (or transcript turn) just before, which a terse report answers ("I wrote it on Sunday")."""
    section: str = ""
    """The section it sits in: "progress" ("Since last time", "Done:") or "other"."""
    own_cue: bool = True
    """The status comes from the sentence's own words (not a following sentence, not its section)."""


# Someone else's words ("Ade said …", "His advice: …") are advice, not the author's progress.
_SPEECH = re.compile(
    r"^(?!I\b)(?:[A-Z][\w'-]*|[Hh]e|[Ss]he|[Tt]hey|[Yy]ou)(?: [a-z]\w*)?\s+(?:said(?! (?:yes|no)\b)|says|suggested|suggests|"
    r"thinks|reckons|told me|recommended|recommends|advised|pointed out|asked|wants|warned|argued|replied)\b"
    r"|^(?:his|her|their|[A-Z][\w-]*'s) "
    r"(?:line|advice|point|take|rule|reaction|view|suggestion|feedback|words|answer|response)s?\b",
)


def _mentor_label(note: Note) -> re.Pattern[str] | None:
    """'Ade:' / "Ade's take:" at the start of a line reports the mentor's advice, not progress."""
    if not note.mentor:
        return None
    first = re.escape(note.mentor.split()[0])
    return re.compile(rf"^{first}(?:'s \w+)?\s*:", re.IGNORECASE)


def _not_a_report(masked: str, advice: re.Pattern[str] | None) -> bool:
    """Questions, plans, hypotheticals and other people's advice are not progress reports."""
    body = masked[skip_filler(masked) :].strip()
    asks = re.sub(r'"[^"]*"', "", body).rstrip().endswith("?")  # a quoted "OK?" does not make it a question
    if not body or asks or HYPOTHETICAL.match(body) or _SPEECH.match(body):
        return True
    if advice is not None and advice.match(body):
        return True
    return read_lead(body, (INLINE_STYLES | {"intend"}) - {"agreed"}) is not None


@dataclass(frozen=True)
class _Sentence:
    """One sentence of a block, with what it says about progress."""

    offset: int
    text: str
    reportable: bool
    cue: tuple[str, bool] | None


def _read_sentence(block: Block, start: int, end: int, advice: re.Pattern[str] | None) -> _Sentence:
    """Classify one sentence: an explicit 'Done:'/'Dropped:' lead, a cue, or not a report."""
    sentence, masked = block.text[start:end].strip(), mask_quotes(block.text[start:end]).strip()
    for lead, status in ((DONE_LEAD, "done"), (DROPPED_LEAD, "dropped")):
        if match := lead.match(sentence):
            return _Sentence(start, sentence[match.end() :], True, (status, False))
    if _not_a_report(masked, advice):
        return _Sentence(start, sentence, False, None)
    return _Sentence(start, sentence, True, cue(masked))


def _settle_in_progress_section(following: _Sentence | None) -> tuple[str, bool]:
    """A cue-less sentence under a 'Follow-ups' heading: the next sentence's warning, else done."""
    if following is not None and following.cue is not None and following.cue[0] != "done":
        return following.cue
    return ("done", False)


def _may_report(block: Block) -> bool:
    """Blocks whose sentences can be progress reports: not a new action list, not advice."""
    if block.kind == "heading":
        return False  # a heading names a topic; it reports nothing
    if block.section == "action":
        return False  # items of a new action list are plans, even when they mention the past
    return not ADVICE_HEADING.search(block.context)


def _sentence_cue(block: Block, sentence: _Sentence, following: _Sentence | None) -> tuple[str, bool] | None:
    """A sentence's cue; under a progress heading a cue-less statement still reports progress."""
    if (
        sentence.cue is None
        and sentence.reportable
        and block.section == "progress"
        and block.kind != "heading"
    ):
        return _settle_in_progress_section(following)
    return sentence.cue


# A report's status may come from the sentences after it in the same item ("Timed myself for a
# fortnight. Still averaging 14 minutes. Not there."): at most this many, and only warnings.
_FOLLOWING = 3


def _carried_cue(own: tuple[str, bool] | None, following: list[_Sentence]) -> tuple[str, bool] | None:
    """The sentence's cue, unless a sentence just after it in the same item says it was dropped or is
    still pending: a later warning outweighs an earlier 'did'."""
    for later in following[:_FOLLOWING]:
        if TOPIC_LABEL.match(later.text):
            break  # "Teacher talk: still averaging 14 minutes" reports on another topic
        if own is not None and own[0] == "done" and counts_only(mask_quotes(later.text)):
            continue
        if later.cue is not None and later.cue[0] in ("dropped", "pending") and not later.cue[1]:
            return later.cue
    return own


def _block_followups(
    note: Note, block: Block, advice: re.Pattern[str] | None, before: str, mentions: bool
) -> Iterator[FollowUp]:
    """Follow-ups from one block: a checked box, or sentences that report progress (with
    `mentions`, also sentences that report nothing, status "")."""
    if block.checkbox == "x":
        text = finish_text(block.text.split("\n")[0])
        yield FollowUp(text, "done", note.path, note.date, block.line, block.context, section=block.section)
        return
    if block.kind == "heading" and (unit := _heading_report(note, block)) is not None:
        yield unit
        return
    if not _may_report(block) or (block.speaker and block.speaker not in SELF_SPEAKERS):
        return
    read = [_read_sentence(block, start, end, advice) for start, end in sentences(block.text)]
    for i, sentence in enumerate(read):
        following = read[i + 1 :] if block.kind == "item" or len(read) <= _FOLLOWING + 1 else read[i + 1 : i + 2]
        cue = _carried_cue(_sentence_cue(block, sentence, following[0] if following else None), following)
        own = cue is not None and sentence.cue is not None and cue[0] == sentence.cue[0]
        if cue is None and not (mentions and sentence.reportable):
            continue
        status, negated = cue if cue is not None else ("", False)
        after = finish_text(following[0].text) if following else ""
        previous = finish_text(read[i - 1].text) if i else before
        yield FollowUp(finish_text(sentence.text), status, note.path, note.date, line_at(block, sentence.offset),
                       block.context, after, negated, previous, block.section, own)


def _heading_report(note: Note, block: Block) -> FollowUp | None:
    """A heading that names a topic and says what happened to it ("Reading list: finished it"):
    a report, though a heading otherwise only names a topic."""
    text = finish_text(block.text.split("\n")[0])
    label = TOPIC_LABEL.match(text)
    if label is None:
        return None
    said = cue(mask_quotes(text[label.end():]))
    if said is None or said[0] not in ("done", "dropped"):
        return None
    return FollowUp(text, said[0], note.path, note.date, block.line, block.context, negated=said[1], section=block.section)


def _last_sentence(block: Block) -> str:
    """A block's last sentence (what a transcript reply answers)."""
    spans = sentences(block.text)
    return block.text[spans[-1][0] : spans[-1][1]].strip() if spans else ""


def report_units(note: Note, mentions: bool = True) -> list[FollowUp]:
    """Every sentence of the note that may report on an earlier commitment, with its cue (status ""
    when its own words give none): what the tracker reads for evidence."""
    advice, found, before = _mentor_label(note), list[FollowUp](), ""
    for block in parse_blocks(note):
        found.extend(_block_followups(note, block, advice, before, mentions))
        if block.kind != "heading":
            before = _last_sentence(block)
    return found


def extract_followups(note: Note, include_pending: bool = False) -> list[FollowUp]:
    """Statements in the note that report an earlier commitment done or dropped (or, optionally, pending)."""
    found = report_units(note, mentions=False)
    return [f for f in found if include_pending or f.status != "pending"]
