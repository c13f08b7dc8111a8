"""LangChain's face of the search engine: `NotesRetriever`, a BaseRetriever returning Documents.

Only the agent path imports this module (it loads langchain_core); `coach search` never does. Each
Document's page_content is the passage and its metadata the hit's provenance (path, date, mentor, kind,
role, source, lines, ...), enough to rebuild the Hit exactly (`hit_from_document`), so whatever the agent
reads through it is checked like any other retrieved passage."""

from __future__ import annotations

from datetime import date
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field

from coach.retrieval.results import Hit, SearchFilters

FILTER_KEYS = ("mentor", "since", "until", "kind", "role", "source")


class NotesRetriever(BaseRetriever):
    """Hybrid search over the indexed notes (or principles) as a LangChain retriever.

    `k` caps the documents; `filters` narrows every search; `invoke(query, k=…, mentor=…, since=…,
    until=…, kind=…, role=…, source=…)` overrides them for one call. Dates may be `date`s or YYYY-MM-DD."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    engine: Any
    """The coach Engine (or anything with its `search(query, k, filters)`)."""
    k: int = Field(default=5, ge=1, le=100)
    filters: SearchFilters = Field(default_factory=lambda: SearchFilters(source="notes"))

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        k = int(kwargs.pop("k", self.k))
        filters = narrowed(self.filters, **{key: kwargs[key] for key in FILTER_KEYS if key in kwargs})
        response = self.engine.search(query, k, filters)
        return [] if response.nothing_relevant else [hit_document(hit) for hit in response.hits[:k]]


def narrowed(filters: SearchFilters, **changes: Any) -> SearchFilters:
    """`filters` with the given fields replaced (None leaves a field as it was; dates parsed)."""
    from dataclasses import replace

    values: dict[str, Any] = {key: _as_date(value) if key in ("since", "until") else value
              for key, value in changes.items() if value not in (None, "")}
    return replace(filters, **values)


def hit_document(hit: Hit) -> Document:
    """The passage as a Document; metadata carries everything the hit knows about where it came from."""
    meta = hit.to_json()
    meta.pop("snippet", None)
    meta.update(heading=hit.heading, chunk_id=hit.chunk_id, tier=hit.tier, snippet=hit.snippet)
    return Document(page_content=hit.text, metadata=meta, id=hit.chunk_id or None)


def hit_from_document(doc: Document) -> Hit:
    """The Hit a Document was made from (`hit_document`'s inverse)."""
    meta = doc.metadata
    first, last = (list(meta.get("lines") or [0, 0]) + [0, 0])[:2]
    return Hit(
        source=meta.get("source", "notes"), path=meta.get("path", ""), title=meta.get("title", ""),
        date=meta.get("date") or "", mentor=meta.get("mentor"), kind=meta.get("kind", "other"),
        role=meta.get("role"), heading=meta.get("heading", ""), text=doc.page_content,
        snippet=meta.get("snippet", ""), matches=tuple(meta.get("matches") or ()), score=float(meta.get("score", 0)),
        similarity=float(meta.get("similarity", 0)), start_line=int(first), end_line=int(last),
        chunk_id=meta.get("chunk_id", ""), also_in=tuple(meta.get("also_in") or ()), person=meta.get("person"),
        tier=int(meta.get("tier", 0)),
    )


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD)") from None
