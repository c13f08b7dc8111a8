"""The install-time cache holds exactly the texts the indexer embeds for the bundled folders (if the
chunking or the embedded text changed and the cache did not follow, a first run would quietly run the
model again)."""

from __future__ import annotations

import shutil

from coach import paths
from coach.retrieval import vector_cache
from tests.conftest import HashEmbedder


class Recording(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed(self, texts):
        self.seen += list(texts)
        return super().embed(texts)


def test_the_cache_keys_are_the_texts_a_sync_embeds(make_engine, tmp_path):
    recorder = Recording()
    notes = shutil.copytree(paths.sample_notes_dir(), tmp_path / "sample")  # as the app copies them
    make_engine(notes, recorder).sync()
    expected = vector_cache.bundled_texts([paths.sample_notes_dir(), paths.knowledge_dir()])
    assert sorted(set(recorder.seen)) == sorted(expected)
    assert len(expected) > 50
