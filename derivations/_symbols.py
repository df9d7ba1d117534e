"""The key's symbols as SymPy objects, so derivations and the parser mean the same thing."""

from __future__ import annotations

from typing import Any

import sympy

from checker.key import load_key
from checker.symbols import sympy_symbol

__all__ = ["dims", "key_symbols", "latex_names"]


def key_symbols(question: str) -> dict[str, Any]:
    """Every declared scalar, vector and matrix symbol of ``question``, by name.

    Dimension symbols (``n``, ``d``) are included; the identity is not (size it with
    ``sympy.Identity``).

    >>> sorted(key_symbols("1.2.2"))[:3]
    ['X', 'd', 'epsilon']
    """
    table = load_key(validate_latex=False).question(question).symbols
    return {spec.name: sympy_symbol(spec, table) for spec in table if spec.shape != "identity"}


def dims(symbols: dict[str, Any]) -> tuple[sympy.Symbol, sympy.Symbol]:
    """The (n, d) dimension symbols of a table."""
    return symbols["n"], symbols["d"]


def latex_names(question: str) -> tuple[tuple[str, str], ...]:
    """``(name, LaTeX)`` for the key symbols whose LaTeX differs from their name (``x_adv`` → ``x'``).

    Names SymPy already prints well (``lambda``, ``epsilon``, ``sigma``) are left alone.

    >>> dict(latex_names("1.2.3"))["w"]
    'w^*'
    """
    table = load_key(validate_latex=False).question(question).symbols
    plain = sympy.Symbol
    return tuple(
        (spec.name, spec.latex)
        for spec in table
        if spec.latex != spec.name and sympy.latex(plain(spec.name)) != spec.latex
    )
