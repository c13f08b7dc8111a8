"""The core stays importable without Textual, and the query path without torch."""

from __future__ import annotations

import subprocess
import sys


def _modules_after(imports: str) -> set[str]:
    code = f"{imports}\nimport sys; print('\\n'.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_core_does_not_import_textual_or_torch():
    loaded = _modules_after(
        "import coach.retrieval.engine, coach.retrieval.search, coach.notes.reader, coach.config, coach.cli"
    )
    assert "textual" not in loaded
    assert "torch" not in loaded and "sentence_transformers" not in loaded


def test_the_search_path_never_loads_langchain():
    """`coach search` cold time: LangChain (the agent, NotesRetriever, the chat models) loads only to ask a model."""
    loaded = _modules_after(
        "import coach.cli, coach.commands.library, coach.retrieval.engine, coach.retrieval.search, "
        "coach.llm.capabilities"
    )
    assert not {name for name in loaded if name.split(".")[0] in ("langchain", "langchain_core", "langgraph")}
