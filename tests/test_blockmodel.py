"""blockmodel: JSON trees load without running code, score like the trainer, and refuse a mismatch."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from cleaner.core.decide.context import CONTEXT_FEATURES
from cleaner.core.decide.model import EXPLAINING, MODEL_FORMAT, ModelError, from_json, shipped
from cleaner.core.html.features import FEATURES

ROOT = Path(__file__).resolve().parents[1]
TRAF = FEATURES.index("traf")
LOG_CHARS = FEATURES.index("log_chars")


def stump_model(threshold: float = 0.5, threshold_traf: float = 0.5) -> dict:
    """Two stumps: +2 log-odds if trafilatura kept the block, +1 if it has more than e^3 chars."""
    return {
        "format": MODEL_FORMAT,
        "features": list(FEATURES),
        "baseline": -1.5,
        "threshold": threshold,
        "threshold_traf": threshold_traf,
        "depth": 1,
        "roots": [0, 3],
        "nodes": {
            "feature": [TRAF, -1, -1, LOG_CHARS, -1, -1],
            "split": [0.5, 0, 0, 3.0, 0, 0],
            "left": [1, 0, 0, 4, 0, 0],
            "right": [2, 0, 0, 5, 0, 0],
            "value": [0, 0.0, 2.0, 0, 0.0, 1.0],
        },
    }


def row(traf: float, log_chars: float) -> list[float]:
    values = [0.0] * len(FEATURES)
    values[TRAF], values[LOG_CHARS] = traf, log_chars
    return values


def sigmoid(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def test_trees_are_walked_for_every_block_at_once():
    model = from_json(stump_model(), "stumps")
    scores = model.score([row(0, 1), row(1, 1), row(0, 5), row(1, 5)])
    assert scores == pytest.approx([sigmoid(-1.5), sigmoid(0.5), sigmoid(-0.5), sigmoid(1.5)], abs=1e-6)
    assert model.score([]) == []


def test_trees_of_uneven_depth_numbered_in_any_order_score_as_walked_by_hand():
    """A tree whose nodes are not numbered sibling by sibling, with a leaf at depth 1 and two at
    depth 2; a missing value goes right at a split, as scikit-learn's trees send it here."""
    model = from_json(
        {
            **stump_model(),
            "depth": 2,
            "roots": [0],
            "nodes": {
                "feature": [TRAF, -1, -1, LOG_CHARS, -1],
                "split": [0.5, 0, 0, 3.0, 0],
                "left": [3, 0, 0, 4, 0],  # root: left is node 3 (a split), right node 1 (a leaf)
                "right": [1, 0, 0, 2, 0],
                "value": [0, 4.0, 1.0, 0, -1.0],
            },
        },
        "uneven",
    )
    rows = [row(1, 1), row(0, 1), row(0, 5), row(0, float("nan"))]
    expected = [sigmoid(-1.5 + 4), sigmoid(-1.5 - 1), sigmoid(-1.5 + 1), sigmoid(-1.5 + 1)]
    assert model.score(rows) == pytest.approx(expected, abs=1e-6)
    assert model.strongest([row(0, 5)]) == [("log_chars=5 +1.00",)]


def test_trafilatura_kept_blocks_are_dropped_only_below_their_own_threshold():
    model = from_json(stump_model(threshold=0.8, threshold_traf=0.2), "stumps")
    rows = [row(0, 5), row(1, 1)]  # scores 0.38 and 0.62
    assert model.keeps(rows, model.score(rows)) == [False, True]


def test_on_a_page_the_model_would_leave_empty_the_base_extractors_verdict_stands():
    model = from_json(stump_model(threshold=0.9, threshold_traf=0.9), "stumps")
    rows = [row(1, 1), row(0, 5), row(1, 5)]  # scores 0.62, 0.38, 0.82: none reaches 0.9
    assert model.keeps(rows, model.score(rows)) == [True, False, True]  # trafilatura's verdict
    some = [row(1, 1), row(0, 5), row(1, 5), row(1, 9)]
    assert model.keeps(some, [0.62, 0.38, 0.82, 0.95]) == [False, False, False, True]


def test_each_block_credits_its_score_to_the_features_that_moved_it():
    model = from_json(stump_model(), "stumps")
    assert model.strongest([row(1, 5), row(0, 1)]) == [("traf=1 +2.00", "log_chars=5 +1.00"), ()]


def test_strongest_features_are_worked_out_only_while_explaining():
    model = from_json(stump_model(), "stumps")
    assert model.verdicts([row(1, 5)])[0].strongest == ()
    token = EXPLAINING.set(True)
    try:
        assert model.verdicts([row(1, 5)])[0].strongest == ("traf=1 +2.00", "log_chars=5 +1.00")
    finally:
        EXPLAINING.reset(token)


def with_context_stage(model: dict) -> dict:
    """The stumps, then a context pass of one stump: +3 log-odds for a block inside the main run."""
    in_run = len(FEATURES) + CONTEXT_FEATURES.index("in_run")
    stage = {
        "features": list(CONTEXT_FEATURES),
        "baseline": -1.5,
        "depth": 1,
        "roots": [0],
        "nodes": {"feature": [in_run, -1, -1], "split": [0.5, 0, 0], "left": [1, 0, 0], "right": [2, 0, 0]},
    }
    stage["nodes"]["value"] = [0, 0.0, 3.0]
    return {**model, "context": stage}


def test_the_context_pass_rescores_blocks_by_the_main_run_of_the_first_scores():
    model = from_json(with_context_stage(stump_model()), "staged")
    # first scores 0.82, 0.18, 0.82, 0.18, 0.62: the run spans the two long blocks and the short gap
    # between them; the short last block (0.62, e^1 chars) is outside it, after a gap
    rows = [row(1, 5), row(0, 1), row(1, 5), row(0, 1), row(1, 1)]
    assert model.score(rows) == pytest.approx([sigmoid(1.5)] * 3 + [sigmoid(-1.5)] * 2, abs=1e-6)
    assert model.strongest(rows)[1] == ("in_run=1 +3.00",)
    lone = [row(0, 1), row(0, 1)]  # first scores 0.18: no run, every block at the context baseline
    assert model.score(lone) == pytest.approx([sigmoid(-1.5)] * 2, abs=1e-6)


def test_a_model_of_another_format_or_other_features_is_refused():
    with pytest.raises(ModelError, match="format"):
        from_json({**stump_model(), "format": "pickle"}, "bad")
    with pytest.raises(ModelError, match="retrain"):
        from_json({**stump_model(), "features": ["log_chars"]}, "old")
    with pytest.raises(ModelError, match="context pass"):
        staged = with_context_stage(stump_model())
        from_json({**staged, "context": {**staged["context"], "features": ["in_run"]}}, "old context")
    with pytest.raises(ModelError, match="no shipped model"):
        shipped("no-such-scope")


@pytest.mark.parametrize("name", ["article", "page", "article-comments"])
def test_shipped_models_load_and_are_small(name):
    model = shipped(name)
    assert 0 < model.threshold < 1
    assert (ROOT / "cleaner" / "models" / f"{name}.json").stat().st_size < 3_000_000
    assert model.info["data"], "a shipped model records its training data"


@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="scikit-learn is not installed")
def test_exported_trees_score_as_scikit_learn_does():
    from sklearn.ensemble import HistGradientBoostingClassifier

    sys.path.insert(0, str(ROOT / "training"))
    from train_model import Fitted, export

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURES)))
    y = (x[:, TRAF] + 0.5 * x[:, LOG_CHARS] + rng.normal(scale=0.3, size=400) > 0).astype(int)
    fitted = HistGradientBoostingClassifier(max_iter=20, max_depth=3, random_state=0).fit(x, y)
    model = from_json(json.loads(json.dumps(export(Fitted(fitted, None), 0.5, 0.5, {}))), "roundtrip")
    assert model.score(x.tolist()) == pytest.approx(fitted.predict_proba(x)[:, 1], abs=1e-5)
