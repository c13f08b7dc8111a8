"""The growth mirror and the review through CoachService: real Chroma on a temp notes folder, fake embedder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from coach import paths
from coach.agent.service import CoachService
from coach.retrieval.search import SearchFilters
from tests.conftest import file_hashes, synced_service, write_note

TODAY = date(2025, 12, 1)


@pytest.fixture
def folder(notes_dir: Path) -> Path:
    ade = {"mentor": "Ade Okafor", "kind": "session"}
    write_note(notes_dir, "2025-06-05 first.md",
               "# First session\n\n## Public speaking\n\nI'm terrified of public speaking at the all-hands.\n"
               "Public speaking came up again with Ade.\n\n## Actions\n- [ ] Rehearse the talk three times\n",
               date="2025-06-05", tags="[public-speaking]", **ade)
    write_note(notes_dir, "2025-07-10 second.md",
               "# Second session\n\n## Public speaking\n\nI'll practise public speaking at the lunch-and-learn.\n"
               "Ade said \"You are better at this than you think.\"\n\n## Follow-ups\n"
               "- Rehearsed the talk three times, done.\n",
               date="2025-07-10", tags="[public-speaking]", **ade)
    write_note(notes_dir, "2025-09-01 third.md",
               "# Third session\n\n## Public speaking\n\nI gave the all-hands talk and I wasn't nervous about "
               "public speaking at all.\n\n## Actions\n- [ ] Write up the talk for the blog\n",
               date="2025-09-01", tags="[public-speaking]", **ade)
    write_note(notes_dir, "2025-09-20 passkeys.md",
               "# Reverse mentoring: passkeys\n\nAde asked me to explain passkeys. I walked him through WebAuthn.\n",
               date="2025-09-20", tags="[reverse-mentoring]", **ade)
    write_note(notes_dir, "2025-10-01 jo.md",
               "# Session with Jo\n\nI'm mentoring Jo. Jo is nervous about public speaking; I'm not worried.\n",
               date="2025-10-01", mentor="Jo Park", kind="session", role="mentor")
    return notes_dir


@pytest.fixture
def service(folder, fake_embedder) -> CoachService:
    return synced_service(folder, fake_embedder, TODAY)



def test_progress_pairs_are_verbatim_dated_and_ranked(service, folder):
    found = service.progress()
    assert found.pairs, "the notes support at least one then-and-now pair"
    pair = found.pairs[0]
    assert (pair.then.path, pair.now.path) == ("2025-06-05 first.md", "2025-09-01 third.md")
    assert (pair.then.stance, pair.now.stance) == ("worry", "confidence")
    for p in found.pairs:
        assert p.now.date > p.then.date
        for side in (p.then, p.now):
            lines = (folder / side.path).read_text(encoding="utf-8").split("\n")
            assert side.text in lines[side.line - 1]  # the cited line holds the quote as written
    assert all(p.then.path != "2025-10-01 jo.md" and p.now.path != "2025-10-01 jo.md" for p in found.pairs)


def test_progress_roles_words_promises_and_steps(service, folder):
    found = service.progress()
    data = found.to_json()
    assert [n["path"] for n in data["taught"]] == ["2025-09-20 passkeys.md"]
    assert data["taught"][0]["role"] == "reverse"
    assert [n["with"] for n in data["mentoring"]] == ["Jo Park"]
    assert [w["quote"] for w in data["mentor_words"]] == ["You are better at this than you think."]
    assert data["promises"]["totals"]["done"] == 1 and data["sessions"] == 5 - 1  # Jo's session is not the user's
    assert 1 <= len(found.steps) <= 3
    for step in data["next_steps"]:
        notes = [s for s in step["sources"] if s["source"] == "notes"]
        principles = [s for s in step["sources"] if s["source"] == "knowledge"]
        assert notes and all((folder / s["path"]).is_file() for s in notes)
        assert principles and all((paths.knowledge_dir() / s["path"]).is_file() for s in principles)
        assert "Something to take to Ade" in step["text"]


def test_progress_since_limits_the_period(service):
    found = service.progress(date(2025, 8, 1))
    assert all(p.then.date >= date(2025, 8, 1) for p in found.pairs)
    mine = [a for a in service.commitments() if a.owner == "me"]
    later = [a for a in mine if a.date >= date(2025, 8, 1)]
    assert 0 < found.commitments.totals.made == len(later) < len(mine)
    assert found.sessions == 2 and [n.path for n in found.taught] == ["2025-09-20 passkeys.md"]
    assert service.progress(date(2025, 9, 21)).taught == []
    assert all(t.first >= date(2025, 8, 1) for t in found.themes)  # themes as they show in the period


def test_search_labels_and_filters_by_role(service):
    hits = service.engine.search("passkeys WebAuthn", filters=SearchFilters(role="reverse")).hits
    assert [h.path for h in hits] == ["2025-09-20 passkeys.md"] and hits[0].role == "reverse"
    mine = service.engine.search("public speaking", k=10, filters=SearchFilters(role="mentee")).hits
    assert mine and all(h.role is None for h in mine)
    assert "2025-10-01 jo.md" not in {h.path for h in mine}


def test_review_save_writes_exactly_one_valid_note_and_changes_nothing(service, folder):
    before = file_hashes(folder)
    commitments_before = [(a.text, a.status) for a in service.commitments()]
    review = service.review()
    saved = service.save_review(review)
    after = file_hashes(folder)
    assert set(after) - set(before) == {saved.path} and all(after[name] == digest for name, digest in before.items())
    text = (folder / saved.path).read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["kind"] == "review" and meta["date"] == TODAY and meta["created_by"] == "coach"
    assert meta["period_to"] == TODAY and "&id" not in text.split("---\n")[1]  # plain YAML, no aliases
    assert "(reverse mentoring: you taught)" in text and "## What you could pass on" in text
    # Indexed at once, and never read back as new commitments.
    assert service.engine.search("review", filters=SearchFilters(kind="review")).hits[0].path == saved.path
    assert [(a.text, a.status) for a in service.commitments()] == commitments_before
    # Redone the same day, a review covers the same period (never "tomorrow to today")...
    assert service.review().period_from == review.period_from
    # ...and on a later day, the next review starts the day after this one.
    later = CoachService(service.settings, engine=service.engine, today=date(2025, 12, 20))
    assert later.review().period_from == date(2025, 12, 2)


def test_a_review_the_user_wrote_feeds_themes_and_the_mirror_one_coach_wrote_does_not(service, folder):
    from coach.agent.growth.statements import mentee_notes
    from coach.agent.themes import theme_notes

    mine = folder / "2025-11-30 my own review.md"
    mine.write_text("---\nkind: review\n---\n# Quarter review\n\nI was worried about hiring.\n", encoding="utf-8")
    saved = service.save_review(service.review())
    notes = service.engine.scan_notes().notes
    kept = {n.path for n in theme_notes(notes, TODAY)} & {n.path for n in mentee_notes(notes)}
    assert mine.name in kept and saved.path not in kept


def test_agendas_are_per_person_and_keep_mentoring_notes_apart(service):
    mine = service.agenda()
    assert mine.mentor == "Ade Okafor" and mine.role == "mentee"  # Jo's later session is not the user's mentor
    cited = {s.path for item in mine.items for s in item.sources if s.origin == "notes"}
    assert "2025-10-01 jo.md" not in cited
    assert all(s.role == "reverse" for item in mine.items for s in item.sources if s.path == "2025-09-20 passkeys.md")
    theirs = service.agenda("Jo")
    assert theirs.mentor == "Jo Park" and theirs.role == "mentor" and theirs.to_json()["role"] == "mentor"
    assert {s.path for item in theirs.items for s in item.sources if s.origin == "notes"} <= {"2025-10-01 jo.md"}


def test_a_saved_agenda_for_someone_you_mentor_stays_on_that_side(service, folder):
    saved = service.save_agenda(service.agenda("Jo"))
    text = (folder / saved.path).read_text(encoding="utf-8")
    assert yaml.safe_load(text.split("---\n")[1])["role"] == "mentor"
    assert service.agenda("Jo").role == "mentor" and service.agenda().mentor == "Ade Okafor"


def test_progress_and_review_scan_the_folder_once(service, monkeypatch):
    scans = []
    scan = service.engine.scan_notes
    monkeypatch.setattr(service.engine, "scan_notes", lambda: scans.append(1) or scan())
    service.progress()
    assert len(scans) == 1
    scans.clear()
    service.review()
    assert len(scans) == 1
