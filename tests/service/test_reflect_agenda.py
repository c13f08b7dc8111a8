"""Reflect, agenda, themes and actions through CoachService: real Chroma, fake embedder, notes on disk."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coach import paths
from coach.agent.agenda import SECTIONS
from coach.agent.reflect import FRAMEWORKS, split_answers
from coach.agent.service import CoachService
from coach.errors import CoachError
from coach.notes.front_matter import split_front_matter
from coach.retrieval.search import SearchFilters
from tests.conftest import file_hashes, synced_service, write_note

TODAY = date(2026, 2, 2)


@pytest.fixture
def folder(notes_dir: Path) -> Path:
    write_note(notes_dir, "2026-01-05 session.md",
               "# Delegation\n\nWe talked about delegation. Delegation of release planning is hard for me; "
               "I keep redoing delegated work.\n\n## Actions\n- [ ] Hand off release planning to Priya\n"
               "- [ ] Write the onboarding guide for new starters\n",
               date="2026-01-05", mentor="Ade Okafor", kind="session", tags="[delegation]")
    write_note(notes_dir, "2026-01-19 session.md",
               "# Delegation again\n\nMore on delegation: checkpoints, not rescue. Delegation needs levels.\n\n"
               "## Follow-ups\n- Wrote the onboarding guide for new starters, it is done.\n\n"
               "## Actions\n- [ ] Book a skip-level with Tom\n",
               date="2026-01-19", mentor="Ade Okafor", kind="session", tags="[delegation]")
    write_note(notes_dir, "reflection - checkpoints.md",
               "Why do I keep stepping back in? How do I stop redoing delegated work?\n\n"
               "I want to ask Ade about delegation checkpoints. Ade asked \"what would you do?\" again.\n",
               date="2026-01-25", kind="reflection")
    write_note(notes_dir, "2025-12-01 grace.md", "# Budget\n\nBudget planning with Grace.\n\n"
               "## Actions\n- [ ] Send Grace the budget draft\n",
               date="2025-12-01", mentor="Grace Mbeki", kind="session")
    return notes_dir


@pytest.fixture
def service(folder, fake_embedder) -> CoachService:
    return synced_service(folder, fake_embedder, TODAY)



ANSWERS = ["We went through the roadmap for the zeppelin launch.",
           "It matters because I still rescue work I delegated.",
           "I will send Tom the zeppelin roadmap by Friday.\n- [ ] Book the retro room for March"]


# --------------------------------------------------------------------------- reflect


def test_flow_questions_are_informed_by_the_notes(service):
    flow = service.start_reflection("rolfe")
    assert flow.mentor == "Ade Okafor" and flow.date == TODAY
    assert [q.stage for q in flow.questions] == ["What?", "So what?", "Now what?"]
    what, so_what, now_what = flow.questions
    # Open from the last session: asked about first, one by one, and not asked again in "What?".
    assert [c.text for c in flow.checkins] == ["Book a skip-level with Tom"]
    assert flow.checkins[0].question.startswith("Did you “Book a skip-level with Tom”?")
    assert "Book a skip-level with Tom" not in what.question
    assert what.context[0].path == "2026-01-19 session.md"
    assert "delegation" in so_what.question.lower() and so_what.context
    assert "Hand off release planning to Priya" in now_what.question  # older and still open


def test_every_framework_has_its_stages(service):
    for key, framework in FRAMEWORKS.items():
        flow = service.start_reflection(key, "ade")
        assert [q.stage for q in flow.questions] == [s.name for s in framework.stages]
        assert flow.mentor == "Ade Okafor"  # partial name resolved to the full one
    assert len(FRAMEWORKS["gibbs"].stages) == 6 and len(FRAMEWORKS["grow"].stages) == 4


def test_reflection_writes_one_new_note_and_touches_nothing_else(service, folder):
    before = file_hashes(folder)
    saved = service.save_reflection(service.start_reflection("rolfe"), ANSWERS)
    after = file_hashes(folder)
    assert set(after) - set(before) == {saved.path} == {"2026-02-02 reflection - Ade Okafor.md"}
    assert all(after[name] == digest for name, digest in before.items())
    text = (folder / saved.path).read_text(encoding="utf-8")
    meta = split_front_matter(text)
    assert meta.present and not meta.warnings
    assert meta.fields["kind"] == "reflection" and meta.fields["framework"] == "rolfe"
    assert meta.fields["mentor"] == "Ade Okafor" and meta.fields["date"] == TODAY
    assert "## What?" in text and "## Now what?" in text and "## Commitments" in text
    assert "- [ ] Send Tom the zeppelin roadmap by Friday" in text
    assert "- [ ] Book the retro room for March" in text
    assert saved.commitments == ["Send Tom the zeppelin roadmap by Friday", "Book the retro room for March"]


def test_saved_reflection_is_found_by_the_next_search(service):
    saved = service.save_reflection(service.start_reflection("rolfe"), ANSWERS)
    hits = service.engine.search("zeppelin roadmap", filters=SearchFilters(source="notes")).hits
    assert hits and hits[0].path == saved.path and hits[0].kind == "reflection"


def test_name_collision_gets_a_suffix_and_keeps_the_first(service, folder):
    flow = service.start_reflection("rolfe")
    first = service.save_reflection(flow, ANSWERS)
    kept = (folder / first.path).read_bytes()
    second = service.save_reflection(flow, ["Second time.", "", "Nothing new."])
    assert second.path == "2026-02-02 reflection - Ade Okafor (2).md"
    assert (folder / first.path).read_bytes() == kept


def test_skipped_stage_is_marked_and_never_becomes_a_commitment(service, folder):
    saved = service.save_reflection(service.start_reflection("gibbs"), ["Facts.", "", "", "", "", ""])
    text = (folder / saved.path).read_text(encoding="utf-8")
    assert text.count("> (no answer)") == 5 and saved.commitments == []
    assert all(a.path != saved.path for a in service.commitments())


@pytest.mark.parametrize("answers", [["only one"], ANSWERS + ["extra"], ["", "  ", ""]])
def test_wrong_answers_are_refused_with_a_clear_error(service, folder, answers):
    before = file_hashes(folder)
    with pytest.raises(CoachError):
        service.save_reflection(service.start_reflection("rolfe"), answers)
    assert file_hashes(folder) == before


def test_answers_file_formats():
    assert split_answers("a\n---\nb\nstill b\n---\n\n---\nd\n") == ["a", "b\nstill b", "", "d"]
    assert split_answers("---\na\n---\nb\n---\n") == ["a", "b"]
    assert split_answers("first\nline two\n\nsecond\n\n\nthird\n") == ["first\nline two", "second", "third"]
    with pytest.raises(CoachError):
        split_answers("  \n\n")


def test_reflection_with_a_new_mentor_uses_the_name_as_typed(service):
    flow = service.start_reflection("grow", "Sam Lee")
    assert flow.mentor == "Sam Lee"
    assert service.save_reflection(flow, ["Goal.", "Reality.", "Options.", "I will call Sam."]).path.endswith(
        "reflection - Sam Lee.md")


# --------------------------------------------------------------------------- agenda and actions


def test_agenda_ranks_what_was_agreed_last_time_and_keeps_the_rest_one_flag_away(service):
    agenda = service.agenda()
    assert agenda.mentor == "Ade Okafor" and agenda.since.path == "2026-01-19 session.md"
    agreed = agenda.section("agreed")
    assert [i.commitment for i in agreed] == ["Book a skip-level with Tom"]
    assert agreed[0].age_days == (TODAY - date(2026, 1, 19)).days and "open 14 days" in agreed[0].text
    assert agreed[0].sources[0].path == "2026-01-19 session.md"
    # Written once at an earlier session and never again: on the full list, not the ranked agenda.
    assert [i.commitment for i in agenda.more if i.commitment] == ["Hand off release planning to Priya"]
    assert len(agenda.items) <= 10
    assert not any("Grace" in i.text for i in agenda.full)  # another mentor's commitment
    assert not any("onboarding guide" in i.text for i in agenda.full)  # settled


def test_agenda_questions_come_from_the_latest_agenda_note_else_reflections_since(service, folder):
    texts = [i.text for i in service.agenda("ADE").section("questions")]
    assert any(t.startswith("I want to ask Ade") for t in texts)
    assert not any("what would you do" in t for t in texts)  # someone else's quoted question
    write_note(folder, "agenda - next time with Ade.md",
               "# To raise with Ade\n\n1. How do I stop redoing delegated work?\n2. Ask Tom whether the skip-level "
               "can move\n3. Checkpoints: weekly or fortnightly?\n", date="2026-01-28", mentor="Ade Okafor",
               kind="agenda")
    texts = [i.text for i in service.agenda("ADE").section("questions")]
    assert texts == ["How do I stop redoing delegated work?", "Checkpoints: weekly or fortnightly?"]


def test_agenda_suggestions_cite_sources_that_exist(service, folder):
    agenda = service.agenda()
    suggested = [i for i in agenda.full if i.section == "suggested"]
    assert 3 <= len(suggested) <= 5 and len(agenda.section("suggested")) <= 2
    for item in suggested:
        assert item.text.endswith("”") or "“" in item.text
        assert any(s.origin == "knowledge" for s in item.sources)
        for source in item.sources:
            root = paths.knowledge_dir() if source.origin == "knowledge" else folder
            assert (root / source.path).is_file(), source
    assert {i.section for i in agenda.full} <= set(SECTIONS)


def test_agenda_json_shape(service):
    data = service.agenda().to_json()
    assert data["mentor"] == "Ade Okafor"
    for item in data["items"]:
        assert set(item) >= {"section", "text", "sources"}
        assert all(set(s) >= {"path", "date"} for s in item["sources"])


def test_saved_agenda_is_a_new_note_that_adds_no_commitments(service, folder):
    before, open_before = file_hashes(folder), len(service.commitments("open"))
    saved = service.save_agenda(service.agenda())
    assert set(file_hashes(folder)) - set(before) == {saved.path}
    meta = split_front_matter((folder / saved.path).read_text(encoding="utf-8"))
    assert meta.fields["kind"] == "agenda" and meta.fields["mentor"] == "Ade Okafor"
    assert len(service.commitments("open")) == open_before


def test_unknown_mentor_is_a_clear_error(service):
    with pytest.raises(CoachError, match="Ade Okafor"):
        service.agenda("Zed")


def test_actions_filter_by_status(service):
    every = service.commitments()
    assert {a.status for a in service.commitments("open")} == {"open"}
    assert len(every) == sum(len(service.commitments(s)) for s in ("open", "done", "dropped"))
    with pytest.raises(CoachError):
        service.commitments("later")


# --------------------------------------------------------------------------- themes


def test_themes_recur_across_notes_with_first_and_last(service):
    themes = service.themes()
    delegation = next(t for t in themes if "delegation" in t.label)
    assert delegation.first == date(2026, 1, 5) and delegation.last >= date(2026, 1, 19)
    assert len(delegation.notes) >= 2 and delegation.notes[0] == "2026-01-05 session.md"
    assert list(delegation.dates) == sorted(delegation.dates)
    assert not any("budget" in t.label for t in themes)  # one note only: not a theme
    assert delegation.to_json()["first"] == "2026-01-05"


def test_themes_are_deterministic(service):
    assert [t.to_json() for t in service.themes()] == [t.to_json() for t in service.themes()]


def test_an_empty_folder_still_reflects_and_drafts(notes_dir, make_engine, fake_embedder):
    engine = make_engine(notes_dir, fake_embedder)
    service = CoachService(engine.settings, engine=engine, today=TODAY)
    flow = service.start_reflection()
    assert flow.mentor is None and all(not q.context for q in flow.questions)
    saved = service.save_reflection(flow, ["It went fine.", "", "I will prepare better next time."])
    assert saved.path == "2026-02-02 reflection - rolfe.md"
    agenda = service.agenda()
    assert agenda.mentor is None and [i.section for i in agenda.full].count("suggested") == 3
    assert [i.text for i in agenda.section("agreed")] == ["Prepare better next time — open 0 days"]


def test_agenda_and_reflection_scan_the_folder_once_and_reuse_cached_vectors(service, monkeypatch):
    scans, embedded = [], []
    scan, embed = service.engine.scan_notes, service.engine.query_embedder.embed
    monkeypatch.setattr(service.engine, "scan_notes", lambda: scans.append(1) or scan())
    monkeypatch.setattr(service.engine.query_embedder, "embed", lambda texts: embedded.append(len(texts)) or embed(texts))
    first = service.agenda("Ade")
    assert len(scans) == 1 and embedded
    scans.clear(), embedded.clear()
    assert service.agenda("Ade").to_json() == first.to_json()
    assert len(scans) == 1 and embedded == [], "a second agenda embeds nothing new"
    scans.clear()
    service.start_reflection("rolfe", "Ade")
    assert len(scans) == 1
