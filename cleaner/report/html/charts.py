"""The report's charts as inline SVG: no script, no network, readable in any browser (and a table
beside each carries the same numbers for those who cannot see it)."""

from __future__ import annotations

from collections.abc import Sequence

from cleaner.report.html.layout import esc

#: Bins of the kept-share histogram: ten of 10% each, the last one closed (100% kept counts in it).
SHARE_BINS = 10


def share_bin(kept: int, seen: int) -> int:
    """The histogram bin of one document's kept share (characters kept of characters judged)."""
    return min(SHARE_BINS - 1, int(SHARE_BINS * kept / seen)) if seen else 0


def bar_chart(items: Sequence[tuple[object, int | float]], title: str, width: int = 720) -> str:
    """A horizontal bar chart: one labelled bar per item."""
    if not items:
        return "<p>No data.</p>"
    bar_h, gap, label_w = 18, 6, min(260, width // 3)
    top = max(v for _, v in items) or 1
    rows = []
    for n, (label, value) in enumerate(items):
        y = n * (bar_h + gap)
        w = max(1, int((width - label_w - 70) * value / top))
        rows.append(
            f'<text x="{label_w - 8}" y="{y + 13}" text-anchor="end">{esc(str(label)[:40])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" rx="2"/>'
            f'<text x="{label_w + w + 6}" y="{y + 13}">{_number(value)}</text>'
        )
    return _svg(title, width, len(items) * (bar_h + gap), "".join(rows))


def column_chart(
    values: Sequence[int | float],
    labels: Sequence[str],
    title: str,
    percent: bool = False,
    width: int = 330,
    plot_h: int = 120,
) -> str:
    """A vertical column chart (a histogram, or one value per run over time), labels under the ends."""
    if not values:
        return "<p>No data.</p>"
    base = plot_h + 16
    top = 1 if percent else max(values) or 1  # a share's scale is 0-100%, whatever the values
    step = min(width / len(values), 40)  # a few runs make narrow columns, not a wall
    cols = []
    for n, value in enumerate(values):
        if not value:
            continue  # an empty column draws nothing (its number is in the table)
        h = max(1.0, plot_h * value / top)
        cols.append(
            f'<rect x="{n * step + 1:.1f}" y="{base - h:.1f}" width="{max(1.0, step - 2):.1f}" height="{h:.1f}">'
            f"<title>{esc(labels[n])}: {_number(value, percent)}</title></rect>"
        )
    ends = f'<text x="0" y="{base + 14}">{esc(labels[0])}</text>'
    if len(labels) > 1:
        ends += f'<text x="{width}" y="{base + 14}" text-anchor="end">{esc(labels[-1])}</text>'
    ends += f'<text x="0" y="10">max {_number(top, percent)}</text>'
    return _svg(title, width, base + 20, "".join(cols) + ends)


def share_histogram(bins: Sequence[int]) -> str:
    """How many kept documents kept how much of their text, in tenths."""
    labels = [f"{10 * n}–{10 * n + 10}%" for n in range(len(bins))]
    return column_chart(list(bins), labels, "Kept documents by the share of their text kept")


def _number(value: int | float, percent: bool = False) -> str:
    """A chart label's number: a percentage, or thousands separated (seconds to one decimal)."""
    if percent:
        return f"{value:.0%}"
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def _svg(title: str, width: int, height: int, body: str) -> str:
    """The chart's frame: an accessible, sized inline SVG."""
    return (
        f'<svg class="chart" role="img" aria-label="{esc(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{esc(title)}</title>{body}</svg>'
    )
