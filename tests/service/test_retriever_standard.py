"""NotesRetriever passes langchain-tests' standard retriever suite over a real Chroma index (real MiniLM),
and its Documents carry the hit's provenance."""

from __future__ import annotations

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from coach.retrieval.retriever import NotesRetriever, hit_from_document
from coach.retrieval.search import SearchFilters
from tests.conftest import synced_engine, write_note

QUERY = "how to delegate work to the team"


@pytest.fixture(scope="module")
def engine(tmp_path_factory, real_embedder):
    """Four notes about delegation with different people, and one about something else, indexed once."""
    base = tmp_path_factory.mktemp("retriever")
    notes = base / "notes"
    people = [("2025-03-04", "Ade Okafor", "delegate the release plan to Priya and let her own it"),
              ("2025-04-08", "Grace Mbeki", "delegate work early and agree what done looks like"),
              ("2025-05-13", "Rachel Lim", "delegating to the team means trusting them with real work"),
              ("2025-06-17", "Dev Patel", "when you delegate work, hand over the decision as well")]
    for day, mentor, advice in people:
        write_note(notes, f"{day} {mentor.split()[0].lower()}.md", f"## Delegation\n\n{mentor} said to {advice}.\n",
                   date=day, mentor=mentor, kind="session")
    write_note(notes, "2025-07-01 garden.md", "## Garden\n\nPlanted tomatoes and basil on the balcony.\n",
               date="2025-07-01", kind="reflection")
    return synced_engine(notes, real_embedder, base / "data")


class TestNotesRetrieverStandard(RetrieversIntegrationTests):
    """langchain-tests' own checks: k in the constructor and in invoke, Documents from invoke and ainvoke."""

    @pytest.fixture(autouse=True)
    def _engine(self, engine):
        self.engine = engine

    @property
    def retriever_constructor(self) -> type[NotesRetriever]:
        return NotesRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"engine": self.engine}

    @property
    def retriever_query_example(self) -> str:
        return QUERY


def test_documents_carry_the_hits_provenance(engine):
    docs = NotesRetriever(engine=engine, k=4).invoke(QUERY)
    assert docs and all("delegat" in doc.page_content.lower() for doc in docs)
    for doc in docs:
        meta = doc.metadata
        assert set(meta) >= {"path", "date", "mentor", "kind", "role", "source", "lines"}
        assert meta["source"] == "notes" and meta["kind"] == "session"
        assert meta["path"].startswith(meta["date"])
        first, last = meta["lines"]
        assert 1 <= first <= last
        assert hit_from_document(doc).to_json()["lines"] == meta["lines"]


def test_invoke_filters_narrow_one_call(engine):
    retriever = NotesRetriever(engine=engine, k=5)
    (doc,) = retriever.invoke(QUERY, mentor="grace")
    assert doc.metadata["mentor"] == "Grace Mbeki"
    later = retriever.invoke(QUERY, since="2025-05-01")
    assert later and all(doc.metadata["date"] >= "2025-05-01" for doc in later)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        retriever.invoke(QUERY, since="last spring")


def test_principles_come_only_from_the_library(engine):
    docs = NotesRetriever(engine=engine, k=3, filters=SearchFilters(source="knowledge")).invoke(
        "how to give corrective feedback")
    assert docs and all(doc.metadata["source"] == "knowledge" for doc in docs)


def test_nothing_relevant_is_no_documents(engine):
    assert NotesRetriever(engine=engine).invoke("quantum chromodynamics lattice gauge") == []
