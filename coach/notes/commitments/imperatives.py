"""A plain imperative line as a plan ("Write the one-page plan by Friday 23 January."): a sentence that
opens with an action verb in its base form and says when, standing alone as its own paragraph."""

from __future__ import annotations

import re

from coach.text import TOPIC_LABEL, word_set

# Verbs people open a to-do with. Forms that are also past tense (read, put, set, cut, let) are left
# out: "Read 'Foster' on the train back" reports; it does not plan.
ACTION_VERBS = word_set(
    """
    add agree apply arrange ask attend book bring build buy call cancel cascade change check chase
    choose clear co-plan collect confirm contact copy create decide delegate delete draft email
    enter file fill find finish fix follow get give go hand have invite join keep learn leave list
    log look make map meet message mentor move note observe offer order organise organize pick pilot
    pitch plan post practise practice prepare present print pull raise reach record register
    rehearse remind renew reply request research review rewrite ring run schedule send share show
    sign speak start stop submit suggest take talk teach tell test text thank track try update use
    visit watch write
    """
)
# When: a day, a date, a deadline or a recurrence ("by Friday", "from Monday", "tonight", "every week").
WHEN = re.compile(
    r"\b(?:by|before|from|on|until|after|starting|this|next|every|each)\s+(?:the\s+)?"
    r"(?:\w+day|\d{1,2}(?:st|nd|rd|th)?|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|"
    r"oct\w*|nov\w*|dec\w*|week\w*|month|term|half[- ]term|session|meeting|lesson|morning|evening|end)\b"
    r"|\b(?:today|tomorrow|tonight)\b",
    re.IGNORECASE,
)
_MIN_WORDS = 4


def is_imperative_plan(sentence: str) -> bool:
    """True for "Give Callum the choice of two seats from Monday.": a capitalised base-form action
    verb first, at least four words, a time it is for, and no question. A short topic before a colon
    ("Hiring: write the scorecards by Friday") is skipped."""
    if topic := TOPIC_LABEL.match(sentence):  # "Practice assessor course: application went in on the 3rd"
        sentence = sentence[topic.end():].lstrip()
        sentence = sentence[:1].upper() + sentence[1:]
    words = sentence.split()
    if len(words) < _MIN_WORDS or sentence.rstrip().endswith("?") or not words[0][:1].isupper():
        return False
    return words[0].lower().strip(",.:") in ACTION_VERBS and WHEN.search(sentence) is not None
