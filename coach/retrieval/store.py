"""The Chroma vector store: embedded PersistentClient by default, a Chroma server by URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from coach.errors import IndexStateError
from coach.paths import check_writable, ensure_private_dir

SOURCES = ("notes", "knowledge")
# Collection names carry a schema version so an incompatible layout never mixes with an old one.
COLLECTION_PREFIX = "coach_v1_"


def make_client(index_dir: Path, chroma_url: str | None = None):
    """A Chroma client with telemetry off; the server path behaves exactly like the embedded one."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from coach.privacy import quiet_posthog

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    quiet_posthog()
    if chroma_url:
        return _http_client(chromadb, chroma_url, settings)
    ensure_private_dir(index_dir.parent)  # the data dir holds derived copies of private notes
    ensure_private_dir(index_dir, root=index_dir.parent)
    for folder in (index_dir.parent, index_dir, index_dir / "chroma"):
        check_writable(folder)  # Chroma would say "readonly database" and we would advise a rebuild
    try:
        return chromadb.PersistentClient(path=str(index_dir / "chroma"), settings=settings)
    except Exception as exc:  # Chroma raises many types for a damaged or newer store
        raise IndexStateError(
            f"The index store under {index_dir} could not be opened ({exc.__class__.__name__}: {exc}). "
            "Run `coach index --rebuild` to rebuild it from your notes.",
            "Index damaged",
        ) from exc


def _http_client(chromadb, chroma_url: str, settings):
    parsed = urlparse(chroma_url)
    if not parsed.hostname:
        raise IndexStateError(f"COACH_CHROMA_URL is not a URL: {chroma_url!r} (expected http://host:port).")
    ssl = parsed.scheme == "https"
    port = parsed.port or (443 if ssl else 8000)
    try:
        return chromadb.HttpClient(host=parsed.hostname, port=port, ssl=ssl, settings=settings)
    except Exception as exc:
        raise IndexStateError(
            f"Cannot reach the Chroma server at {chroma_url} ({exc}). Start it with "
            "`chroma run --path DIR --port N` or unset COACH_CHROMA_URL to use the embedded store.",
            "Chroma server unreachable",
        ) from exc


def collection(client, source: str):
    """The collection for one source; vectors come from us, so no embedding function."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    return client.get_or_create_collection(
        COLLECTION_PREFIX + source,
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
    )


def drop_collection(client, source: str) -> None:
    """Forget one source's vectors (for a rebuild); missing is fine."""
    try:
        client.delete_collection(COLLECTION_PREFIX + source)
    except Exception:  # Chroma raises NotFoundError or ValueError depending on version/backend
        pass
