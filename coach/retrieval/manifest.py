"""The index manifest: which notes (and which hashes) the store holds, written after each upsert."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from coach.fsutil import atomic_write

SCHEMA = 1


@dataclass
class NoteEntry:
    """What the index knows of one note: enough to filter and to skip unchanged files."""

    sha256: str
    title: str
    date: str
    mentor: str | None
    kind: str
    tags: list[str]
    role: str | None
    chunk_ids: list[str]


@dataclass
class Manifest:
    """Per-source manifest; `fingerprint` guards against mixing vectors of different models."""

    fingerprint: dict
    chroma_version: str = ""
    notes: dict[str, NoteEntry] = field(default_factory=dict)
    keyword_stamp: str = ""

    def chunk_ids(self) -> list[str]:
        return [cid for entry in self.notes.values() for cid in entry.chunk_ids]

    def to_json(self) -> str:
        data = {"schema": SCHEMA, **asdict(self)}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def manifest_path(index_dir: Path, source: str) -> Path:
    return index_dir / f"manifest-{source}.json"


def load_manifest(index_dir: Path, source: str) -> Manifest | None:
    """The saved manifest, or None when absent or unreadable (the caller rebuilds)."""
    path = manifest_path(index_dir, source)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("schema") != SCHEMA:
        return None
    notes = {key: NoteEntry(**value) for key, value in data.get("notes", {}).items()}
    return Manifest(data["fingerprint"], data.get("chroma_version", ""), notes, data.get("keyword_stamp", ""))


def save_manifest(index_dir: Path, source: str, manifest: Manifest) -> None:
    atomic_write(manifest_path(index_dir, source), manifest.to_json())
