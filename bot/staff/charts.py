"""Charts for the back-office overview, drawn on the server as inline SVG.

No JavaScript and no external assets: the page works with scripts off and under a
strict Content-Security-Policy. Each chart is an image to assistive technology
(``role="img"``) named by its <title> and summarised, totals included, by its <desc>.
Categories differ by colour and by pattern, so they stay apart in grey print and for
colour-blind staff; every colour has at least 3:1 contrast against white. Every piece
of text is XML-escaped, and ids carry a prefix so that charts can share a page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date

from markupsafe import Markup, escape

from bot.staff.overview import Funnel, WeeklySeries

# at least 3:1 against white (WCAG 1.4.11), distinct in hue; the patterns add the rest
# (the first three read as routine, urgent, emergency in the triage chart)
PALETTE = (
    "#1f5fa8",  # blue
    "#c2410c",  # burnt orange
    "#9f1239",  # crimson
    "#047857",  # green
    "#7e22ce",  # purple
    "#a16207",  # ochre
    "#be185d",  # magenta
    "#0e7490",  # teal
    "#4b5563",  # slate
)
INK = "#1f2933"  # text and axes
GRID = "#d0d5dc"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")

# stacked bar chart layout (viewBox units)
BAR_WIDTH, LEGEND_X = 760, 560
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 64, 540, 48, 300
LEGEND_ROW = 24
MAX_WEEK_LABELS = 10

# funnel chart layout
FUNNEL_WIDTH, FUNNEL_LABEL_X, FUNNEL_BAR_X, FUNNEL_BAR_MAX = 760, 170, 180, 420
FUNNEL_TOP, FUNNEL_ROW, FUNNEL_BAR_HEIGHT = 48, 52, 32


def _num(value: float) -> str:
    """A coordinate, short and locale-free."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _check_prefix(prefix: str) -> str:
    if not _PREFIX.match(prefix):
        raise ValueError(
            f"chart id prefix must be a letter then letters, digits, - or _: {prefix!r}"
        )
    return prefix


def _pattern(pid: str, index: int) -> str:
    """Fill ``index``: a colour, with white marks of a kind that changes with the index
    (solid, stripes, dots, cross-hatch, ...) so that colour is not the only cue."""
    colour = PALETTE[index % len(PALETTE)]
    marks = {
        0: "",
        1: '<path d="M0 8 L8 0" stroke="#fff" stroke-width="1.6"/>',
        2: '<circle cx="4" cy="4" r="1.5" fill="#fff"/>',
        3: '<path d="M0 8 L8 0 M0 0 L8 8" stroke="#fff" stroke-width="1.2"/>',
        4: '<path d="M0 4 H8" stroke="#fff" stroke-width="1.6"/>',
        5: '<path d="M4 0 V8" stroke="#fff" stroke-width="1.6"/>',
    }[index % 6]
    return (
        f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{colour}"/>{marks}</pattern>'
    )


def _nice_max(value: int) -> tuple[int, int]:
    """An axis top at or above ``value`` and a tick step of 1, 2 or 5 times a power of
    ten, giving at most five steps."""
    if value <= 0:
        return 1, 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            candidate = step * factor
            if math.ceil(value / candidate) <= 5:
                return math.ceil(value / candidate) * candidate, candidate
        step *= 10


def _week_label(week: date) -> str:
    return f"{week.day} {week:%b}"


def _label(category: str, labels: Mapping[str, str] | None) -> str:
    if labels and category in labels:
        return labels[category]
    return category.replace("_", " ")


def _svg(prefix: str, width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" class="chart" '
        f'font-family="{escape(FONT)}" font-size="13" fill="{INK}">'
        f'<title id="{prefix}-title">{escape(title)}</title>'
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def stacked_bar_chart(
    series: WeeklySeries,
    title: str,
    prefix: str = "weekly",
    labels: Mapping[str, str] | None = None,
) -> Markup:
    """Leads per week, one bar a week stacked by category, with a legend.

    ``labels`` maps a category to the name staff read (default: underscores to
    spaces); ``prefix`` starts every id in the chart.
    """
    prefix = _check_prefix(prefix)
    totals = series.week_totals()
    top, step = _nice_max(max(totals, default=0))
    plot_height = PLOT_BOTTOM - PLOT_TOP
    scale = plot_height / top
    names = {category: _label(category, labels) for category in series.categories}
    legend_bottom = PLOT_TOP + LEGEND_ROW * len(series.categories)
    height = max(PLOT_BOTTOM + 60, legend_bottom + 16)

    per_category = series.category_totals()
    if series.by == "condition":
        what = "condition (a lead naming two conditions counts in both)"
    else:
        what = "triage level"
    span = (
        f"from the week of {_week_label(series.weeks[0])} {series.weeks[0].year} "
        f"to the week of {_week_label(series.weeks[-1])} {series.weeks[-1].year}"
        if series.weeks
        else "(no weeks)"
    )
    parts = ", ".join(f"{names[c]} {per_category[c]}" for c in series.categories)
    desc = f"Leads per week {span}, by {what}. " + (
        f"Totals: {parts}." if series.total else "No leads in this period."
    )

    body = [f"<defs>{''.join(_pattern(f'{prefix}-fill-{i}', i) for i in range(len(names)))}</defs>"]
    # grid and y axis ticks
    for tick in range(0, top + 1, step):
        y = PLOT_BOTTOM - tick * scale
        body.append(
            f'<line x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{PLOT_LEFT - 8}" y="{_num(y + 4)}" text-anchor="end">{tick}</text>'
        )
    body.append(
        f'<line x1="{PLOT_LEFT}" x2="{PLOT_LEFT}" y1="{PLOT_TOP}" y2="{PLOT_BOTTOM}" '
        f'stroke="{INK}"/><line x1="{PLOT_LEFT}" x2="{PLOT_RIGHT}" y1="{PLOT_BOTTOM}" '
        f'y2="{PLOT_BOTTOM}" stroke="{INK}"/>'
        f'<text x="16" y="{_num((PLOT_TOP + PLOT_BOTTOM) / 2)}" text-anchor="middle" '
        f'transform="rotate(-90 16 {_num((PLOT_TOP + PLOT_BOTTOM) / 2)})">Leads</text>'
        f'<text x="{_num((PLOT_LEFT + PLOT_RIGHT) / 2)}" y="{PLOT_BOTTOM + 44}" '
        f'text-anchor="middle">Week starting (Monday)</text>'
    )
    if not series.total:
        body.append(
            f'<text x="{_num((PLOT_LEFT + PLOT_RIGHT) / 2)}" '
            f'y="{_num((PLOT_TOP + PLOT_BOTTOM) / 2)}" text-anchor="middle">'
            "No leads in this period</text>"
        )

    slot = (PLOT_RIGHT - PLOT_LEFT) / max(len(series.weeks), 1)
    bar = slot * 0.7
    every = math.ceil(len(series.weeks) / MAX_WEEK_LABELS) or 1
    for n, week in enumerate(series.weeks):
        x = PLOT_LEFT + n * slot + (slot - bar) / 2
        y = float(PLOT_BOTTOM)
        for i, category in enumerate(series.categories):
            count = series.counts[category][n]
            if not count:
                continue
            h = count * scale
            y -= h
            body.append(
                f'<rect class="segment" x="{_num(x)}" y="{_num(y)}" width="{_num(bar)}" '
                f'height="{_num(h)}" fill="url(#{prefix}-fill-{i})" stroke="#fff" '
                f'stroke-width="0.5" data-week="{week.isoformat()}" '
                f'data-category="{escape(category)}" data-count="{count}">'
                f"<title>Week of {_week_label(week)}: {escape(names[category])} {count}"
                "</title></rect>"
            )
        if totals[n]:
            body.append(
                f'<text x="{_num(x + bar / 2)}" y="{_num(y - 4)}" text-anchor="middle" '
                f'font-size="11">{totals[n]}</text>'
            )
        if n % every == 0:
            body.append(
                f'<text x="{_num(x + bar / 2)}" y="{PLOT_BOTTOM + 18}" text-anchor="middle" '
                f'font-size="11">{_week_label(week)}</text>'
            )

    for i, category in enumerate(series.categories):
        y = PLOT_TOP + i * LEGEND_ROW
        body.append(
            f'<g class="legend-item"><rect x="{LEGEND_X}" y="{y}" width="16" height="16" '
            f'fill="url(#{prefix}-fill-{i})" stroke="{INK}" stroke-width="0.5"/>'
            f'<text x="{LEGEND_X + 24}" y="{y + 13}">{escape(names[category])} '
            f"({per_category[category]})</text></g>"
        )
    return _svg(prefix, BAR_WIDTH, height, title, desc, body)


def _percent(share: float | None) -> str:
    if share is None:
        return ""
    return f"{share:.0f}%" if share >= 10 or share == 0 else f"{share:.1f}%"


def funnel_chart(funnel: Funnel, title: str, prefix: str = "funnel") -> Markup:
    """The funnel as horizontal bars, each with its count and its share of the
    conversations written next to it (no share when there were no conversations)."""
    prefix = _check_prefix(prefix)
    stages = funnel.stages()
    widest = max((count for _, count in stages), default=0)
    scale = FUNNEL_BAR_MAX / widest if widest else 0
    height = FUNNEL_TOP + FUNNEL_ROW * len(stages) + 8

    def figure(count: int) -> str:
        share = _percent(funnel.share(count))
        return f"{count} ({share} of conversations)" if share else str(count)

    desc = "; ".join(f"{label}: {figure(count)}" for label, count in stages) + "."
    body = []
    for n, (label, count) in enumerate(stages):
        y = FUNNEL_TOP + n * FUNNEL_ROW
        width = count * scale
        share = _percent(funnel.share(count))
        body.append(
            f'<g class="stage"><text x="{FUNNEL_LABEL_X}" y="{y + FUNNEL_BAR_HEIGHT / 2 + 5:g}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar" x="{FUNNEL_BAR_X}" y="{y}" width="{_num(width)}" '
            f'height="{FUNNEL_BAR_HEIGHT}" fill="{PALETTE[0]}" data-count="{count}"/>'
            f'<text x="{_num(FUNNEL_BAR_X + width + 8)}" '
            f'y="{y + FUNNEL_BAR_HEIGHT / 2 + 5:g}" font-weight="600">{count}'
            + (f' <tspan font-weight="400">({share})</tspan>' if share else "")
            + "</text></g>"
        )
    return _svg(prefix, FUNNEL_WIDTH, height, title, desc, body)
