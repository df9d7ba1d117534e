"""hw3's dimension symbols, shared by its derivations."""

from __future__ import annotations

from typing import Any

import sympy

__all__ = ["dims"]


def dims(symbols: dict[str, Any]) -> tuple[sympy.Symbol, sympy.Symbol]:
    """The (n, d) dimension symbols of a question's table (``checker.derivation.symbols_of``)."""
    return symbols["n"], symbols["d"]
