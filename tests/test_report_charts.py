"""report_charts: inline SVG charts whose bars stand for the numbers they are given."""

from __future__ import annotations

import re

from cleaner.report.html.charts import SHARE_BINS, bar_chart, column_chart, share_bin, share_histogram


def heights(svg: str) -> list[float]:
    return [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]


def test_a_kept_share_falls_in_its_tenth_and_all_kept_in_the_last():
    assert [share_bin(k, 100) for k in (0, 9, 10, 55, 99, 100)] == [0, 0, 1, 5, 9, SHARE_BINS - 1]
    assert share_bin(0, 0) == 0


def test_columns_are_as_tall_as_their_values_and_empty_ones_draw_nothing():
    svg = column_chart([4, 0, 2], ["a", "b", "c"], "t")
    assert heights(svg) == [120.0, 60.0]
    assert "<title>a: 4</title>" in svg and "<title>c: 2</title>" in svg


def test_a_share_chart_is_scaled_to_the_whole():
    svg = column_chart([0.5, 0.25], ["r1", "r2"], "kept", percent=True)
    assert heights(svg) == [60.0, 30.0] and "max 100%" in svg


def test_the_histogram_has_one_column_per_tenth():
    svg = share_histogram([1] * SHARE_BINS)
    assert len(heights(svg)) == SHARE_BINS and "0–10%" in svg and "90–100%" in svg


def test_labels_are_escaped_and_no_data_says_so():
    svg = bar_chart([("<script>", 3)], "reasons")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert bar_chart([], "x") == column_chart([], [], "x") == "<p>No data.</p>"
