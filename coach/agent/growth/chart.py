"""The growth timeline as a picture: an SVG written by hand (no plotting library), or a PNG through
matplotlib when it is installed (imported only on that path)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from coach.errors import CoachError
from coach.fsutil import atomic_write

SERIES = (("sessions", "Sessions", "#3b82f6"), ("made", "Commitments made", "#f59e0b"),
          ("done", "Commitments done", "#10b981"))
WIDTH, HEIGHT, PAD, LEGEND = 760, 320, 48, 28
FORMATS = (".svg", ".png")


def _scale(months: list, key_max: int):
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD - LEGEND
    step = inner_w / max(len(months) - 1, 1)

    def point(index: int, value: int) -> tuple[float, float]:
        return PAD + index * step, PAD + LEGEND + inner_h - inner_h * value / max(key_max, 1)

    return point


def timeline_svg(months: list, title: str) -> str:
    """Three lines (sessions, commitments made, commitments done) over the months, with axes and a legend."""
    peak = max((getattr(m, key) for m in months for key, _, _ in SERIES), default=0)
    point = _scale(months, peak)
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
              f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">'),
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
             f'<text x="{PAD}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>']
    base_y = point(0, 0)[1]
    parts.append(f'<line x1="{PAD}" y1="{base_y:.1f}" x2="{WIDTH - PAD}" y2="{base_y:.1f}" stroke="#999"/>')
    parts.append(f'<text x="{PAD - 8}" y="{point(0, peak)[1]:.1f}" text-anchor="end">{peak}</text>')
    parts.append(f'<text x="{PAD - 8}" y="{base_y:.1f}" text-anchor="end">0</text>')
    for index, month in enumerate(months):
        x, _ = point(index, 0)
        parts.append(f'<text x="{x:.1f}" y="{base_y + 16:.1f}" text-anchor="middle">{escape(month.month[2:])}</text>')
    for number, (key, label, colour) in enumerate(SERIES):
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, getattr(m, key)) for i, m in enumerate(months)))
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"><title>'
                     f'{escape(label)}</title></polyline>')
        lx = PAD + number * 180
        parts.append(f'<rect x="{lx}" y="{PAD - 8}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{lx + 18}" y="{PAD + 2}">{escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _png(months: list, title: str) -> bytes:
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        raise CoachError("A .png needs matplotlib (pip install 'coach[plot]'); a .svg needs nothing extra.",
                         "Plot") from None
    import io

    figure, axes = pyplot.subplots(figsize=(WIDTH / 100, HEIGHT / 100), dpi=100)
    labels = [m.month for m in months]
    for key, label, colour in SERIES:
        axes.plot(labels, [getattr(m, key) for m in months], label=label, color=colour, linewidth=2)
    axes.set_title(title)
    axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    axes.legend()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    pyplot.close(figure)
    return buffer.getvalue()


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def check_target(path: Path, notes_dir: Path | None = None) -> None:
    """A picture goes to a new or replaceable file in an existing folder; inside the notes folder coach
    never replaces a file (it may be one of the user's attachments)."""
    if path.suffix.lower() not in FORMATS:
        raise CoachError(f"--plot needs a file ending in .svg or .png (got {path.name!r}).", "Plot")
    if not path.parent.is_dir():
        raise CoachError(f"--plot: the folder {path.parent} does not exist.", "Plot")
    if path.is_dir():
        raise CoachError(f"--plot: {path} is a folder; name a file.", "Plot")
    if notes_dir is not None and path.exists() and _inside(path, notes_dir):
        raise CoachError(f"--plot: {path.name} already exists in your notes folder; coach never replaces "
                         "a file there. Choose another name.", "Plot")


def write_timeline(path: Path, months: list, title: str, notes_dir: Path | None = None) -> Path:
    """Write the timeline picture to `path` (.svg or .png), atomically."""
    check_target(path, notes_dir)
    suffix = path.suffix.lower()
    if not months:
        raise CoachError("Nothing to plot yet: no sessions or commitments in this period.", "Plot")
    data = timeline_svg(months, title).encode("utf-8") if suffix == ".svg" else _png(months, title)
    try:
        return atomic_write(path, data, mode=0o644)
    except OSError as exc:
        raise CoachError(f"Could not write {path}: {exc.strerror or exc}.", "Plot") from exc
