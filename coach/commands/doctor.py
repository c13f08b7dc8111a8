"""`coach doctor`: print each check with its fix; exit non-zero when something needs attention."""

from __future__ import annotations

import typer

from coach.commands.common import JsonOpt, State
from coach.commands.output import emit_json, out, plain


def doctor(as_json: JsonOpt = False) -> None:
    """Check settings, notes, models and the index, and print how to fix what is wrong."""
    from coach.agent.doctor import run_checks

    checks = run_checks(State.settings())
    if as_json:
        emit_json({"ok": all(c.ok for c in checks), "checks": [c.to_json() for c in checks]})
    else:
        for check in checks:
            mark = plain("ok   " if check.ok else "FIX  ", "green" if check.ok else "bold red")
            out.print(mark + plain(f"{check.name}: {check.detail}"))
            if check.fix:
                out.print(plain(f"     → {check.fix}", "yellow"))
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(doctor)
