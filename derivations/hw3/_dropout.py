"""Symbols shared by the dropout derivations (3.1, 3.2): indexed weights, inputs and noise."""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from checker.derivation import Noise, symbols_of
from checker.key import Key

__all__ = ["DropoutSymbols", "dropout_symbols"]


@dataclass(frozen=True)
class DropoutSymbols:
    """p, σ, d and N (the key's n) from the key; i, j and the indexed families w, x, X, t, m, π.

    A family named like a key symbol holds that symbol's entries, 1-based (``X[i, j]`` is the
    key's X_{ij}, ``w[j]`` its w_j): the derivation's answer is compared with the key's LaTeX
    entry by entry at concrete dimensions.
    """

    p: sympy.Symbol
    sigma: sympy.Symbol
    d: sympy.Symbol
    N: sympy.Symbol
    i: sympy.Symbol
    j: sympy.Symbol
    w: sympy.IndexedBase
    x: sympy.IndexedBase
    X: sympy.IndexedBase
    t: sympy.IndexedBase
    m: sympy.IndexedBase
    pi: sympy.IndexedBase

    @property
    def noise(self) -> tuple[Noise, Noise]:
        """m ~ Bernoulli(p) (keep probability), π ~ N(0, σ²), all i.i.d."""
        return (
            Noise(self.m, "bernoulli", (self.p,)),
            Noise(self.pi, "normal", (sympy.Integer(0), self.sigma)),
        )


def dropout_symbols(key: Key, question: str) -> DropoutSymbols:
    """The symbols of a dropout question, scalars taken from the key's table."""
    s = symbols_of(key, question)
    return DropoutSymbols(
        p=s["p"],
        sigma=s["sigma"],
        d=s["d"],
        N=s["n"],
        i=sympy.Symbol("i", integer=True, positive=True),
        j=sympy.Symbol("j", integer=True, positive=True),
        w=sympy.IndexedBase("w", real=True),
        x=sympy.IndexedBase("x", real=True),
        X=sympy.IndexedBase("X", real=True),
        t=sympy.IndexedBase("t", real=True),
        m=sympy.IndexedBase("m", real=True),
        pi=sympy.IndexedBase(r"\pi", real=True),
    )
