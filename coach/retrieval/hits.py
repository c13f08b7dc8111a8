"""Turning ranked passage ids into hits: text, snippet, similarity, person; merging and de-duplicating."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from coach.retrieval.people import People
from coach.retrieval.results import Hit
from coach.retrieval.snippets import matched_words, snippet


def materialise(src, ranked: list[tuple[str, float, int]], query: str, vector) -> list[Hit]:
    """Hits for (passage id, score, tier), in the order given."""
    if not ranked:
        return []
    data = src.collection.get(ids=[cid for cid, _, _ in ranked], include=["documents", "metadatas", "embeddings"])
    rows = {cid: (doc, meta, emb) for cid, doc, meta, emb in zip(
        data["ids"], data["documents"], data["metadatas"], data["embeddings"])}
    hits = []
    for cid, score, tier in ranked:
        if cid in rows:
            doc, meta, emb = rows[cid]
            similarity = float(np.dot(np.asarray(emb, dtype=np.float32), vector)) if vector is not None else 0.0
            hit = _hit(src.name, cid, doc or "", meta, score, similarity, query)
            hits.append(replace(hit, tier=tier, person=_person(src.people, hit)))
    return hits


def _person(people: People, hit: Hit) -> str | None:
    return people.person_of(hit.mentor) if hit.source == "notes" else None


def _hit(source: str, cid: str, text: str, meta: dict, score: float, similarity: float, query: str) -> Hit:
    words = matched_words(query, text)
    return Hit(
        source=source,
        path=meta.get("path", ""),
        title=meta.get("title", ""),
        date=meta.get("date", "") if source == "notes" else "",
        mentor=meta.get("mentor") or None,
        kind=meta.get("kind", "other"),
        role=meta.get("role") or None,
        heading=meta.get("heading", ""),
        text=text,
        snippet=snippet(text, words),
        matches=tuple(words),
        score=score,
        similarity=similarity,
        start_line=int(meta.get("start_line", 0)),
        end_line=int(meta.get("end_line", 0)),
        chunk_id=cid,
    )


def merge(notes: list[Hit], others: list[Hit]) -> list[Hit]:
    """Notes hits keep their order; other sources' hits go in by score among notes of the same tier."""
    queue = sorted(others, key=lambda hit: hit.score, reverse=True)
    out: list[Hit] = []
    for hit in notes:
        while queue and (queue[0].tier, -queue[0].score) < (hit.tier, -hit.score):
            out.append(queue.pop(0))
        out.append(hit)
    return out + queue


def dedupe(hits: list[Hit]) -> list[Hit]:
    """Identical passages in different files show once, naming every file they are in."""
    first: dict[str, int] = {}
    out: list[Hit] = []
    for hit in hits:
        key = " ".join(hit.text.split()).casefold()
        if key in first:
            kept = out[first[key]]
            out[first[key]] = replace(kept, also_in=kept.also_in + (hit.path,))
            continue
        first[key] = len(out)
        out.append(hit)
    return out
