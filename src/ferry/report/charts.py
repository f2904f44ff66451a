"""Charts drawn as inline SVG: a report must open anywhere, offline, from one file.

Each function returns SVG markup whose shapes carry CSS classes (`state-completed`, `bar`,
...) styled by the report's stylesheet, and `<title>` elements as hover tooltips. Text is
escaped; labels are entity names, reasons and numbers, never row values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

LABEL_WIDTH = 190  # the label column; wider (up to twice) for long labels
CHARACTER_WIDTH = 7  # of a 12px sans-serif label, near enough to size the label column
BAR_HEIGHT = 18
ROW_GAP = 6
CHART_WIDTH = 760


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the reader should see it
    css: str = "bar"


def bar_chart(bars: Sequence[Bar], caption: str) -> Markup:
    """Horizontal bars, longest first as given, scaled to the largest value."""
    if not bars:
        return Markup("")
    largest = max(b.value for b in bars) or 1
    labels = _label_width(b.label for b in bars)
    span = CHART_WIDTH - labels - 90
    step = BAR_HEIGHT + ROW_GAP
    height = len(bars) * step + ROW_GAP
    parts = [_open_svg(CHART_WIDTH, height, caption)]
    for index, bar in enumerate(bars):
        y = ROW_GAP + index * step
        length = max(bar.value / largest * span, 1 if bar.value else 0)
        value = (
            f'<text class="value" x="{labels + length + 6:.1f}" y="{y + 13}">'
            f"{escape(bar.text)}</text>"
        )
        parts.append(_row(bar.label, bar.text, y, labels, bar.css, labels, length, value))
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Span:
    label: str
    start: float  # seconds after the run started
    seconds: float
    state: str
    text: str


def timeline(spans: Sequence[Span], total_seconds: float, caption: str) -> Markup:
    """One line per entity: when its work started and how long it took, on the run's clock."""
    if not spans:
        return Markup("")
    total = max(total_seconds, max(s.start + s.seconds for s in spans), 0.001)
    labels = _label_width(s.label for s in spans)
    span_width = CHART_WIDTH - labels - 20
    step = BAR_HEIGHT + ROW_GAP
    height = len(spans) * step + ROW_GAP + 24
    parts = [_open_svg(CHART_WIDTH, height, caption)]
    for tick in range(5):
        x = labels + span_width * tick / 4
        parts.append(
            f'<line class="grid" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 20}"/>'
            f'<text class="tick" x="{x:.1f}" y="{height - 6}" text-anchor="middle">'
            f"{total * tick / 4:.1f} s</text>"
        )
    for index, span in enumerate(spans):
        x = labels + span.start / total * span_width
        width = max(span.seconds / total * span_width, 2)
        y = ROW_GAP + index * step
        parts.append(_row(span.label, span.text, y, labels, f"state-{span.state}", x, width))
    parts.append("</svg>")
    return Markup("".join(parts))


def _row(
    label: str,
    text: str,
    y: float,
    labels: float,
    css: str,
    x: float,
    width: float,
    after: str = "",
) -> str:
    """One labelled bar (a tooltip, the label right-aligned before `labels`, the rectangle),
    then `after` (markup already escaped)."""
    return (
        f'<g class="row"><title>{escape(label)}: {escape(text)}</title>'
        f'<text class="label" x="{labels - 8}" y="{y + 13}" text-anchor="end">'
        f"{escape(label)}</text>"
        f'<rect class="{escape(css)}" x="{x:.1f}" y="{y}" width="{width:.1f}" '
        f'height="{BAR_HEIGHT}" rx="2"/>{after}</g>'
    )


NODE_WIDTH = 190
NODE_HEIGHT = 26
COLUMN_GAP = 56
NODE_GAP = 10


def dependency_graph(
    phases: Sequence[Sequence[str]],
    depends_on: Mapping[str, Sequence[str]],
    states: Mapping[str, str],
    caption: str,
) -> Markup:
    """The plan as layers, one column per phase; an edge from each dependency to its
    dependent; each entity coloured by its state."""
    where: dict[str, tuple[float, float]] = {}
    for column, phase in enumerate(phases):
        for row, name in enumerate(phase):
            where[name] = (
                10 + column * (NODE_WIDTH + COLUMN_GAP),
                30 + row * (NODE_HEIGHT + NODE_GAP),
            )
    tallest = max((len(p) for p in phases), default=0)
    width = 20 + len(phases) * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP
    height = 40 + tallest * (NODE_HEIGHT + NODE_GAP)
    parts = [_open_svg(width, height, caption)]
    for column in range(len(phases)):
        x = 10 + column * (NODE_WIDTH + COLUMN_GAP) + NODE_WIDTH / 2
        parts.append(
            f'<text class="tick" x="{x}" y="16" text-anchor="middle">phase {column + 1}</text>'
        )
    for name, (x, y) in where.items():
        for parent in depends_on.get(name, ()):
            if parent not in where or parent == name:
                continue
            px, py = where[parent]
            x1, y1 = px + NODE_WIDTH, py + NODE_HEIGHT / 2
            x2, y2 = x, y + NODE_HEIGHT / 2
            bend = (x2 - x1) / 2
            parts.append(
                f'<path class="edge" d="M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}">'
                f"<title>{escape(name)} depends on {escape(parent)}</title></path>"
            )
    for name, (x, y) in where.items():
        state = states.get(name, "pending")
        parts.append(
            f'<g class="node" data-entity="{escape(name)}" data-state="{escape(state)}">'
            f"<title>{escape(name)}: {escape(state)}</title>"
            f'<rect class="state-{escape(state)}" x="{x}" y="{y}" width="{NODE_WIDTH}" '
            f'height="{NODE_HEIGHT}" rx="5"/>'
            f'<text class="node-label" x="{x + NODE_WIDTH / 2}" y="{y + 17}" '
            f'text-anchor="middle">{escape(name)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _label_width(labels: Iterable[str]) -> int:
    """Room for the longest label (up to a limit), so that none is cut at the chart's edge."""
    longest = max((len(label) for label in labels), default=0)
    return min(max(LABEL_WIDTH, longest * CHARACTER_WIDTH + 16), 2 * LABEL_WIDTH)


def _open_svg(width: float, height: float, caption: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-label="{escape(caption)}">'
    )
