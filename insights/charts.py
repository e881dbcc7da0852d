"""Small SVG charts for insights.html, drawn from the numbers (no JavaScript, no libraries)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bar_chart", "line_chart"]

W, H = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 14, 34


def _frame(title: str, y_max_label: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="#99a"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{H - BOTTOM}" stroke="#99a"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end" font-size="10">{escape(y_max_label)}</text>',
        f'<text x="{LEFT - 4}" y="{H - BOTTOM}" text-anchor="end" font-size="10">0</text>',
    ]


def line_chart(title: str, labels: Sequence[str], values: Sequence[float], *, percent: bool) -> str:
    """A line with a dot per point; ``values`` in 0..1 when ``percent``."""
    if not values:
        return ""
    top = 1.0 if percent else max(max(values), 1e-9)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step = plot_w / max(len(values) - 1, 1)
    points = [(LEFT + i * step, H - BOTTOM - (v / top) * plot_h) for i, v in enumerate(values)]
    out = _frame(title, "100%" if percent else f"{top:g}")
    out.append(
        '<polyline fill="none" stroke="#e0892b" stroke-width="2" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        + '"/>'
    )
    for (x, y), label, v in zip(points, labels, values, strict=True):
        shown = f"{v * 100:.1f}%" if percent else f"{v:g}"
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#e0892b" data-value="{v:.6f}">'
            f"<title>{escape(label)}: {shown}</title></circle>"
        )
    every = max(1, len(labels) // 8)
    for i in range(0, len(labels), every):
        anchor = "end" if points[i][0] > W - 60 else "middle"
        out.append(
            f'<text x="{points[i][0]:.1f}" y="{H - BOTTOM + 14}" text-anchor="{anchor}" '
            f'font-size="9">{escape(labels[i])}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> str:
    """Horizontal bars, one per label, longest for the biggest value."""
    if not values:
        return ""
    top = max(max(values), 1e-9)
    row = 22
    height = TOP + row * len(values) + 10
    label_w = 260
    plot_w = W - label_w - RIGHT - 50
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = TOP + i * row
        width = (v / top) * plot_w
        short = label if len(label) <= 40 else label[:39] + "…"
        out.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="11">{escape(short)}</text>'
        )
        out.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row - 6}" '
            f'fill="#4b7bd6" data-value="{v:g}"><title>{escape(label)}: {v:g}</title></rect>'
        )
        out.append(f'<text x="{label_w + width + 4:.1f}" y="{y + 14}" font-size="11">{v:g}</text>')
    out.append("</svg>")
    return "\n".join(out)
