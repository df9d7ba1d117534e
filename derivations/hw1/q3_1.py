"""3.1: Var(aZ + b) = a² s² when Var(Z) = s²: scaling squares the spread, shifting keeps it."""

from __future__ import annotations

import sympy

from checker.derivation import Derivation, Noise, Step, symbols_of
from checker.key import Key

__all__ = ["derivation"]


def derivation(key: Key) -> Derivation:
    """The chain: Y = aZ + b with Z ~ N(μ, s²), then Var[Y] from the distribution."""
    s = symbols_of(key, "3.1")
    a, b, sd = s["a"], s["b"], s["s"]
    j = sympy.Symbol("j", integer=True, positive=True)
    z = sympy.IndexedBase("Z", real=True)
    mean = sympy.Symbol(r"\mu", real=True)
    y = sympy.Symbol("Y", real=True)
    var = sympy.Symbol(r"\operatorname{Var}[Y]", real=True)
    steps = (
        Step(sympy.Eq(y, a * z[j] + b), "the affine map Y = aZ + b", "definition"),
        Step(sympy.Eq(var, a**2 * sd**2), "Var[aZ + b] = E[(a(Z − μ))²] = a² Var[Z]", "variance", ref=1),
    )
    return Derivation(
        name="q3_1",
        question="3.1",
        title="The variance of an affine map: Var(aZ + b) = a² s²",
        symbols=(a, b, sd, j, z, mean),
        steps=steps,
        noise=(Noise(z, "normal", (mean, sd)),),
    )
