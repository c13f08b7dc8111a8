"""How CLI results look: text tables for people, JSON for scripts."""

from __future__ import annotations

import sys

from rich.text import Text

from coach.commands.output import emit_json, err, highlighted, info, out, plain
from coach.errors import IndexStateError


def progress_printer():
    """Progress lines (count/total) on stderr for a terminal; silent when piped."""
    if not sys.stderr.isatty():
        return None
    last = {}

    def show(progress) -> None:
        key = progress.source
        if last.get(key) != progress.done:
            last[key] = progress.done
            end = "\n" if progress.done >= progress.total else "\r"
            err.print(f"indexing {progress.source}: {progress.done}/{progress.total}", end=end)

    return show


def show_index(reports, as_json: bool) -> None:
    if as_json:
        emit_json({"sources": [_report_json(report) for report in reports]})
        return
    for report in reports:
        for notice in report.notices:
            out.print(plain(notice, "bold yellow"))
        line = (
            f"{report.source}: {len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.removed)} removed, {len(report.unchanged)} unchanged, "
            f"{len(report.skipped)} skipped — {report.chunks} passages"
        )
        out.print(plain(line + (" (rebuilt)" if report.rebuilt else ""), "bold"))
        for skipped in report.skipped:
            out.print(plain(f"  skipped {skipped.path}: {skipped.reason}", "yellow"))
        for path, warning in report.warnings:
            out.print(plain(f"  warning {path}: {warning}", "dim"))


def _report_json(report) -> dict:
    return {
        "source": report.source,
        "added": report.added,
        "updated": report.updated,
        "removed": report.removed,
        "unchanged": len(report.unchanged),
        "retagged": report.retagged,
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
        "warnings": [{"path": p, "warning": w} for p, w in report.warnings],
        "chunks": report.chunks,
        "rebuilt": report.rebuilt,
        "notices": report.notices,
    }


def require_index(engine) -> None:
    if engine.searcher.note_count("notes") == 0 and engine.searcher.note_count("knowledge") == 0:
        raise IndexStateError(
            "The index is empty. Run `coach index` first (with --notes DIR or COACH_NOTES_DIR)."
        )


def show_search(response, as_json: bool) -> None:
    if as_json:
        emit_json(response.to_json())
        return
    if response.nothing_relevant:
        out.print(plain(f"Nothing relevant found for “{response.query}”.", "bold"))
        info("Try other words, drop a filter, or run `coach index` if you added notes.")
        return
    for rank, hit in enumerate(response.hits, start=1):
        out.print(_hit_header(rank, hit))
        if hit.heading:
            out.print(plain(f"   § {hit.heading}", "italic"))
        out.print(Text("   ") + highlighted(hit.snippet, hit.matches))
        for other in hit.also_in:
            out.print(plain(f"   (same passage also in {other})", "dim"))
        out.print()


def _hit_header(rank: int, hit) -> Text:
    label = "principle" if hit.source == "knowledge" else hit.kind
    role = {"reverse": "reverse mentoring", "mentor": "you mentor"}.get(hit.role or "")
    parts = [p for p in (hit.date, hit.mentor, label, role) if p]
    header = Text(f"{rank}. ", style="bold")
    header.append_text(plain(hit.title or hit.path, "bold cyan"))
    header.append_text(plain(f"  ({' · '.join(parts)})", "green"))
    header.append_text(plain(f"  {hit.path}:{hit.start_line}-{hit.end_line}  score {hit.score:.2f}", "dim"))
    return header


def show_eval(report: dict, as_json: bool) -> None:
    if as_json:
        emit_json(report)
        return
    modes = ("hybrid", "dense", "keyword")
    out.print(plain(f"{report['queries']} queries over {report['notes_dir']}", "bold"))
    out.print(plain(f"{'':14}" + "".join(f"{m:>10}" for m in modes)))
    for metric in ("recall@5", "recall@10", "mrr", "ndcg@10"):
        row = "".join(f"{report[m]['overall'].get(metric, 0):>10.3f}" for m in modes)
        out.print(plain(f"{metric:14}{row}"))
    for kind in report["hybrid"]["by_kind"]:
        row = "".join(f"{report[m]['by_kind'][kind]['recall@5']:>10.3f}" for m in modes)
        out.print(plain(f"  r@5 {kind:9}{row}"))
    negatives = report["hybrid"]["negatives"]
    if negatives["count"]:
        out.print(
            plain(f"negatives answered 'nothing relevant' (hybrid): {negatives['nothing_relevant_rate']:.0%}")
        )
    out.print(
        plain(
            f"answerable queries wrongly answered 'nothing relevant': {report['hybrid']['positives_flagged_nothing']}"
        )
    )
