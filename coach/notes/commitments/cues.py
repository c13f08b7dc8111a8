"""Status words: what a sentence says about progress (done, dropped, pending), by its own words."""

from __future__ import annotations

import re

from coach.text import word_set

DONE_LEAD = re.compile(r"^(?:done|completed|finished|did it|achieved)\s*[:\-!.]\s*", re.IGNORECASE)
DROPPED_LEAD = re.compile(
    r"^(?:dropped|parked|abandoned|cancelled|canceled|won't do|not doing)\s*[:\-]\s*", re.IGNORECASE
)
# "Turnaround dropped from two days to one", "dropped in on her lesson": a fall or a visit, not abandoning.
_NOT_A_FALL = r"(?! (?:from|to|by|in|into|\d))"
_DROPPED = re.compile(
    rf"\b(?:dropped{_NOT_A_FALL}|dropping{_NOT_A_FALL}|abandoned|scrapped|scrapping|ditched|cancell?ed|gave up|giving up|given up|"
    r"let (?:it |that |this )?go|let go of|let (?:it|that|this|them) slide|lapsed|fell off|fell by the wayside|"
    r"fell through|didn't stick|did not stick|(?:only )?lasted (?:a|an|one|two|three|four|five|six|\d+) (?:day|week)s?|"
    r"is dead|are dead|(?:has|have) gone|not coming back|never got (?:round|around)|didn't happen|did not happen|"
    r"no point|not needed|no longer needed|called off|not applying|not going ahead|won't happen)\b",
    re.IGNORECASE,
)
# "I never sent the targets", "never did get to it": it did not happen (for a "stop …" commitment, it was kept).
_NEVER = re.compile(
    r"\bnever\s+(?:really\s+)?(?:\w+ed|did|got|sent|made|went|wrote|took|gave|rang|told|met|read|found)\b",
    re.IGNORECASE,
)
_NEGATED_DROP = re.compile(
    r"\b(?:no longer|not going to|decided not to|decided against|won't be)\b", re.IGNORECASE
)
# Open, with progress: partial, paused ("parked" keeps it open), or not yet.
_PENDING = re.compile(
    r"\b(?:half(?![- ]terms?\b)|partly|partially|not yet|yet to|still (?:open|pending|to do|need|waiting|not|owe|the|a|only|averaging)|"
    r"in progress|ongoing|need to|needs to|not done|not started|not there|rough draft|first draft|"
    r"(?:only|just) (?:a |the )?(?:start|outline|draft)|left to|keeps? slipping|keep meaning|still owe|"
    r"parked|parking|shelved|on hold|paused|postponed|put off|not dead|"
    # Patchy, or kept up only for a while ("did it properly for about a week"): not done, not dropped.
    r"patchy|hit and miss|on and off|off and on|sporadic(?:ally)?|"
    r"for (?:only|just|about|around) (?:a|an|one|two|three|a couple of|a few|\d+) (?:days?|weeks?))\b",
    re.IGNORECASE,
)
# Rescheduled to a later time ("Moved to May", "pushed back to next week"): still open, not done.
_RESCHEDULED = re.compile(
    r"\b(?:moved|pushed|put|bumped|rescheduled|shifted|delayed)(?: back| on)? (?:to|until|till) (?:"
    r"next \w+|(?:the )?\d{1,2}(?:st|nd|rd|th)?\b|(?:mon|tues|wednes|thurs|fri|satur|sun)day|jan\w*|feb\w*|"
    r"march|april|may|june|july|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*|after\b|later\b|tomorrow)",
    re.IGNORECASE,
)
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen".split())}
_COUNT = re.compile(r"\b(\d+|[a-z]+) (?:of|out of) (?:the )?(\d+|[a-z]+)\b", re.IGNORECASE)


def _partial_count(text: str) -> bool:
    """ "13 of 14", "eight of fourteen": some but not all done."""
    for match in _COUNT.finditer(text):
        done, total = (_NUMBER_WORDS.get(g.lower(), int(g) if g.isdigit() else None) for g in match.groups())
        if done is not None and total is not None and 0 < done < total:
            return True
    return False


_NEGATED_PENDING = re.compile(r"\b(?:haven't|hasn't|didn't|did not|have not|has not|never)\b", re.IGNORECASE)
_DONE_WORDS = re.compile(
    r"\[x\]|\b(?:done|finished|completed|sorted|shipped|submitted|merged|booked|sent|delivered|"
    r"accepted|achieved|handled|fixed|in place|is live|is working|are working|is helping|"
    r"going (?:well|fine|great|ok))\b|\b(?:have|has|got)\b[^.;]*\bnow\b",
    re.IGNORECASE,
)
_PARTICIPLES = (
    "done|got|gotten|taken|written|given|gone|seen|begun|sent|made|built|kept|left|met|paid|"
    "run|won|told|bought|brought|found|held|heard|chosen|spoken|grown|shown|known"
)
# "have been + -ing" is ongoing, not finished, so "been" is deliberately not a participle here.
_PERFECT = re.compile(
    rf"\b(?:I've|I have|we've|we have|has|have|'s) (?:\w+ed|{_PARTICIPLES})\b", re.IGNORECASE
)
_IRREGULAR_PAST = word_set(
    """
    did went took had made got sent met wrote told gave ran began bought brought built chose came
    drew drove found flew forgot kept knew led left lost paid saw sold spoke spent stood taught
    threw understood woke won held heard rang rode sat shook stuck swore tore
    """
)
_NOT_PAST = word_set(
    """
    tired scared worried interested excited surprised pleased embarrassed annoyed relieved stressed
    overwhelmed confused bored frustrated disappointed exhausted motivated energised energized
    supposed used based related concerned detailed limited mixed complicated dedicated experienced
    skilled hundred wicked naked sacred
    """
)


def _is_past(word: str) -> bool:
    """A past-tense verb by form (regular -ed or a common irregular)."""
    word = word.lower()
    if word in _IRREGULAR_PAST or word in ("agreed", "freed"):
        return True
    # need/proceed end in -ed without being past; short words (red, bed) rarely are.
    return len(word) > 4 and word.endswith("ed") and word not in _NOT_PAST and not word.endswith("eed")


def _reports_progress(masked: str) -> bool:
    """Done-words, a perfect tense or a past-tense verb in the sentence."""
    if _DONE_WORDS.search(masked) or _PERFECT.search(masked):
        return True
    return any(_is_past(word) for word in re.findall(r"[A-Za-z]+", masked))


_PARTICIPLE_WORDS = word_set(_PARTICIPLES.replace("|", " "))
_SPEECH_PAST = word_set("told said asked mentioned explained suggested")


def only_told(masked: str) -> bool:
    """True when the sentence's only sign of progress is a verb of saying ("When I told her Kwame wants
    every class on it"): it reports talk about a plan, which does the plan only when the plan was to say it."""
    if _DONE_WORDS.search(masked) or _PERFECT.search(masked):
        return False
    past = [w.lower() for w in re.findall(r"[A-Za-z]+", masked) if _is_past(w) or w.lower() in _PARTICIPLE_WORDS]
    return bool(past) and all(w in _SPEECH_PAST for w in past)


def counts_only(masked: str) -> bool:
    """True when a sentence is pending only by a count ("Nine of fourteen have opened it"): a tally of
    how others took it up, which does not undo an explicit "went out" before it."""
    return _partial_count(masked) and not _PENDING.search(masked)


def cue(masked: str) -> tuple[str, bool] | None:
    """(status, negated) the sentence's own words give, or None when it reports nothing. Partial or
    paused progress is "pending" (still open); only words of abandoning make "dropped"."""
    if _PENDING.search(masked) or _RESCHEDULED.search(masked) or _partial_count(masked):
        return "pending", False
    if _DROPPED.search(masked):
        return "dropped", False
    if _NEGATED_DROP.search(masked) or _NEVER.search(masked):
        return "dropped", True
    if _NEGATED_PENDING.search(masked):
        return "pending", True
    return ("done", False) if _reports_progress(masked) else None


def opens_with_report(masked: str) -> bool:
    """A line that opens by reporting ("Sent the slides", "Done: …", "I've booked …"), not planning."""
    words = re.findall(r"[A-Za-z']+", masked)
    if DONE_LEAD.match(masked) or DROPPED_LEAD.match(masked) or _PERFECT.match(masked):
        return True
    return bool(words) and _is_past(words[0])
