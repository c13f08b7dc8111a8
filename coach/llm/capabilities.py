"""What the configured chat model can do beyond streaming text: whether `ask` runs the tool-using agent.

Read by `coach ask` (and the app's Ask) to choose between the agent, which searches the notes itself
through tools, and the fixed pipeline (search once, quote, optionally summarise). The answer comes from
the settings and the provider registry (coach.providers) alone: no network call, no provider SDK."""

from __future__ import annotations

from coach.config import Settings
from coach.providers import supports_tool_calling

__all__ = ["agent_mode", "supports_tool_calling"]


def agent_mode(settings: Settings) -> bool:
    """Whether `ask` runs the tool-using agent: `ask_mode` agent (with any model that is not the in-process
    llama.cpp one), pipeline never, auto when the model supports tool calling."""
    mode = getattr(settings, "ask_mode", "auto")
    if mode == "pipeline" or settings.llm_provider == "llamacpp":
        return False
    return mode == "agent" or supports_tool_calling(settings)
