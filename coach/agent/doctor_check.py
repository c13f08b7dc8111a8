"""One doctor finding: what was checked, whether it is fine, what was seen, and the one fixing command."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Check:
    """One finding: what was checked, whether it is fine, what was seen, and the fix."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def to_json(self) -> dict:
        return asdict(self)
