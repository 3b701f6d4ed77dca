"""Charts drawn on the server as SVG: readable without JavaScript, printable, accessible
(each chart has a title and a table of its figures next to it)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

#: one colour per sync state (the monitor's colours)
STATE_COLOURS = {
    "success": "#1d7a3a",
    "pending": "#4b4fb3",
    "not": "#9aa3b2",
    "desynchronized": "#c28a00",
    "error": "#b3261e",
}


def stacked_bars(
    title: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, int]]]],
    colours: dict[str, str],
    width: int = 640,
) -> Markup:
    """Horizontal stacked bars: one bar per row label, one segment per (series, value)."""
    label_w, bar_h, gap, top = 200, 22, 8, 28
    biggest = max((sum(v for _, v in parts) for _, parts in rows), default=0) or 1
    plot_w = width - label_w - 60
    height = top + len(rows) * (bar_h + gap) + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-weight="600">{escape(title)}</text>',
    ]
    for index, (label, parts) in enumerate(rows):
        y = top + index * (bar_h + gap)
        out.append(f'<text x="0" y="{y + 15}">{escape(label)}</text>')
        x = float(label_w)
        total = 0
        for series, value in parts:
            if value <= 0:
                continue
            w = value / biggest * plot_w
            colour = colours.get(series, "#777")
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                f"<title>{escape(label)}: {escape(series)} {value}</title></rect>"
            )
            x += w
            total += value
        out.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{total}</text>')
    legend_y = height - 10
    x = float(label_w)
    for series, colour in colours.items():
        out.append(f'<rect x="{x}" y="{legend_y - 10}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 14}" y="{legend_y}">{escape(series)}</text>')
        x += 14 + 8 * len(series) + 18
    out.append("</svg>")
    return Markup("".join(out))


def column_chart(
    title: str, points: Sequence[tuple[str, int]], colour: str = "#b3261e", width: int = 640
) -> Markup:
    """Vertical bars over time (one per label, e.g. a day)."""
    height, top, bottom, left = 220, 28, 40, 40
    plot_h = height - top - bottom
    biggest = max((v for _, v in points), default=0) or 1
    step = (width - left - 10) / max(1, len(points))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-weight="600">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#999"/>',
        f'<text x="0" y="{top + 10}">{biggest}</text>',
    ]
    for index, (label, value) in enumerate(points):
        h = value / biggest * plot_h
        x = left + index * step
        out.append(
            f'<rect x="{x + 2:.1f}" y="{top + plot_h - h:.1f}" width="{max(1.0, step - 4):.1f}" '
            f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}: {value}</title></rect>'
        )
        if len(points) <= 15 or index % max(1, len(points) // 10) == 0:
            out.append(
                f'<text x="{x + 2:.1f}" y="{height - bottom + 16}" font-size="10">'
                f"{escape(label[5:])}</text>"
            )
    out.append("</svg>")
    return Markup("".join(out))


#: one colour per series of a stacked column chart, in order (colour-blind friendly)
SERIES_COLOURS = (
    "#0b5cad", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
    "#6b4c9a", "#999933", "#882255", "#44aa99", "#332288", "#aa4499",
)  # fmt: skip


def stacked_columns(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    width: int = 640,
) -> Markup:
    """Vertical stacked bars over time: one column per label (a day), one segment per
    series (a document type), with a legend."""
    height, top, bottom, left = 260, 28, 80, 40
    plot_h = height - top - bottom
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    biggest = max(totals, default=0) or 1
    step = (width - left - 10) / max(1, len(labels))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="16" font-weight="600">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#999"/>',
        f'<text x="0" y="{top + 10}">{biggest}</text>',
    ]
    for index, label in enumerate(labels):
        x = left + index * step
        y = float(top + plot_h)
        for number, (name, values) in enumerate(series):
            value = values[index]
            if value <= 0:
                continue
            h = value / biggest * plot_h
            y -= h
            colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
            out.append(
                f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{max(1.0, step - 4):.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}: {escape(name)} '
                f"{value}</title></rect>"
            )
        if len(labels) <= 15 or index % max(1, len(labels) // 10) == 0:
            out.append(
                f'<text x="{x + 2:.1f}" y="{top + plot_h + 16}" font-size="10">'
                f"{escape(label[5:])}</text>"
            )
    x, y = float(left), float(height - bottom + 40)
    for number, (name, _values) in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        text = name.replace("_", " ")
        if x + 30 + 7 * len(text) > width:
            x, y = float(left), y + 18
        out.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 14:.1f}" y="{y:.1f}">{escape(text)}</text>')
        x += 30 + 7 * len(text)
    out.append("</svg>")
    return Markup("".join(out))
