"""One error hierarchy for the core; the CLI and UI show `message` and `title`, never a traceback."""


class CoachError(Exception):
    """An error a user can act on: a short title and a message that names the fix."""

    title = "coach"
    partial: object | None = None
    """What was kept of the work that failed (ask: the interrupted AskResult), when there is any."""

    def __init__(self, message: str, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title:
            self.title = title

    def __str__(self) -> str:
        return self.message


class ConfigError(CoachError):
    """Settings or paths are missing or invalid."""

    title = "Configuration"


class NotesError(CoachError):
    """The notes folder cannot be read."""

    title = "Notes"


class IndexBusyError(CoachError):
    """Another coach process holds the index lock."""

    title = "Index busy"


class IndexStateError(CoachError):
    """The index is missing, stale or damaged."""

    title = "Index"


class ModelError(CoachError):
    """An embedding or chat model is missing or failed."""

    title = "Model"


class ProviderError(CoachError):
    """A chat provider failed (server down, key missing, rate limit, stream cut)."""

    title = "Provider"

    def __init__(self, message: str, title: str | None = None, retryable: bool = False) -> None:
        super().__init__(message, title)
        self.retryable = retryable
