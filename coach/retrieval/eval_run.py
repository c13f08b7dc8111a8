"""Run the quality harness on a folder: index DIR/notes into a throwaway data dir, then score."""

from __future__ import annotations

import tempfile
from pathlib import Path

from coach.config import load_settings
from coach.errors import ConfigError
from coach.retrieval.engine import Engine
from coach.retrieval.evaluate import load_queries, run_eval
from coach.retrieval.indexer import ProgressFn


def evaluate_folder(directory: Path, k: int = 10, progress: ProgressFn | None = None) -> dict:
    notes = directory / "notes"
    if not notes.is_dir():
        raise ConfigError(f"No notes folder at {notes} (expected DIR/notes/ and DIR/queries.jsonl).")
    queries = load_queries(directory / "queries.jsonl")
    with tempfile.TemporaryDirectory(prefix="coach-eval-") as tmp:
        # The ONNX export is reusable across runs, so keep it in the user's data dir, not the temp one.
        base = load_settings()
        settings = load_settings(notes_dir=notes, data_dir=Path(tmp), chroma_url=None)
        engine = Engine(settings)
        _share_model_cache(base.data_dir, Path(tmp))
        engine.sync(progress=progress)
        report = run_eval(engine, queries, k=k)
    report["queries"] = len(queries)
    report["notes_dir"] = str(notes)
    return report


def _share_model_cache(user_data: Path, tmp: Path) -> None:
    """Point the temp data dir's model cache at the user's, so the ONNX export happens once."""
    source = user_data / "models"
    if source.is_dir():
        (tmp / "models").symlink_to(source, target_is_directory=True)
