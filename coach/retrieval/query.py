"""Reading a question the way it was meant: who it names, when it points at, and what it is about.

`read_query` turns the raw text into a `QueryReading`; `order_notes` then ranks scored notes by it:
- a person named in the question (see people.py) is a soft filter: their notes come first, notes
  with no mentor compete with them on relevance, other people's notes follow;
- two or more people: each one's notes in turn (A1, B1, A2, B2, ...), so both are shown;
- "first / last / most recent / previous session (with X)" is resolved by date over X's sessions
  (everyone's, when no one is named) and that meeting comes first, whatever the topic;
- a question of only time, meeting words and names ("what did Helen and I cover in March?") is
  answered by the notes of that time;
- a question about a relationship ("my trainee", "reverse mentoring") puts those notes first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from coach.retrieval.keyword import tokenize
from coach.retrieval.people import People
from coach.retrieval.relationship import role_asked
from coach.retrieval.timeparse import TimeHint, is_time_only, parse_time_hint

SESSION_KIND = "session"


@dataclass(frozen=True)
class QueryReading:
    """What a question asks for, beyond its words."""

    text: str
    hint: TimeHint
    people: tuple[str, ...] = ()
    """Canonical names of the known people the question names, in order of mention."""
    topic: str = ""
    """The words to match on: the question without its time phrases."""
    time_only: bool = False
    """Nothing left but time phrases, meeting words and names: the date decides."""
    role: str | None = None
    """The relationship asked about: 'reverse' (you teach your mentor), 'mentor' (you mentor someone)."""

    @property
    def session(self) -> bool:
        return self.hint.session and self.hint.prefer is not None


def read_query(query: str, today: date, people: People, context: str = "") -> QueryReading:
    """The reading of `query`; a follow-up ("and Kwame?", "what about hiring?") reads `context`, the
    question before it, for what it leaves out: its words join the topic, its people and time apply
    unless the follow-up names its own."""
    reading = _read_one(query, today, people)
    if not context.strip():
        return reading
    before = _read_one(context, today, people)
    return replace(
        reading,
        hint=reading.hint if not reading.hint.empty else replace(before.hint, topic=reading.hint.topic),
        people=reading.people or before.people,
        topic=f"{before.topic} {reading.topic}",
        time_only=reading.time_only and before.time_only,
        role=reading.role or before.role,
    )


def _read_one(query: str, today: date, people: People) -> QueryReading:
    hint = parse_time_hint(query, today)
    named = tuple(people.named_in(query))
    names = {word for name in people.names for word in tokenize(name)}
    time_only = not hint.empty and is_time_only(hint.topic, names | _possessive_stems(query, people))
    role = role_asked(query, set(people.words))
    return QueryReading(query, hint, named, hint.topic or query, time_only, role)


def _possessive_stems(query: str, people: People) -> set[str]:
    """Tokens of the name spans as the question wrote them ("Kwame's", "Mr Asante")."""
    return {word for start, end in people.name_spans(query) for word in tokenize(query[start:end])}


@dataclass(frozen=True)
class Candidate:
    """One scored note, with what ordering needs to know about it."""

    key: str
    score: float
    day: date
    kind: str
    role: str | None
    person: str | None
    mentor: bool = False
    """`person` mentors the user (see People.mentors): their notes give way to a named person's."""


def resolve_sessions(notes: list[Candidate], reading: QueryReading) -> list[str]:
    """Keys of the meeting(s) 'first/last session (with X)' points at, per person named, best first.

    Every session on the chosen day counts (two write-ups of one meeting are both that meeting)."""
    if not reading.session:
        return []
    sessions = [n for n in notes if n.kind == SESSION_KIND]
    groups = [[n for n in sessions if n.person == who] for who in reading.people] or [
        [n for n in sessions if _role(n) == reading.role] if reading.role
        else [n for n in sessions if _role(n) != "mentor"] or sessions
    ]
    out: list[str] = []
    for group in groups:
        inside = [n for n in group if reading.hint.contains(n.day)] or group
        if inside:
            pick = max if reading.hint.prefer == "recent" else min
            day = pick(n.day for n in inside)
            out.extend(n.key for n in sorted(inside, key=lambda n: -n.score) if n.day == day)
    return out


def _role(note: Candidate) -> str:
    return note.role or "mentee"


def order_notes(notes: list[Candidate], reading: QueryReading) -> list[tuple[str, int]]:
    """(key, tier) best first. Tier -1: the meeting the question names; 0: what it asks for first
    (the named people's notes, a period's notes); 1: the rest, still reachable."""
    by_score = sorted(notes, key=lambda n: n.score, reverse=True)
    first = resolve_sessions(notes, reading)
    chosen = set(first)
    rest = [n for n in by_score if n.key not in chosen]
    head: list[Candidate] = []
    if reading.time_only and (reading.hint.start or reading.hint.end) and not reading.hint.prefer:
        head, rest = _in_window(rest, reading.hint)
    ordered = [(key, -1) for key in first]
    if reading.people:
        keys, tail = _by_person(head + rest, reading.people)
        return ordered + [(key, 0) for key in keys] + [(key, 1) for key in tail]
    if reading.role and not head:  # "my trainee", "reverse mentoring": those relationships' notes first
        head = [n for n in rest if _role(n) == reading.role]
        rest = [n for n in rest if _role(n) != reading.role]
    if not head:
        return ordered + [(n.key, 0) for n in rest]
    return ordered + [(n.key, 0) for n in head] + [(n.key, 1) for n in rest]


def _in_window(notes: list[Candidate], hint: TimeHint) -> tuple[list[Candidate], list[Candidate]]:
    """A question only about a period: that period's notes, oldest first; and the others."""
    inside = sorted((n for n in notes if hint.contains(n.day)), key=lambda n: n.day)
    return inside, [n for n in notes if not hint.contains(n.day)]


def _by_person(notes: list[Candidate], people: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Named people's notes (and notes of no mentor) first, taking turns between people; then other mentors'.

    `notes` is already in the order wanted within each group; a note with no mentor keeps its place
    against the named people's notes, except that two or more people named each show their best note first."""
    place = {n.key: i for i, n in enumerate(notes)}
    queues = {who: [n for n in notes if n.person == who] for who in people}
    others = [n.key for n in notes if n.person not in people and n.mentor]
    loose = [n for n in notes if n.person not in people and not n.mentor]
    head: list[str] = []
    if len(people) > 1:  # side by side: one note of each before anything else
        firsts = sorted((queue.pop(0) for queue in queues.values() if queue), key=lambda n: place[n.key])
        head.extend(n.key for n in firsts)
    while any(queues.values()):
        for who in people:
            best_next = min((place[queue[0].key] for queue in queues.values() if queue), default=len(place))
            while loose and queues[who] and place[loose[0].key] < best_next:
                head.append(loose.pop(0).key)
            if queues[who]:
                head.append(queues[who].pop(0).key)
    head.extend(n.key for n in loose)
    return head, others
