"""The engine stage: is a candidate the same mathematical object as the reference?

The equivalence cascade (:mod:`checker.engine.cascade`: shapes, structure, a bounded symbolic
attempt, exact randomized instantiation) with its sampling (``instantiate``, ``collect``,
``points``), exact arithmetic (``exact``, ``quadratic``, ``evaluate``) and pointwise solving
(``pointwise``).  Other stages use what this module names.
"""

from checker.engine.cascade import (
    CASCADE,
    Comparison,
    PointMemo,
    compare,
    plain_name,
    point_text,
    shape_text,
    short_text,
    solve_for,
    substitute_definitions,
    values_equal,
)

__all__ = [
    "CASCADE",
    "Comparison",
    "PointMemo",
    "compare",
    "plain_name",
    "point_text",
    "shape_text",
    "short_text",
    "solve_for",
    "substitute_definitions",
    "values_equal",
]
