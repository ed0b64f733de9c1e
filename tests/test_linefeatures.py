"""linefeatures: one vector per line of a text dump, with its shape, neighbours, repeats and the heuristics' verdict."""

from __future__ import annotations

from cleaner.core.decide.linefeatures import PROSE_DISTANCE_MAX, TEXT_FEATURES, compute
from cleaner.core.segment import segment

DUMP = """Home | News | Sport
  * Weather

The council met on Tuesday and agreed to build a new bridge over the river, which the mayor said would open in the spring of next year, after two years of works on both banks.
Photo: AFP
Home | News | Sport
"""
STOPWORDS = frozenset({"the", "on", "and", "to", "a", "over", "of", "which", "in", "would"})


def rows_of(text: str = DUMP, heuristic: list[float] | None = None):
    blocks = segment(text)
    return blocks, compute(blocks, heuristic or [0.0, 0.0, 1.0, 0.0, 0.0], STOPWORDS)


def value(rows, i: int, name: str) -> float:
    return rows[i][TEXT_FEATURES.index(name)]


def test_every_line_gets_one_value_per_feature():
    blocks, rows = rows_of()
    assert len(rows) == len(blocks) == 5
    assert {len(r) for r in rows} == {len(TEXT_FEATURES)}


def test_shape_of_a_line():
    _, rows = rows_of()
    menu, item, prose, credit, _ = range(5)
    assert value(rows, menu, "separator_share") > 0
    assert value(rows, item, "list_item") == 1.0 and value(rows, item, "log_indent") > 0
    assert value(rows, prose, "ends_sentence") == 1.0 and value(rows, prose, "stopword_density") > 0.3
    assert value(rows, prose, "heuristic") == 1.0 and value(rows, credit, "prev1_heuristic") == 1.0


def test_a_line_found_twice_repeats_and_prose_distance_counts_lines():
    _, rows = rows_of()
    assert value(rows, 0, "repeats") == 1.0 and value(rows, 2, "repeats") == 0.0
    assert [value(rows, i, "prose_distance") for i in range(5)] == [2.0, 1.0, 0.0, 1.0, 2.0]
    _, without_prose = rows_of("Home\nNews\n", [0.0, 0.0])
    assert value(without_prose, 0, "prose_distance") == PROSE_DISTANCE_MAX


def test_no_lines_no_rows():
    assert compute([], [], STOPWORDS) == []
