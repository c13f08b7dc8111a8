"""Splitting a leading YAML front-matter block from a note without ever losing body text."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

MAX_BLOCK_BYTES = 64 * 1024
# Real front matter almost never uses aliases; a handful is enough to build a billion-laughs bomb.
MAX_ALIASES = 8
# Deep nesting makes PyYAML slow (quadratic scanning) and then hit the recursion limit.
MAX_DEPTH = 32
_OPEN = "---"
_CLOSE = ("---", "...")


@dataclass(frozen=True)
class FrontMatter:
    """The parsed mapping (empty when absent or rejected), the body and where it starts."""

    fields: dict = field(default_factory=dict)
    body: str = ""
    body_offset: int = 1
    present: bool = False
    warnings: tuple[str, ...] = ()


class _Malformed(Exception):
    """A front-matter block that cannot be used; `line` is 1-based in the file."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


class _Loader(yaml.SafeLoader):
    """SafeLoader with alias and nesting limits; an impossible date stays a string."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        """Count aliases and depth as nodes are composed, before anything is built."""
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Malformed(
                    1, f"more than {MAX_ALIASES} YAML aliases; possible alias bomb"
                )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Malformed(1, f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _timestamp_or_str(loader: _Loader, node: yaml.ScalarNode) -> object:
    """A YAML timestamp as date/datetime, or the raw string when it is not a real date."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_str)


def _closing_line(lines: list[str]) -> int | None:
    """Index of the fence that closes a block opened on line 0, or None."""
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _CLOSE:
            return index
    return None


def _parse(block: str) -> object:
    """Run the limited loader over one block."""
    loader = _Loader(block)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _yaml_error_line(error: yaml.YAMLError) -> int:
    """File line of a YAML error; the block starts on file line 2."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return mark.line + 2 if mark is not None else 1


def _load_mapping(block: str) -> dict:
    """Parse the block as a mapping, raising _Malformed for anything unsafe or unusable."""
    size = len(block.encode("utf-8"))
    if size > MAX_BLOCK_BYTES:
        raise _Malformed(
            1, f"block is {size} bytes, over the {MAX_BLOCK_BYTES} byte limit"
        )
    try:
        data = _parse(block)
    except yaml.YAMLError as error:
        problem = (
            getattr(error, "problem", None)
            or (str(error).splitlines() or ["invalid YAML"])[0]
        )
        raise _Malformed(_yaml_error_line(error), problem) from error
    except (RecursionError, ValueError, TypeError, OverflowError) as error:
        raise _Malformed(1, f"{type(error).__name__}: {error}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _Malformed(1, f"block is a {type(data).__name__}, not a mapping of keys")
    return {str(key): value for key, value in data.items()}


def split_front_matter(text: str) -> FrontMatter:
    """Split `text` (BOM removed, \\n newlines) into front matter and body.

    Only a `---` first line closed by a `---`/`...` line counts. Anything unusable
    keeps the whole text as body with a "malformed front matter (line N): ..." warning.
    """
    lines = text.split("\n")
    if lines[0].rstrip() != _OPEN:
        return FrontMatter(body=text)
    close = _closing_line(lines)
    try:
        if close is None:
            raise _Malformed(1, "opening '---' has no closing '---' line")
        fields = _load_mapping("\n".join(lines[1:close]))
    except _Malformed as bad:
        warning = f"malformed front matter (line {bad.line}): {bad.problem}"
        return FrontMatter(body=text, warnings=(warning,))
    body = "\n".join(lines[close + 1 :])
    return FrontMatter(fields=fields, body=body, body_offset=close + 2, present=True)
