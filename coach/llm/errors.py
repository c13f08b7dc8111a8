"""Turn provider exceptions (httpx, openai, anthropic, ollama, llama.cpp) into short ProviderErrors."""

from __future__ import annotations

import re
from enum import StrEnum

from coach import providers
from coach.config import Settings
from coach.errors import CoachError, ProviderError

# Provider SDKs vendor their own HTTP stacks (openai and anthropic use httpx2, ollama uses httpx), so
# exceptions are recognised by class name along the MRO rather than by importing every SDK.
_TIMEOUT_NAMES = {"TimeoutError", "TimeoutException", "APITimeoutError", "ReadTimeout", "ConnectTimeout",
                  "WriteTimeout", "PoolTimeout"}
_CONNECT_NAMES = {"ConnectError", "ConnectionError", "APIConnectionError", "ConnectionRefusedError"}
_CUT_NAMES = {"RemoteProtocolError", "ReadError", "IncompleteRead", "ChunkedEncodingError", "ProtocolError"}
_GARBLED_NAMES = {"JSONDecodeError", "ValidationError"}  # a chunk that is not JSON, or not the shape the SDK reads (pydantic)
_CONTEXT_PATTERN = re.compile(
    r"context[ _]length|context window|maximum context|prompt is too long|too many tokens|exceed(s|ed)? "
    r"(the )?context",
    re.IGNORECASE,
)


class Cause(StrEnum):
    """Why a provider call failed; the agent and UI can branch on it (e.g. offer Retry)."""

    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    AUTH = "auth"
    NOT_FOUND = "not_found"
    RATE_LIMITED = "rate_limited"
    SERVER = "server"
    CONTEXT_OVERFLOW = "context_overflow"
    BAD_REQUEST = "bad_request"
    STREAM_CUT = "stream_cut"
    BAD_RESPONSE = "bad_response"
    MODEL = "model"
    UNKNOWN = "unknown"


# Worth an automatic or one-click retry; the rest need the user to change something first.
_RETRYABLE = {Cause.TIMEOUT, Cause.RATE_LIMITED, Cause.SERVER, Cause.STREAM_CUT, Cause.BAD_RESPONSE}


class ChatProviderError(ProviderError):
    """A ProviderError that also says which provider failed and why (`cause`)."""

    def __init__(self, message: str, title: str, cause: Cause, provider: str) -> None:
        super().__init__(message, title, retryable=cause in _RETRYABLE)
        self.cause = cause
        self.provider = provider


def provider_error(exc: BaseException, settings: Settings, *, partial: bool = False) -> ProviderError:
    """Map any exception from a chat call to a ProviderError naming the provider and one fix.

    `partial` says tokens had already arrived: a connection failure then means the stream was cut."""
    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, CoachError):  # e.g. ModelError from ChatLlamaCpp: its message already names the fix
        return ChatProviderError(exc.message, exc.title, Cause.MODEL, settings.llm_provider)
    cause = _classify(exc, partial)
    message, title = _explain(cause, exc, settings)
    if cause is Cause.TIMEOUT and partial:
        message, title = _stalled(settings), "Answer stalled"
    return ChatProviderError(message, title, cause, settings.llm_provider)


def truncated_stream_error(settings: Settings) -> ChatProviderError:
    """The stream ended cleanly but without the provider's 'finished' marker: cut, not complete."""
    message = (f"The answer from {_where(settings)} ended without its closing marker, so it was cut off; "
               "try again.")
    return ChatProviderError(message, "Answer cut off", Cause.STREAM_CUT, settings.llm_provider)


def retry_after_seconds(exc: BaseException) -> float | None:
    """The server's Retry-After in seconds, when it sent a number (an HTTP date is ignored)."""
    try:
        value = float(_retry_after(exc) or "")
    except ValueError:
        return None
    return value if value >= 0 else None


def _stalled(settings: Settings) -> str:
    where = _where(settings)
    return (f"{where[0].upper() + where[1:]} stopped sending part-way: nothing for {settings.llm_timeout:g} s. "
            "Try again, or raise llm_timeout (COACH_LLM_TIMEOUT).")


def _classify(exc: BaseException, partial: bool) -> Cause:
    names = _chain_names(exc)
    status = _status_code(exc)
    if status is not None:
        return _classify_status(status, exc)
    if names & _TIMEOUT_NAMES:
        return Cause.TIMEOUT
    if names & _GARBLED_NAMES:
        return Cause.BAD_RESPONSE
    if names & _CUT_NAMES or (partial and names & _CONNECT_NAMES):
        return Cause.STREAM_CUT
    if names & _CONNECT_NAMES:
        return Cause.UNREACHABLE
    if _CONTEXT_PATTERN.search(str(exc)):  # llama.cpp: "Requested tokens (N) exceed context window of M"
        return Cause.CONTEXT_OVERFLOW
    return Cause.STREAM_CUT if partial else Cause.UNKNOWN


def _classify_status(status: int, exc: BaseException) -> Cause:
    if status in (401, 403):
        return Cause.AUTH
    if status == 404:
        return Cause.NOT_FOUND
    if status == 429:
        return Cause.RATE_LIMITED
    if status >= 500:
        return Cause.SERVER
    if _CONTEXT_PATTERN.search(str(exc)) or status == 413:
        return Cause.CONTEXT_OVERFLOW
    return Cause.BAD_REQUEST


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what it wraps (SDKs raise their own type `from` the transport error)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 8:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _chain_names(exc: BaseException) -> set[str]:
    return {cls.__name__ for item in _chain(exc) for cls in type(item).__mro__}


def _status_code(exc: BaseException) -> int | None:
    for item in _chain(exc):
        code = getattr(item, "status_code", None)
        if code is None:
            code = getattr(getattr(item, "response", None), "status_code", None)
        if isinstance(code, int) and code >= 400:
            return code
    return None


def _retry_after(exc: BaseException) -> str | None:
    for item in _chain(exc):
        headers = getattr(getattr(item, "response", None), "headers", None)
        if headers is not None and headers.get("retry-after"):
            return str(headers.get("retry-after"))
    return None


def _where(settings: Settings) -> str:
    """How to name the provider inside a sentence (the registry's words)."""
    return providers.where(settings)


def _model(settings: Settings) -> str:
    return providers.model_for(settings) or "the model"


def _unreachable(where: str, settings: Settings) -> str:
    provider = providers.provider_for(settings)
    if provider.official_url and providers.is_official_host(settings.llm_provider, settings.llm_base_url):
        return (f"Cannot connect to {where} ({providers.url_for(settings)}): check your internet connection "
                "or proxy.")
    start = f" {provider.start_hint}" if provider.start_hint else ""
    return f"Cannot connect to {where}: is the server running there?{start}"  # `where` names the URL


def _explain(cause: Cause, exc: BaseException, settings: Settings) -> tuple[str, str]:
    where, status = _where(settings), _status_code(exc)
    subject = where[0].upper() + where[1:]  # the provider as the start of a sentence
    if cause is Cause.UNREACHABLE:
        return _unreachable(where, settings), "Provider unreachable"
    if cause is Cause.TIMEOUT:
        wait = f"{subject} did not answer within {settings.llm_timeout:g} s."
        return f"{wait} Try again, or raise llm_timeout (COACH_LLM_TIMEOUT).", "Provider timed out"
    if cause is Cause.AUTH:
        fix = f"Set a valid key in {providers.key_hint(settings)}."
        return f"{subject} rejected the API key (HTTP {status}). {fix}", "API key rejected"
    if cause is Cause.NOT_FOUND:
        return _not_found(subject, settings), "Model not found"
    if cause is Cause.RATE_LIMITED:
        after = _retry_after(exc)
        when = f"try again in {after} s (Retry-After)" if after else "wait a minute and try again"
        return f"{subject} is rate-limiting requests (HTTP 429); {when}.", "Rate limited"
    if cause is Cause.SERVER:
        return f"{subject} had a server error (HTTP {status}); try again in a moment.", "Provider error"
    if cause is Cause.CONTEXT_OVERFLOW:
        return _overflow(where, settings), "Too much text for the model"
    if cause is Cause.STREAM_CUT:
        return f"The answer from {where} stopped part-way; try again.", "Answer cut off"
    if cause is Cause.BAD_RESPONSE:
        return _garbled(subject, exc, settings), "Unreadable reply"
    if cause is Cause.BAD_REQUEST:
        return f"{subject} rejected the request (HTTP {status}): {_first_line(exc)}", "Request rejected"
    return f"{subject} failed: {type(exc).__name__}: {_first_line(exc)}", "Provider error"


def _garbled(subject: str, exc: BaseException, settings: Settings) -> str:
    kind = providers.provider_for(settings).server_kind
    check = f" If it keeps happening, check that llm_base_url points at {kind} server." if settings.llm_base_url else ""
    return f"{subject} sent a reply coach could not read ({_first_line(exc, 80)}). Try again.{check}"


def _not_found(where: str, settings: Settings) -> str:
    fix = providers.provider_for(settings).not_found_fix.format(model=_model(settings))
    return f"{where} has no model {_model(settings)!r}{'' if fix.startswith('(') else '.'} {fix}"


def _overflow(where: str, settings: Settings) -> str:
    provider = providers.provider_for(settings)
    if provider.in_process:
        return (f"The question and notes are too long for the local model's context of {settings.llm_context} "
                f"tokens. {provider.overflow_fix}")
    return f"The question and notes are too long for {_model(settings)} at {where}. {provider.overflow_fix}"


def _first_line(exc: BaseException, limit: int = 160) -> str:
    text = (getattr(exc, "message", None) or str(exc) or type(exc).__name__).strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
