"""The indexer against a real Chroma store: incremental, upsert-only, crash-repairing, one writer."""

from __future__ import annotations

import pytest

from coach.errors import IndexBusyError
from coach.retrieval import store
from coach.retrieval.lock import IndexLock
from coach.retrieval.search import SearchFilters
from tests.conftest import write_note

NOTES = SearchFilters(source="notes")


def _notes_report(reports):
    return next(r for r in reports if r.source == "notes")


@pytest.fixture
def folder(notes_dir):
    write_note(notes_dir, "2025-06-05 first.md", "# First\n\nWe talked about delegation and zebrafish.\n",
               date="2025-06-05", mentor="Ade Okafor", kind="session")
    write_note(notes_dir, "2025-07-01 second.md", "# Second\n\nBudget planning and quarterly goals.\n",
               date="2025-07-01", mentor="Grace Mbeki", kind="session", tags="[budget, goals]")
    write_note(notes_dir, "reflection - raise.md", "I asked for a raise today and felt nervous.\n",
               date="2025-08-01", kind="reflection")
    return notes_dir


def test_first_sync_adds_every_note_and_second_is_a_no_op(folder, make_engine, fake_embedder):
    engine = make_engine(folder, fake_embedder)
    first = _notes_report(engine.sync())
    assert sorted(first.added) == sorted(p.name for p in folder.iterdir())
    calls = fake_embedder.calls
    second = _notes_report(engine.sync())
    assert second.added == second.updated == second.removed == []
    assert len(second.unchanged) == 3
    assert fake_embedder.calls == calls  # nothing re-embedded
    assert second.chunks == first.chunks


def test_edit_replaces_chunks_and_old_words_disappear(folder, make_engine, fake_embedder):
    engine = make_engine(folder, fake_embedder)
    engine.sync()
    assert engine.search("zebrafish", filters=NOTES, mode="keyword").hits
    write_note(folder, "2025-06-05 first.md", "# First\n\nWe talked about hiring instead.\n",
               date="2025-06-05", mentor="Ade Okafor", kind="session")
    report = _notes_report(engine.sync())
    assert report.updated == ["2025-06-05 first.md"]
    assert not engine.search("zebrafish", filters=NOTES, mode="keyword").hits
    assert engine.search("hiring", filters=NOTES, mode="keyword").hits[0].path == "2025-06-05 first.md"


def test_deleted_and_renamed_notes_leave_the_index(folder, make_engine, fake_embedder):
    engine = make_engine(folder, fake_embedder)
    engine.sync()
    (folder / "2025-07-01 second.md").rename(folder / "2025-07-01 renamed.md")
    (folder / "reflection - raise.md").unlink()
    report = _notes_report(engine.sync())
    assert sorted(report.removed) == ["2025-07-01 second.md", "reflection - raise.md"]
    assert report.added == ["2025-07-01 renamed.md"]
    paths = {hit.path for hit in engine.search("budget raise", k=10, filters=NOTES, mode="keyword").hits}
    assert paths == {"2025-07-01 renamed.md"}


def test_add_is_never_used_only_upsert(folder, make_engine, fake_embedder, monkeypatch):
    from chromadb.api.models.Collection import Collection

    def refuse(*args, **kwargs):
        raise AssertionError("collection.add keeps stale text for an existing id; use upsert")

    monkeypatch.setattr(Collection, "add", refuse)
    engine = make_engine(folder, fake_embedder)
    assert _notes_report(engine.sync()).added


def test_orphan_vectors_from_a_crash_are_removed(folder, make_engine, fake_embedder):
    engine = make_engine(folder, fake_embedder)
    engine.sync()
    collection = store.collection(engine.client, "notes")
    collection.upsert(ids=["orphan-1"], embeddings=[[0.1] * 384], documents=["ghost"], metadatas=[{"path": "x"}])
    # A crash between upsert and the manifest write leaves vectors no note owns: never shown...
    assert all(hit.chunk_id != "orphan-1" for hit in engine.search("ghost", k=10, filters=NOTES).hits)
    write_note(folder, "2025-09-01 new.md", "A new note arrives.\n", date="2025-09-01")
    engine.sync()  # ...and removed by the next sync that opens the store
    assert "orphan-1" not in collection.get(include=[])["ids"]
    assert collection.count() == _notes_report(engine.sync()).chunks


def test_lost_manifest_means_a_clean_rebuild(folder, make_engine, fake_embedder, tmp_path):
    engine = make_engine(folder, fake_embedder)
    chunks = _notes_report(engine.sync()).chunks
    (engine.settings.index_dir / "manifest-notes.json").unlink()
    report = _notes_report(engine.sync())
    assert report.rebuilt and len(report.added) == 3
    assert store.collection(engine.client, "notes").count() == chunks


def test_a_different_embedding_fingerprint_forces_rebuild(folder, make_engine, fake_embedder, monkeypatch):
    engine = make_engine(folder, fake_embedder)
    engine.sync()
    from coach.retrieval import indexer

    monkeypatch.setattr(indexer, "FINGERPRINT", {"model": "other-384", "dim": 384, "normalized": True})
    assert _notes_report(engine.sync()).rebuilt


def test_second_writer_is_refused_with_the_holders_pid(folder, make_engine, fake_embedder):
    import os

    engine = make_engine(folder, fake_embedder)
    with IndexLock(engine.settings.index_dir):
        with pytest.raises(IndexBusyError) as caught:
            engine.sync()
    assert str(os.getpid()) in caught.value.message
    assert _notes_report(engine.sync()).added  # the lock is free again


def test_filters_mentor_partial_dates_kind_and_tags(folder, make_engine, fake_embedder):
    engine = make_engine(folder, fake_embedder)
    engine.sync()

    def paths(**filters):
        response = engine.search("planning delegation raise", k=10, filters=SearchFilters(**filters), mode="keyword")
        return {hit.path for hit in response.hits}

    assert paths(mentor="ade") == {"2025-06-05 first.md"}
    assert paths(mentor="GRACE mbeki") == {"2025-07-01 second.md"}
    assert paths(kind="reflection") == {"reflection - raise.md"}
    assert paths(tags=("budget",)) == {"2025-07-01 second.md"}
    from datetime import date

    assert paths(since=date(2025, 7, 1)) == {"2025-07-01 second.md", "reflection - raise.md"}
    assert paths(until=date(2025, 6, 30)) == {"2025-06-05 first.md"}


def test_knowledge_is_its_own_source(folder, make_engine, fake_embedder):
    engine = make_engine(folder, fake_embedder)
    reports = engine.sync()
    knowledge = next(r for r in reports if r.source == "knowledge")
    assert len(knowledge.added) >= 20
    hits = engine.search("GROW model goal reality options", k=3, filters=SearchFilters(source="knowledge")).hits
    assert hits and all(hit.source == "knowledge" for hit in hits)
    notes_only = engine.search("GROW model goal reality options", k=10, filters=SearchFilters(source="notes")).hits
    assert all(hit.source == "notes" for hit in notes_only)


def test_nothing_in_the_notes_folder_is_written(folder, make_engine, fake_embedder):
    before = {p: p.read_bytes() for p in folder.rglob("*")}
    make_engine(folder, fake_embedder).sync()
    assert {p: p.read_bytes() for p in folder.rglob("*")} == before


def test_explain_names_each_signal_and_ranks_the_keyword_match_first(folder, make_engine, fake_embedder):
    engine = make_engine(folder, fake_embedder)
    engine.sync()
    signals = engine.searcher.explain("zebrafish delegation")
    assert set(signals) == {"dense-passage", "dense-note", "keyword-passage", "keyword-note"}
    assert signals["keyword-passage"][0][0] == "2025-06-05 first.md"
    assert signals["keyword-note"][0][0] == "2025-06-05 first.md"
    assert engine.searcher.explain("   ") == {}


def test_a_time_only_query_returns_notes_in_date_order(notes_dir, make_engine, real_embedder):
    """'our first session of 2026' decides by date alone, however the notes score on words.

    Enough notes that the date boost is many score ranges (it once saturated every display score)."""
    topics = ["hiring", "the roadmap", "a raise", "delegation", "feedback", "on-call", "budget", "burnout"]
    names = [f"session-{99 - i:02d}.md" for i in range(24)]  # names sort against dates
    for i, name in enumerate(names):
        write_note(notes_dir, name, f"Session with Ade. We covered {topics[i % len(topics)]}.\n",
                   date=f"2026-{i // 2 + 1:02d}-{10 + i % 2 * 10}", mentor="Ade Okafor", kind="session")
    write_note(notes_dir, "session-00.md", "Session with Ade. We covered planning.\n", date="2025-12-01",
               mentor="Ade Okafor", kind="session")
    engine = make_engine(notes_dir, real_embedder)
    engine.sync()
    response = engine.search("What did Ade and I cover in our first session of 2026?", k=5,
                             filters=SearchFilters(source="notes"))
    assert [hit.path for hit in response.hits] == names[:5]
