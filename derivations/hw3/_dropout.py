"""Symbols shared by the dropout derivations (3.1, 3.2): indexed weights, inputs and noise."""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from checker.derivation import Noise, symbols_of
from checker.key import Key

__all__ = ["DropoutSymbols", "dropout_symbols"]


@dataclass(frozen=True)
class DropoutSymbols:
    """p, σ and d from the key; i, j, N and the indexed families w, x, t, m, π."""

    p: sympy.Symbol
    sigma: sympy.Symbol
    d: sympy.Symbol
    N: sympy.Symbol
    i: sympy.Symbol
    j: sympy.Symbol
    w: sympy.IndexedBase
    x: sympy.IndexedBase
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
        N=sympy.Symbol("N", integer=True, positive=True),
        i=sympy.Symbol("i", integer=True, positive=True),
        j=sympy.Symbol("j", integer=True, positive=True),
        w=sympy.IndexedBase("w", real=True),
        x=sympy.IndexedBase("x", real=True),
        t=sympy.IndexedBase("t", real=True),
        m=sympy.IndexedBase("m", real=True),
        pi=sympy.IndexedBase(r"\pi", real=True),
    )
