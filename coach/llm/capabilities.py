"""What the configured chat model can do beyond streaming text: today, whether it can call tools.

Read by `coach ask` (and the app's Ask) to choose between the agent, which searches the notes itself
through tools, and the fixed pipeline (search once, quote, optionally summarise). Nothing here makes a
network call or imports a provider SDK: the answer comes from the settings alone."""

from __future__ import annotations

from coach.config import Settings

OLLAMA_DEFAULT_MODEL = "llama3.2"  # coach.llm.factory's default for ollama (not imported: it loads LangChain)
# Ollama model families whose chat template takes tools (ollama.com lists them under "tools").
# A model not listed here can still be declared with `llm_tools = true`.
OLLAMA_TOOL_FAMILIES = (
    "llama3.1", "llama3.2", "llama3.3", "llama4", "qwen2.5", "qwen3", "qwq", "mistral", "mixtral",
    "mistral-nemo", "mistral-small", "command-r", "firefunction", "hermes3", "granite3", "granite4",
    "nemotron", "gpt-oss", "deepseek-v3", "smollm2", "phi4-mini", "cogito", "devstral", "magistral",
)


def supports_tool_calling(settings: Settings) -> bool:
    """True when the configured chat model can be handed tools: OpenAI and Anthropic models, Ollama
    models of a family with tools, any server whose user declared it (`llm_tools = true`); never the
    in-process llama.cpp model (the bundled SmolLM2 or a GGUF file), which has no tool-calling adapter."""
    if settings.llm_provider == "llamacpp":
        return False
    declared = getattr(settings, "llm_tools", None)
    if declared is not None:
        return bool(declared)
    if settings.llm_provider == "anthropic":
        return True
    if settings.llm_provider == "openai":
        return not settings.llm_base_url or _official_openai(settings.llm_base_url)
    if settings.llm_provider == "ollama":
        return _ollama_has_tools(settings.llm_model or OLLAMA_DEFAULT_MODEL)
    return False


def agent_mode(settings: Settings) -> bool:
    """Whether `ask` runs the tool-using agent: `ask_mode` agent (with any model that is not the in-process
    llama.cpp one), pipeline never, auto when the model supports tool calling."""
    mode = getattr(settings, "ask_mode", "auto")
    if mode == "pipeline" or settings.llm_provider == "llamacpp":
        return False
    return mode == "agent" or supports_tool_calling(settings)


def _official_openai(base_url: str) -> bool:
    """An OpenAI-compatible server (vLLM, LM Studio, llama.cpp's server) may or may not parse tool calls:
    only api.openai.com is assumed to; another server needs `llm_tools = true`."""
    from urllib.parse import urlparse

    given = urlparse(base_url)
    return given.scheme == "https" and (given.hostname or "").lower() == "api.openai.com"


def _ollama_has_tools(model: str) -> bool:
    name = model.lower().split("/")[-1].split(":")[0]
    return any(name == family or name.startswith((family + "-", family + "."))
               for family in OLLAMA_TOOL_FAMILIES)
