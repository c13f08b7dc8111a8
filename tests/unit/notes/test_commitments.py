"""Commitments and follow-ups found in a single note, by rules."""

from __future__ import annotations

from datetime import date

import pytest

from coach.notes.commitments import Commitment, extract_commitments, extract_followups
from coach.notes.model import Note


def make_note(body: str, mentor: str | None = "Sam Reyes", when: date = date(2024, 3, 1)) -> Note:
    """A note built directly, as the scanner would hand it over."""
    return Note(
        path="2024-03-01 sam.md", title="Session", body=body, date=when, date_source="filename", mentor=mentor
    )


def only(body: str) -> Commitment:
    """The single commitment a body holds."""
    found = extract_commitments(make_note(body))
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("body", "text", "style"),
    [
        ("- [ ] Email Priya the draft budget", "Email Priya the draft budget", "checkbox"),
        ("* [] Renew the team's tooling licences", "Renew the team's tooling licences", "checkbox"),
        ("Action: book a room for the offsite.", "Book a room for the offsite", "action"),
        ("Action item - confirm the agenda with Jo", "Confirm the agenda with Jo", "action"),
        ("TODO renew the conference ticket", "Renew the conference ticket", "todo"),
        ("TODO: update the onboarding wiki", "Update the onboarding wiki", "todo"),
        ("I'll draft the hiring plan by Friday.", "Draft the hiring plan by Friday", "i_will"),
        (
            "Tomorrow I will phone the vendor about the contract.",
            "Phone the vendor about the contract",
            "i_will",
        ),
        ("Next time I will bring the latency graphs.", "Bring the latency graphs", "next_time"),
        (
            "Sam suggested I shadow the on-call lead for a week.",
            "Shadow the on-call lead for a week",
            "suggested",
        ),
        ("Sam suggested that I read the postmortem archive.", "Read the postmortem archive", "suggested"),
        (
            "I'm going to block Friday afternoons for writing.",
            "Block Friday afternoons for writing",
            "going_to",
        ),
        ("I need to renew my certification before June.", "Renew my certification before June", "need_to"),
        ("I should ring the recruiter back.", "Ring the recruiter back", "should"),
        (
            "I committed to mentoring two graduates this year.",
            "Mentoring two graduates this year",
            "committed",
        ),
        (
            "Agreed: monthly check-ins with the design lead.",
            "Monthly check-ins with the design lead",
            "agreed",
        ),
        (
            "We agreed that I'd write the first draft of the RFC.",
            "Write the first draft of the RFC",
            "agreed",
        ),
    ],
)
def test_each_style_is_extracted_with_its_text(body: str, text: str, style: str) -> None:
    found = only(body)
    assert (found.text, found.style, found.owner) == (text, style, "me")


def test_lists_under_an_action_heading_are_commitments() -> None:
    body = "# Session\n\nWe talked about scope.\n\n## Next steps\n- ring the venue\n- send the invite to Jo\n"
    found = extract_commitments(make_note(body))
    assert [(c.text, c.style, c.line) for c in found] == [
        ("Ring the venue", "action", 6),
        ("Send the invite to Jo", "action", 7),
    ]


def test_a_list_label_ending_in_a_colon_works_like_a_heading() -> None:
    body = "Long chat today.\n\nThings I'll do:\n - write the retro summary\n - ask Lena about the budget\n"
    assert [c.text for c in extract_commitments(make_note(body))] == [
        "Write the retro summary",
        "Ask Lena about the budget",
    ]


def test_a_bare_label_line_straight_above_a_list_works_like_one_with_a_colon() -> None:
    body = "Long chat today.\n\nTo do\n- book the venue for March\n- send Lena the draft\n"
    assert [c.text for c in extract_commitments(make_note(body))] == ["Book the venue for March", "Send Lena the draft"]


def test_a_short_line_above_a_list_that_is_not_an_action_label_adds_nothing() -> None:
    body = "Things that went well\n- the venue was booked early\n- Lena sent the draft\n"
    assert extract_commitments(make_note(body)) == []


def test_a_topic_before_a_colon_is_not_read_as_the_sentence_verb() -> None:
    body = "Practice exam: results came back on the 3rd, better than expected."
    assert extract_commitments(make_note(body)) == []


def test_a_plan_after_a_topic_is_still_a_plan() -> None:
    found = extract_commitments(make_note("Budget: send Lena the revised sheet by Friday."))
    assert [(c.text, c.style) for c in found] == [("Budget: send Lena the revised sheet by Friday", "imperative")]


def test_a_plan_that_only_says_it_carries_the_sentence_before_so_it_reads_alone() -> None:
    body = "The Q3 forecast is late again. I will do it before Christmas."
    assert [c.text for c in extract_commitments(make_note(body))] == [
        "Do it before Christmas (The Q3 forecast is late again)"]


def test_a_plan_with_its_own_object_is_left_as_written() -> None:
    body = "The forecast is late. I will send it to Lena before Christmas."
    assert [c.text for c in extract_commitments(make_note(body))] == ["Send it to Lena before Christmas"]


def test_a_named_person_can_own_a_commitment() -> None:
    found = only("Good call overall. Kim will send me the interview rubric.")
    assert (found.owner, found.text, found.style) == ("Kim", "Send me the interview rubric", "owner_will")


def test_minutes_style_owner_needs_a_known_name() -> None:
    body = (
        "Talked to Lena about the launch.\n\n## Actions\n- Lena to review my draft\n- Move to weekly syncs\n"
    )
    found = extract_commitments(make_note(body))
    assert [(c.owner, c.text) for c in found] == [("Lena", "Review my draft"), ("me", "Move to weekly syncs")]


def test_a_name_label_in_an_action_list_gives_the_owner() -> None:
    body = "Talked with Lena about hiring.\n\n**Action items**\n- Lena: share the hiring rubric\n- Me: write the RFC\n"
    found = extract_commitments(make_note(body))
    assert [(c.owner, c.text) for c in found] == [
        ("Lena", "Share the hiring rubric"),
        ("me", "Write the RFC"),
    ]


def test_an_unindented_line_after_a_list_item_is_new_prose() -> None:
    body = "## Actions\n- [ ] Book the venue\nTODO: renew the domain before it lapses\n"
    found = extract_commitments(make_note(body))
    assert [(c.text, c.line) for c in found] == [
        ("Book the venue", 2),
        ("Renew the domain before it lapses", 3),
    ]


def test_abbreviations_do_not_cut_a_commitment_short() -> None:
    assert only("- [ ] Read ch. 3 of the guide, e.g. the part on pacing").text == (
        "Read ch. 3 of the guide, e.g. the part on pacing"
    )


def test_mentor_fields_and_line_numbers_come_from_the_note() -> None:
    found = extract_commitments(
        make_note("Intro line.\n\nMore text here.\nI'll map the service dependencies.")
    )
    assert len(found) == 1
    assert (found[0].line, found[0].mentor, found[0].date, found[0].path) == (
        4,
        "Sam Reyes",
        date(2024, 3, 1),
        "2024-03-01 sam.md",
    )


@pytest.mark.parametrize(
    "body",
    [
        "I said I'll think about it.",
        "If the budget clears, I'll hire a contractor.",
        "Should I ask for a transfer?",
        "I'll ask Sam whether that's normal?",
        'Kim told me "I\'ll cover for you next week".',
        "I'll be honest, it was a rough week.",
        "I should have asked for help earlier.",
        "- [x] Sent the slides to Kim",
        "> I'll never forget that meeting.",
        "Sam thinks the reorg will settle down by spring.",
        "I would have said no if I'd known.",
    ],
)
def test_non_commitments_are_not_extracted(body: str) -> None:
    assert extract_commitments(make_note(body)) == []


def test_quoted_speech_inside_an_action_list_keeps_its_quote() -> None:
    found = only('## Actions\n- Use "what would make this easy?" in the next retro')
    assert found.text == 'Use "what would make this easy?" in the next retro'


def test_a_commitment_written_twice_in_one_note_is_kept_once_in_its_fuller_form() -> None:
    body = (
        "I'll call the landlord about the lease.\n\n## Actions\n- Call the landlord about the lease renewal\n"
    )
    assert [c.text for c in extract_commitments(make_note(body))] == [
        "Call the landlord about the lease renewal"
    ]


def test_a_progress_section_is_not_read_as_a_plan() -> None:
    body = "## Follow-ups\n- Booked the venue.\n\n## Actions\n- Book the caterer\n"
    assert [c.text for c in extract_commitments(make_note(body))] == ["Book the caterer"]


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        ("- [x] Sent the slides to Kim", "done", "Sent the slides to Kim"),
        ("Done: booked the venue.", "done", "Booked the venue"),
        ("I finally finished the data course.", "done", "I finally finished the data course"),
        ("I've submitted the abstract.", "done", "I've submitted the abstract"),
        ("Dropped the Spanish lessons for now.", "dropped", "Dropped the Spanish lessons for now"),
        ("Decided not to apply for the staff role.", "dropped", "Decided not to apply for the staff role"),
        ("Scrapped the blog idea.", "dropped", "Scrapped the blog idea"),
        ("Never got round to the poster, so that's that.", "dropped", "Never got round to the poster, so that's that"),
        ("The no-phone rule is dead.", "dropped", "The no-phone rule is dead"),
        ("I never sent her the targets.", "dropped", "I never sent her the targets"),
        ("I've let go of the side project.", "dropped", "I've let go of the side project"),
        ("I'm not going to run the book club.", "dropped", "I'm not going to run the book club"),
    ],
)
def test_follow_ups_report_done_or_dropped(body: str, status: str, text: str) -> None:
    found = extract_followups(make_note(body))
    assert [(f.status, f.text) for f in found] == [(status, text)]


def test_moving_something_that_is_not_a_date_still_reports_it_done() -> None:
    assert [f.status for f in extract_followups(make_note("Moved the team to async standups."))] == ["done"]


def test_negations_are_marked_so_stop_commitments_can_read_them_as_kept() -> None:
    (found,) = extract_followups(make_note("No longer checking email after dinner."))
    assert (found.status, found.negated) == ("dropped", True)


def test_partial_progress_is_pending_and_only_on_request() -> None:
    note = make_note("Deck half done, still need the demo.")
    assert extract_followups(note) == []
    assert [f.status for f in extract_followups(note, include_pending=True)] == ["pending"]


@pytest.mark.parametrize(
    "body",
    [
        "Parked the blog idea until autumn.",
        "Haven't booked the observation yet.",
        "Scheme: only a rough draft so far.",
        "Conversations: 11 of 14 done.",
        "Appraisal reflection: still owe it to her.",
        "The demo got moved to next Tuesday.",
        "Retro pushed back to March.",
    ],
)
def test_paused_partial_and_negated_progress_keep_it_open(body: str) -> None:
    found = extract_followups(make_note(body), include_pending=True)
    assert [f.status for f in found] == ["pending"]


@pytest.mark.parametrize(
    "body",
    [
        "What should I do about the rota?",
        "Sam said the team was pleased with the launch.",
        "I'll book the venue next week.",
        "## What Sam said\nHe booked his own calendar solid for years.",
    ],
)
def test_questions_plans_and_advice_are_not_follow_ups(body: str) -> None:
    assert extract_followups(make_note(body)) == []


def test_a_follow_up_keeps_its_heading_and_next_sentence_as_context() -> None:
    body = "## Follow-ups\n- Rota: handed it over. Luis runs it now.\n"
    found = extract_followups(make_note(body))[0]
    assert (found.context, found.text, found.after, found.line) == (
        "Follow-ups",
        "Rota: handed it over",
        "Luis runs it now",
        2,
    )


def test_a_prediction_spoken_to_a_reader_is_nobodys_commitment():
    """'Kwame will tell you …' in a letter to one's past self predicts; 'Ade will send me …' promises."""
    from coach.notes.commitments.leads import read_lead

    assert read_lead("Kwame will tell you to be the same every time") is None
    assert read_lead("Ade will send me the paper").owner == "Ade"
    assert read_lead("Ade will introduce you to Marcus") is None
