"""SymPy symbols of the bundled hw3 key, per question, for engine tests that do not parse LaTeX."""

from __future__ import annotations

import functools
from types import SimpleNamespace

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.key import Question, SymbolTable, load_key
from checker.symbols import sympy_symbol


@functools.cache
def question(qid: str) -> Question:
    return load_key(validate_latex=False).question(qid)


def table(qid: str) -> SymbolTable:
    return question(qid).symbols


def symbols(qid: str) -> SimpleNamespace:
    """``S.X``, ``S.w``, ``S.lam``... as the front end builds them for question ``qid``."""
    t = table(qid)
    out = {spec.name: sympy_symbol(spec, t) for spec in t if spec.shape != "identity"}
    out["lam"] = out.pop("lambda")
    out["eps"] = out.pop("epsilon")
    return SimpleNamespace(**out)


def el(expr: sympy.Basic) -> sympy.Basic:
    """A literal 1×1 result as a scalar, the front end's ``M[0, 0]`` convention."""
    return MatrixElement(expr, 0, 0)
