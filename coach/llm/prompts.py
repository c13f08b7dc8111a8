"""Prompt templates from the repo's prompts/ folder, as LangChain ChatPromptTemplates: one YAML file per prompt.

    messages:                  # the ChatPromptTemplate, in order (role: system | human | ai | placeholder)
      - role: system
        template: You are a reflection coach. ...
      - role: human
        template: "Notes:\\n{notes}\\n\\nQuestion: {question}"
    parts:                     # optional: smaller templates the caller fills and passes in (e.g. history)
      turn: "Q: {question}\\nA: {answer}"

Templates are f-strings: `{name}` is a variable, a literal brace is doubled; values are inserted verbatim.
The wording of the human message and the parts is also what the ask guard strips when a model recites it
(`recited_leads`), so the filter follows the prompt file instead of repeating its words."""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate, PromptTemplate

from coach import paths
from coach.errors import CoachError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ROLES = {"system", "human", "ai", "placeholder"}
_LEAD = re.compile(r"^[^(:]*[(:]")  # a label's words up to its first bracket or colon


class PromptError(CoachError):
    """A prompt file is missing or malformed, or was filled with the wrong variables."""

    title = "Prompt"


@dataclass(frozen=True)
class Prompt:
    """A prompt file: its ChatPromptTemplate and its named parts."""

    name: str
    template: ChatPromptTemplate
    parts: dict[str, PromptTemplate] = field(default_factory=dict)

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(self.template.input_variables) | frozenset(self.template.optional_variables)

    @property
    def system(self) -> str:
        """The system message's text ('' when there is none); its variables stay unfilled."""
        return next((text for role, text in self._raw_messages() if role == "system"), "")

    def messages(self, **values: Any) -> list[BaseMessage]:
        """Fill the template; a missing or unexpected variable is a PromptError naming it."""
        _check(self.name, frozenset(self.template.input_variables), values, self.variables)
        return self.template.format_messages(**values)

    def part(self, name: str, **values: Any) -> str:
        """Fill one named part (the same rules as `messages`)."""
        if name not in self.parts:
            raise PromptError(f"Prompt {self.name!r} has no part {name!r}.")
        part = self.parts[name]
        _check(f"{self.name}.{name}", frozenset(part.input_variables), values)
        return part.format(**values)

    def recited_leads(self) -> tuple[str, ...]:
        """How the labels the model reads begin ('Your notes (', 'Question:'): the literal text of the
        non-system messages and of the parts, each piece up to its first bracket or colon."""
        texts = [text for role, text in self._raw_messages() if role not in ("system", "placeholder")]
        texts += [part.template for part in self.parts.values()]
        leads = []
        for text in texts:
            for literal, *_ in string.Formatter().parse(text):
                for line in literal.splitlines():
                    match = _LEAD.match(line.strip())
                    if match and len(match.group(0)) > 1:
                        leads.append(match.group(0))
        return tuple(dict.fromkeys(leads))

    def fixed_parts(self) -> tuple[str, ...]:
        """The parts without variables: set phrases (e.g. what an empty block says)."""
        return tuple(part.template for part in self.parts.values() if not part.input_variables)

    def _raw_messages(self) -> list[tuple[str, str]]:
        return [(_role(m), getattr(getattr(m, "prompt", None), "template", "")) for m in self.template.messages]


def _role(message: Any) -> str:
    kind = type(message).__name__
    return {"SystemMessagePromptTemplate": "system", "HumanMessagePromptTemplate": "human",
            "AIMessagePromptTemplate": "ai"}.get(kind, "placeholder")


def _check(name: str, required: frozenset[str], values: dict[str, Any], allowed: frozenset[str] = frozenset()) -> None:
    missing, extra = required - values.keys(), values.keys() - required - allowed
    if missing or extra:
        parts = ([f"missing {', '.join(sorted(missing))}"] if missing else []) + (
            [f"unexpected {', '.join(sorted(extra))}"] if extra else [])
        raise PromptError(f"Prompt {name!r}: {'; '.join(parts)}.")


def list_prompts() -> list[str]:
    """Names of the prompt files available, sorted."""
    folder = paths.prompts_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if _NAME.match(p.stem))


def load_prompt(name: str) -> Prompt:
    """Load prompts/<name>.yaml (cached until the file changes)."""
    if not _NAME.match(name):
        raise PromptError(f"Invalid prompt name {name!r}: use lowercase letters, digits, '_' or '-'.")
    path = paths.prompts_dir() / f"{name}.yaml"
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise PromptError(f"No prompt {name!r}: expected the file {path}.") from None
    return _load_cached(path, mtime)


@functools.lru_cache(maxsize=64)
def _load_cached(path: Path, mtime_ns: int) -> Prompt:
    # mtime_ns is part of the key so an edited prompt is re-read without restarting.
    return parse_prompt(path.stem, path.read_text(encoding="utf-8"), source=str(path))


def parse_prompt(name: str, text: str, source: str = "<text>") -> Prompt:
    """A Prompt from prompt-file text (see the module docstring for the format)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PromptError(f"{source}: not valid YAML ({exc.__class__.__name__}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list) or not data["messages"]:
        raise PromptError(f"{source}: needs a 'messages' list of {{role, template}} entries.")
    messages = [_message(entry, source) for entry in data["messages"]]
    raw_parts = data.get("parts") or {}
    if not isinstance(raw_parts, dict):
        raise PromptError(f"{source}: 'parts' must map names to templates.")
    for value in raw_parts.values():
        _placeholders(str(value), source)
    try:
        template = ChatPromptTemplate.from_messages(messages, template_format="f-string")
        parts = {str(key): PromptTemplate.from_template(str(value)) for key, value in raw_parts.items()}
    except (ValueError, KeyError) as exc:  # a lone brace, an unknown role
        raise PromptError(f"{source}: {exc}; write literal braces doubled, {{{{ and }}}}.") from None
    return Prompt(name, template, parts)


def _message(entry: object, source: str) -> tuple[str, str]:
    if not isinstance(entry, dict) or entry.get("role") not in _ROLES or not isinstance(entry.get("template"), str):
        raise PromptError(f"{source}: each message needs a role ({', '.join(sorted(_ROLES))}) and a template.")
    if not entry["template"].strip():
        raise PromptError(f"{source}: the {entry['role']} message is empty; remove it or add text.")
    _placeholders(entry["template"], source)
    return entry["role"], entry["template"]


def _placeholders(template: str, source: str) -> None:
    """Only plain {name} placeholders: no index, attribute, format spec or conversion."""
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError as exc:  # a lone { or }
        raise PromptError(f"{source}: {exc}; write literal braces doubled, {{{{ and }}}}.") from None
    for _, name, spec, conversion in fields:
        if name is not None and (not name.isidentifier() or spec or conversion):
            raise PromptError(f"{source}: placeholder {{{name}}} must be a plain {{name}} (no index, format or !r).")
