"""Built-in heuristics: small passes in an ordered registry (apply.PASSES), one applier (after jusText).

The context-free reading gives every block a class from its own features (quality.py); the passes
weigh it against the page: the short text with no good block, the article body's indentation, the
neighbours (jusText's context pass, settle.py), and the page's structure for extracted HTML
(structure.py). Every removal carries a named heuristic as its reason.
"""

from cleaner.core.decide.heuristics.apply import PASSES, apply_marks, classify

__all__ = ["PASSES", "apply_marks", "classify"]
