"""The engine stage: is a candidate the same mathematical object as the reference?

The equivalence cascade (:mod:`checker.engine.cascade`: shapes, structure, a bounded symbolic
attempt, exact randomized instantiation) with its sampling (``instantiate``, ``collect``,
``points``), exact arithmetic (``exact``, ``quadratic``, ``evaluate``) and pointwise solving
(``pointwise``).  The one sampling and refutation path (:mod:`checker.engine.search`) is shared
with the step checker.  Other stages use what this module names.
"""

from checker.engine.cascade import (
    CASCADE,
    Comparison,
    PointMemo,
    compare,
    plain_name,
    point_text,
    shape_text,
    substitute_definitions,
)
from checker.engine.collect import Variables
from checker.engine.exact import Singular, Unsupported, Value, ZeroTest
from checker.engine.points import Point, sampled
from checker.engine.pointwise import NotAffine
from checker.engine.search import (
    cycled,
    disagreement,
    first_defined,
    names_in,
    simplest,
    sizes_for,
    solve_unknown,
    value_text,
    values_equal,
    variables_in,
)
from checker.engine.symbolic import solve_for

__all__ = [
    "CASCADE",
    "Comparison",
    "NotAffine",
    "Point",
    "PointMemo",
    "Singular",
    "Unsupported",
    "Value",
    "Variables",
    "ZeroTest",
    "compare",
    "cycled",
    "disagreement",
    "first_defined",
    "names_in",
    "plain_name",
    "point_text",
    "sampled",
    "shape_text",
    "simplest",
    "sizes_for",
    "solve_for",
    "solve_unknown",
    "substitute_definitions",
    "value_text",
    "values_equal",
    "variables_in",
]
