"""The learned decision: gradient-boosted trees score every block of a page (inference only).

A model file is JSON data (no pickle: loading it runs no code): the feature names it was trained
on, the trees as flat node arrays, the threshold, and where its training data came from; and,
if it was trained with one, the context pass's trees under "context" (`context.py`). The
training script is `training/train_model.py`; the shipped files are `cleaner/models/*.json`.
"""

from __future__ import annotations

import contextvars
import functools
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaner.core.decide import context as context_pass
from cleaner.core.decide.linefeatures import TEXT_FEATURES
from cleaner.core.html.features import FEATURES
from cleaner.document import BlockScore

if TYPE_CHECKING:  # numpy is imported where a model is loaded or run: the default path needs none
    import numpy as np

#: Per kind of input, the features its models read and the one that says the base extractor
#: (trafilatura for HTML, the heuristics for text) kept the block.
KINDS = {"html": (FEATURES, "traf"), "text": (TEXT_FEATURES, "heuristic")}

MODEL_FORMAT = "cleaner-gbdt/1"

#: How many of a block's strongest features `cleaner explain` shows.
EXPLAIN_TOP = 3

#: Set while `cleaner explain` cleans a document: only then are the strongest features worked out
#: (they cost a tenth of a page's time, and the state does not keep them).
EXPLAINING: contextvars.ContextVar[bool] = contextvars.ContextVar("explaining", default=False)


class ModelError(ValueError):
    """A model file that cannot be used; the message says why."""


@dataclass(frozen=True)
class Trees:
    """A boosted-tree ensemble over named features, laid out for vectorised inference.

    The nodes are numbered so that an inner node's two children are neighbours (`child`, then
    `child + 1`) and a leaf is its own child, which it never leaves (its split is +inf): one step
    down every tree for every row is then four lookups and an add (measured: 3.2 -> 1.9 ms a page).
    """

    features: tuple[str, ...]
    baseline: float
    roots: np.ndarray  # index of each tree's root node
    feature: np.ndarray  # per node: the feature tested (0 at a leaf, which tests nothing)
    split: np.ndarray  # per node: go to `child` when the feature is <= this, else to `child + 1`
    child: np.ndarray  # per node: its left child (a leaf: itself)
    value: np.ndarray  # per node: the log-odds it adds (a leaf's is what the tree adds)
    depth: int

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """The probability that each row of x is content."""
        import numpy as np

        walk = self._walk(x)
        node = walk.roots
        for _ in range(self.depth):
            node = walk.down(node)
        return 1.0 / (1.0 + np.exp(-(self.baseline + self.value.take(node).sum(axis=0))))

    def strongest(self, x: np.ndarray, top: int) -> list[tuple[str, ...]]:
        """Per row, the features that moved its score most, as 'name=value +0.00' (log-odds).

        Each split on a row's path through a tree moves its value from the node's to the child's;
        the move is credited to the split's feature (Saabas' attribution for tree ensembles).
        """
        import numpy as np

        n, width = x.shape  # width == len(self.features)
        walk = self._walk(x)
        node = walk.roots
        cell = np.broadcast_to(np.arange(n)[None, :], node.shape) * width  # each row's cells in the flat credit
        credit = np.zeros(n * width)
        for _ in range(self.depth):
            child = walk.down(node)
            inner = child != node
            moved = (self.value[child] - self.value[node])[inner]
            credit += np.bincount((cell + self.feature[node])[inner], weights=moved, minlength=n * width)
            node = child
        credit = credit.reshape(n, width)
        order = np.argsort(-np.abs(credit), axis=1, kind="stable")[:, :top]
        return [
            tuple(f"{self.features[f]}={x[i, f]:.3g} {credit[i, f]:+.2f}" for f in order[i] if credit[i, f])
            for i in range(n)
        ]

    def _walk(self, x: np.ndarray) -> _Walk:
        """The walk of these trees over the rows of x."""
        import numpy as np

        n, width = x.shape
        flat = np.where(np.isnan(x), np.inf, x).ravel()  # missing: right at every split, as before
        return _Walk(self, flat, np.arange(n)[None, :] * width, np.repeat(self.roots[:, None], n, axis=1))


@dataclass(frozen=True)
class _Walk:
    """Rows on their way down an ensemble: the rows flattened, where each row starts in them, the roots."""

    trees: Trees
    flat: np.ndarray
    row_start: np.ndarray
    roots: np.ndarray  # tree x row: every tree's root

    def down(self, node: np.ndarray) -> np.ndarray:
        """One level down every tree for every row (a tree x row array of nodes); a leaf stays."""
        t = self.trees
        value = self.flat.take(self.row_start + t.feature.take(node))
        return t.child.take(node) + (value > t.split.take(node))


@dataclass(frozen=True)
class Model:
    """A block model: trees over one kind's features, then (if trained with one) the context pass's
    trees over those features and the first scores in context (`context_pass.CONTEXT_FEATURES`)."""

    name: str
    trees: Trees
    context: Trees | None
    gate: int  # index of the base extractor's verdict among the features
    threshold: float  # a block scoring at least this is kept ...
    threshold_traf: float  # ... or this, if the base extractor kept it (overruled only when sure)
    info: dict[str, Any]

    @property
    def features(self) -> tuple[str, ...]:
        """The features of a block the model reads (the context pass adds its own to them)."""
        return self.trees.features

    def score(self, rows: list[list[float]]) -> list[float]:
        """The probability that each block (a row of the kind's features) is content."""
        if not rows:
            return []
        return _rounded(self._last_stage(rows)[1])

    def _last_stage(self, rows: list[list[float]]) -> tuple[np.ndarray, np.ndarray]:
        """The rows the last stage reads and its probabilities (the first's if there is no context pass)."""
        import numpy as np

        x = np.asarray(rows, dtype=np.float64)
        first = self.trees.probabilities(x)
        if self.context is None:
            return x, first
        x = np.hstack([x, context_features(x, first, self.features)])
        return x, self.context.probabilities(x)

    def verdicts(self, rows: list[list[float]]) -> list[BlockScore]:
        """Per block: its score, whether it is kept, and (when explaining) what moved the score."""
        if not rows:
            return []
        x, probabilities = self._last_stage(rows)
        scores = _rounded(probabilities)
        why = (self.context or self.trees).strongest(x, EXPLAIN_TOP) if EXPLAINING.get() else [()] * len(rows)
        return [BlockScore(*v) for v in zip(scores, self.keeps(rows, scores), why, strict=True)]

    def strongest(self, rows: list[list[float]], top: int = EXPLAIN_TOP) -> list[tuple[str, ...]]:
        """Per block, the features that moved its final score most (the context pass's, if any)."""
        if not rows:
            return []
        x, _ = self._last_stage(rows)
        return (self.context or self.trees).strongest(x, top)

    def keeps(self, rows: list[list[float]], scores: list[float]) -> list[bool]:
        """Per block: does the model keep it, given its score and the base extractor's verdict?

        On a page where it would keep nothing, the base extractor's verdict stands: such a page is
        unlike any it learned from (a recipe's list of ingredients, short lines and no prose), and
        an empty page is the one answer sure to be wrong.
        """
        gate = self.gate
        kept = [
            s >= (self.threshold_traf if row[gate] > 0 else self.threshold) for row, s in zip(rows, scores, strict=True)
        ]
        return kept if any(kept) else [row[gate] > 0 for row in rows]


def context_features(x: np.ndarray, first: np.ndarray, features: tuple[str, ...]) -> np.ndarray:
    """The context pass's columns for one page's rows (of `features`) and their first scores;
    the training script calls this too, so that it learns on what inference computes."""
    import numpy as np

    lengths = np.expm1(x[:, features.index("log_chars")])  # a unit's characters, from its own feature
    return np.asarray(context_pass.compute(first.tolist(), lengths.tolist()), dtype=np.float64)


def _rounded(probabilities: np.ndarray) -> list[float]:
    """Scores as the document keeps them: six decimals, the same on every machine's last bits."""
    return [round(float(p), 6) for p in probabilities]


def from_json(data: dict[str, Any], name: str, kind: str = "html") -> Model:
    """A Model from its JSON form, checked against the features this version computes for the kind."""
    if data.get("format") != MODEL_FORMAT:
        raise ModelError(f"model {name}: format {data.get('format')!r}, expected {MODEL_FORMAT!r}")
    features, gate = KINDS[kind]
    if tuple(data.get("features", ())) != features:
        raise ModelError(f"model {name}: trained on other features than this version computes for {kind}; retrain it")
    stage = data.get("context")
    if stage is not None and tuple(stage.get("features", ())) != context_pass.CONTEXT_FEATURES:
        raise ModelError(f"model {name}: its context pass reads other features than this version computes; retrain it")
    return Model(
        name=name,
        trees=_trees(data, features),
        context=_trees(stage, features + context_pass.CONTEXT_FEATURES) if stage is not None else None,
        gate=features.index(gate),
        threshold=float(data["threshold"]),
        threshold_traf=float(data.get("threshold_traf", data["threshold"])),
        info=dict(data.get("training", {})),
    )


def _trees(data: dict[str, Any], features: tuple[str, ...]) -> Trees:
    """One stage's trees from their JSON form (baseline, depth, roots and flat node arrays),
    renumbered so that siblings are neighbours (see Trees)."""
    import numpy as np

    nodes = data["nodes"]
    feature, split, left, right = nodes["feature"], nodes["split"], nodes["left"], nodes["right"]
    order: list[int] = []  # old node numbers, in the new order
    roots = []
    for root in data["roots"]:
        roots.append(len(order))
        order.append(root)
        at = len(order) - 1
        while at < len(order):  # breadth first: a node's children are numbered together
            node = order[at]
            if feature[node] >= 0:
                order += [left[node], right[node]]
            at += 1
    new = {old: i for i, old in enumerate(order)}
    child = [new[left[old]] if feature[old] >= 0 else i for i, old in enumerate(order)]
    return Trees(
        features=features,
        baseline=float(data["baseline"]),
        roots=np.asarray(roots, dtype=np.intp),
        feature=np.asarray([max(feature[old], 0) for old in order], dtype=np.intp),
        split=np.asarray([split[old] if feature[old] >= 0 else np.inf for old in order], dtype=np.float64),
        child=np.asarray(child, dtype=np.intp),
        value=np.asarray([nodes["value"][old] for old in order], dtype=np.float64),
        depth=int(data["depth"]),
    )


@functools.cache
def from_file(path: Path, kind: str = "html") -> Model:
    """A model from a JSON file (--model), loaded once per process."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"model {path}: cannot read it as JSON: {exc}") from None
    return from_json(data, str(path), kind)


def for_settings(kind: str, scope: str, comments: str, path: Path | None) -> Model:
    """The model a run uses: the file given, else the shipped one for the input kind and scope."""
    if path is not None:
        return from_file(path, kind)
    name = f"{scope}-comments" if comments == "keep" and scope == "article" else scope
    return shipped(name if kind == "html" else f"text-{name}")


@functools.cache
def shipped(name: str) -> Model:
    """A model shipped in the package (cleaner/models/NAME.json), loaded once per process."""
    path = resources.files("cleaner") / "models" / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"no shipped model named {name!r}") from exc
    return from_json(data, name, "text" if name.startswith("text-") else "html")
