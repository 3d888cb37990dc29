"""Charts as inline SVG drawn on the server: pure functions from numbers to markup, no script, no CDN."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from xml.sax.saxutils import escape

FONT = "font-family=\"'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif\""
COLOURS = ("#2f6db5", "#d9822b", "#3a9d5d", "#b8433a", "#7a5cb8", "#5b8a8f")


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:g}"


def bar_chart(
    items: Sequence[tuple[str, float]], *, title: str, percent: bool = False, width: int = 560, undecided: Collection[int] = ()
) -> str:
    """Horizontal bars, one per (label, value); `percent` draws values in 0..1 against 100%; `undecided` rows show a dash."""
    row, left, top = 28, 170, 34
    height = top + row * max(len(items), 1) + 12
    peak = 1.0 if percent else max((v for _, v in items), default=0) or 1.0
    span = width - left - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}" {FONT}>',
        f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    if not items:
        parts.append(f'<text x="{left}" y="{top + 18}" font-size="13" fill="#777">—</text>')
    for i, (name, value) in enumerate(items):
        y = top + i * row
        length = max(span * (value / peak), 0)
        colour = COLOURS[i % len(COLOURS)]
        parts.append(f'<text x="{left - 8}" y="{y + 17}" font-size="13" text-anchor="end">{escape(name)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 4}" width="{length:.1f}" height="18" fill="{colour}" rx="2"/>')
        shown = "—" if i in undecided else _fmt(value, percent)
        parts.append(f'<text x="{left + length + 6:.1f}" y="{y + 17}" font-size="13">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(points: Sequence[tuple[str, float]], *, title: str, width: int = 560, height: int = 220) -> str:
    """A line over labelled points (e.g. days), with the first, middle and last labels under the axis."""
    left, right, top, bottom = 36, 28, 34, 30
    inner_w, inner_h = width - left - right, height - top - bottom
    peak = max((v for _, v in points), default=0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}" {FONT}>',
        f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + inner_h}" x2="{left + inner_w}" y2="{top + inner_h}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + inner_h}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{top + 5}" font-size="11" text-anchor="end">{_fmt(peak, False)}</text>',
        f'<text x="{left - 6}" y="{top + inner_h}" font-size="11" text-anchor="end">0</text>',
    ]
    if points:
        step = inner_w / max(len(points) - 1, 1)
        coords = [(left + i * step, top + inner_h - inner_h * (v / peak)) for i, (_, v) in enumerate(points)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{COLOURS[3]}" stroke-width="2"/>')
        for (x, y), (name, value) in zip(coords, points, strict=True):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{COLOURS[3]}"><title>{escape(name)}: {_fmt(value, False)}</title></circle>')
        for i in sorted({0, len(points) // 2, len(points) - 1}):
            x = coords[i][0]
            parts.append(f'<text x="{x:.1f}" y="{height - 10}" font-size="11" text-anchor="middle">{escape(points[i][0])}</text>')
    parts.append("</svg>")
    return "".join(parts)
