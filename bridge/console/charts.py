"""Server-rendered SVG charts (no script, so the console's CSP stays strict).

A suppressed count ("< 5") gets no bar or point: its size would give the number away. The table
beside every chart holds the same numbers.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from bridge.monitor.suppression import Shown

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 22, 6, 250, 280
SERIES_CLASSES = ("s1", "s2", "s3", "s4")


def _svg(width: int, height: int, title: str, body: list[str], chart_id: str) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-titel" focusable="false">'
        f'<title id="{chart_id}-titel">{escape(title)} (dezelfde cijfers staan in de tabel)</title>'
        + "".join(body)
        + "</svg>"
    )


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, Shown]]) -> Markup:
    """Horizontal bars, one per row, scaled to the largest shown count."""
    largest = max((cell.value or 0 for _, cell in rows), default=0) or 1
    body: list[str] = []
    for index, (label, cell) in enumerate(rows):
        y = index * (BAR_HEIGHT + GAP)
        body.append(f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>')
        length = 0 if cell.value is None else max(1, round(BAR_WIDTH * cell.value / largest))
        if length:
            body.append(f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 2}" width="{length}" height="{BAR_HEIGHT - 4}"/>')
        body.append(f'<text class="value" x="{LABEL_WIDTH + length + 6}" y="{y + 16}">{escape(cell.text)}</text>')
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP)
    return _svg(LABEL_WIDTH + BAR_WIDTH + 60, height, title, body, chart_id)


def line_chart(chart_id: str, title: str, periods: list[str], series: dict[str, tuple[str, list[Shown]]]) -> Markup:
    """One line per series over the periods; a suppressed point breaks the line."""
    width, height, left, bottom, top = 640, 260, 48, 40, 30
    plot_w, plot_h = width - left - 16, height - bottom - top
    largest = max((c.value or 0 for _, cells in series.values() for c in cells), default=0) or 1
    step = plot_w / max(1, len(periods) - 1)
    body = [
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"/>',
        f'<text class="label" x="{left - 6}" y="{top + 4}" text-anchor="end">{largest}</text>',
        f'<text class="label" x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
    ]
    if periods:
        body.append(f'<text class="label" x="{left}" y="{height - 8}">{escape(periods[0])}</text>')
        body.append(
            f'<text class="label" x="{left + plot_w}" y="{height - 8}" text-anchor="end">{escape(periods[-1])}</text>'
        )
    for index, (name, (label, cells)) in enumerate(series.items()):
        css = SERIES_CLASSES[index % len(SERIES_CLASSES)]
        segment: list[str] = []
        for i, cell in enumerate([*cells, Shown(None)]):
            if cell.value is None:
                if len(segment) > 1:
                    body.append(f'<polyline class="line {css}" points="{" ".join(segment)}"/>')
                segment = []
                continue
            x, y = left + i * step, top + plot_h - plot_h * cell.value / largest
            segment.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle class="dot {css}" cx="{x:.1f}" cy="{y:.1f}" r="3"/>')
        body.append(
            f'<rect class="key {css}" x="{left + index * 150}" y="6" width="12" height="12"/>'
            f'<text class="label" x="{left + index * 150 + 16}" y="16">{escape(label)}</text>'
        )
        del name
    return _svg(width, height, title, body, chart_id)
