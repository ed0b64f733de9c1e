"""context: the first scores read in the page's context (windows, the main run, content mass)."""

from __future__ import annotations

import math

import pytest

from cleaner.core.decide.context import CONTEXT_FEATURES, compute, main_run

COLUMN = {name: i for i, name in enumerate(CONTEXT_FEATURES)}


def column(rows: list[list[float]], name: str) -> list[float]:
    return [row[COLUMN[name]] for row in rows]


def test_the_main_run_is_the_longest_stretch_of_content_scored_text():
    # a menu line scored high, a gap of chrome, then the article's three lines (one weak caption)
    scores = [0.9, 0.1, 0.1, 0.8, 0.4, 0.9]
    lengths = [20, 30, 30, 400, 50, 300]
    assert main_run(scores, lengths, 0.5) == (3, 5)


def test_no_unit_above_the_bias_means_no_run():
    assert main_run([0.1, 0.2], [100, 100], 0.5) == (0, -1)
    rows = compute([0.1, 0.2], [100, 100])
    assert column(rows, "in_run") == [0.0, 0.0]
    assert column(rows, "run_share") == [0.0, 0.0]


def test_units_outside_the_run_know_how_far_it_is_and_what_content_lies_beyond():
    scores = [0.1, 0.1, 0.9, 0.9, 0.1]
    rows = compute(scores, [10, 10, 100, 100, 10])
    assert column(rows, "in_run") == [0.0, 0.0, 1.0, 1.0, 0.0]
    assert column(rows, "run_distance") == [2.0, 1.0, 0.0, 0.0, 1.0]
    before, after = column(rows, "mass_before"), column(rows, "mass_after")
    assert before[0] == 0.0 and after[-1] == 0.0
    assert before[1] < 0.01 and after[1] > 0.98  # nearly all the content lies after the masthead
    assert column(rows, "run_share") == [pytest.approx(200 / 230)] * 5


def test_window_means_weigh_long_neighbours_more():
    scores = [0.9, 0.1, 0.9]
    short, long = compute(scores, [1, 1, 1]), compute(scores, [1000, 1, 1000])
    assert column(short, "window1_logit")[1] < column(long, "window1_logit")[1]
    assert column(long, "first_logit")[1] == pytest.approx(math.log(0.1 / 0.9))


def test_ranks_nearest_maxima_and_the_page_mean():
    rows = compute([0.2, 0.7, 0.5, 0.1], [10, 10, 10, 10])
    assert column(rows, "score_rank") == [0.5, 0.0, 0.25, 0.75]
    assert column(rows, "near_max") == [0.7, 0.7, 0.7, 0.7]
    assert column(rows, "page_mean") == [pytest.approx(0.375)] * 4
    assert compute([], []) == []


def test_certain_scores_give_finite_log_odds():
    rows = compute([0.0, 1.0], [10, 10])
    assert all(math.isfinite(v) for row in rows for v in row)
    assert len(rows[0]) == len(CONTEXT_FEATURES)
