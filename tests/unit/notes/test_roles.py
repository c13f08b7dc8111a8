"""`role:` front matter (mentee | reverse | mentor) and the conservative inference of reverse / mentor roles."""

from __future__ import annotations

import pytest

from coach.notes.roles import effective_role, infer_role


@pytest.mark.parametrize(("value", "role"), [("reverse", "reverse"), (" Mentor ", "mentor"), ("MENTEE", "mentee"),
                                             ("reverse-mentoring", "reverse")])
def test_front_matter_role_is_normalised(read, value, role):
    note = read("a.md", f"---\nrole: {value}\nmentor: Ade\n---\nbody\n")
    assert note.role == role and note.warnings == ()


@pytest.mark.parametrize("value", ["boss", "[reverse]", "3"])
def test_unknown_or_non_text_role_warns_and_is_ignored(read, value):
    note = read("a.md", f"---\nrole: {value}\n---\nbody\n")
    assert note.role is None
    assert any("role" in warning for warning in note.warnings)


def test_reverse_inferred_from_title_tags_or_teaching_the_mentor(read):
    titled = read("2025-09-26 reverse mentoring - passkeys.md", "# Passkeys\n\nWe covered WebAuthn.\n")
    tagged = read("b.md", "---\nmentor: Ade Okafor\ntags: [reverse-mentoring]\n---\n# Passkeys\n")
    taught = read("c.md", "---\nmentor: Ade Okafor\n---\n# Session\n\nToday I taught Ade how our rollout works.\n")
    assert (titled.role, tagged.role, taught.role) == ("reverse", "reverse", "reverse")


@pytest.mark.parametrize("body", [
    "What he taught me: anchor high.",            # the mentor teaching: the usual direction
    "Then I showed him three comments.",          # not the mentor named
    "I taught Priya the on-call runbook.",        # someone else, not the note's mentor
    "We might try reverse mentoring one day.",    # deep in the body, an idea, not this session
])
def test_ordinary_sessions_stay_mentee(read, body):
    padding = "\n".join(f"line {i}" for i in range(10))
    note = read("d.md", f"---\nmentor: Ade Okafor\n---\n# Session\n\n{padding}\n\n{body}\n")
    assert note.role is None and effective_role(note.role) == "mentee"


def test_front_matter_role_wins_over_inference(read):
    note = read("reverse mentoring.md", "---\nrole: mentee\n---\n# x\n")
    assert note.role == "mentee"


def test_mentor_role_inferred_when_the_user_mentors_someone():
    assert infer_role("Session with my mentee Hannah", "2026-01-01 hannah", (), "", "Hannah") == "mentor"
    assert infer_role("Session", "s", (), "I'm mentoring Jo through the scheme.\n", None) == "mentor"
    assert infer_role("Session", "s", (), "My mentor asked about my week.\n", None) is None
