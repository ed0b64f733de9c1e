"""The context pass: each unit's first score read beside its neighbours' and the page's main run.

The block model scores each block (or dump line) from its own features and its nearest neighbours';
a second set of trees (the model file's `context` stage) then reads those scores in context: the
mean score of the units around it, whether it lies inside the page's main run (the article is
mostly one contiguous stretch of content), how far from that run, and how much of the page's
content lies before and after it. Measured on the leave-one-out figures (README, "Main content").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

#: Half-widths of the windows whose length-weighted mean log-odds a unit reads: its sentence
#: neighbours, its paragraph-sized stretch, and a screenful.
WINDOWS = (1, 3, 10)
#: A unit's score counts towards the main run by how far it lies above this: the run is the
#: stretch of the page with the most characters of content-scored text (the maximum-sum span).
RUN_BIAS = 0.5
#: Units further from the main run than this are all alike far.
RUN_DISTANCE_MAX = 50
#: The next-best scores read: a unit's own and those this many units either side.
NEAR = 2
#: Scores are clipped this close to 0 and 1 before their log-odds are taken.
EPSILON = 1e-4

CONTEXT_FEATURES = (
    "first_logit",
    *(f"window{k}_logit" for k in WINDOWS),
    "in_run",
    "run_distance",
    "mass_before",
    "mass_after",
    "run_share",
    "score_rank",
    "near_max",
    "page_mean",
)


def compute(scores: Sequence[float], lengths: Sequence[float]) -> list[list[float]]:
    """Per unit, in the order of CONTEXT_FEATURES: its first score in the page's context."""
    n = len(scores)
    if not n:
        return []
    logit = [_logit(s) for s in scores]
    weight = [math.log1p(length) for length in lengths]
    windows = [_window_means(logit, weight, k) for k in WINDOWS]
    start, end = main_run(scores, lengths, RUN_BIAS)
    mass = [length * s for length, s in zip(lengths, scores, strict=True)]
    total = sum(mass) or 1e-9
    run_share = sum(lengths[start : end + 1]) / (sum(lengths) or 1e-9)
    rank = _ranks(scores)
    mean = sum(scores) / n
    rows, before = [], 0.0
    for i in range(n):
        inside = start <= i <= end
        distance = 0 if inside else min(abs(i - start), abs(i - end), RUN_DISTANCE_MAX)
        rows.append(
            [
                logit[i],
                *(w[i] for w in windows),
                float(inside),
                float(distance),
                before / total,
                (total - before - mass[i]) / total,
                run_share,
                rank[i] / n,
                max(scores[max(0, i - NEAR) : i + NEAR + 1]),
                mean,
            ]
        )
        before += mass[i]
    return rows


def main_run(scores: Sequence[float], lengths: Sequence[float], bias: float) -> tuple[int, int]:
    """The first and last index of the span with the largest sum of length × (score − bias).

    Kadane's maximum-sum subarray; (0, -1), no span, when no unit scores above the bias.
    """
    best, current, start, found = 0.0, 0.0, 0, (0, -1)
    for i, (s, length) in enumerate(zip(scores, lengths, strict=True)):
        gain = length * (s - bias)
        if current <= 0:
            current, start = gain, i
        else:
            current += gain
        if current > best:
            best, found = current, (start, i)
    return found


def _logit(score: float) -> float:
    """The log-odds of a probability, clipped away from 0 and 1."""
    p = min(max(score, EPSILON), 1 - EPSILON)
    return math.log(p / (1 - p))


def _window_means(values: list[float], weights: list[float], k: int) -> list[float]:
    """Each value's weighted mean over the units at most k away (running sums: linear time)."""
    n = len(values)
    sums, totals = [0.0], [0.0]
    for v, w in zip(values, weights, strict=True):
        sums.append(sums[-1] + v * w)
        totals.append(totals[-1] + w)
    means = []
    for i in range(n):
        lo, hi = max(0, i - k), min(n, i + k + 1)
        means.append((sums[hi] - sums[lo]) / (totals[hi] - totals[lo] + 1e-9))
    return means


def _ranks(scores: Sequence[float]) -> list[int]:
    """Each score's rank on its page, 0 for the highest (ties in page order)."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    rank = [0] * len(scores)
    for r, i in enumerate(order):
        rank[i] = r
    return rank
