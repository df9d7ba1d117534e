"""Exact expectations, variances and covariances over the key's random symbols (internal).

An :class:`~checker.symbols.Expectation` (or ``Variance``, ``Covariance``) node is valued at one
sample point like any other node: everything in it that is not random takes its sampled value
(computed by the ordinary evaluator), every entry of a random symbol becomes a formal variable,
sums are expanded at the point's sizes, and the body becomes a polynomial in those variables.
Its expectation is then exact by linearity and independence (every entry is drawn i.i.d.): each
monomial's expectation is the product of the entries' moments, in closed form:

* Bernoulli(p): E[m^k] = p for k >= 1 (the same as enumerating the masks, m ∈ {0, 1});
* Normal(μ, v): E[X^k] = Σ_{r even} C(k, r) μ^(k-r) v^(r/2) (r-1)!!;
* Uniform(a, b): E[X^k] = (b^(k+1) - a^(k+1)) / ((k+1)(b - a));
* Categorical(values, probabilities): E[X^k] = Σ p_i v_i^k;
* moments(μ, v): only E[X] = μ and E[X²] = v + μ² are known (order 3 and up is unsupported).

Nothing is sampled: the value is the exact expectation at the point.  Var[f] = E[f²] - E[f]²,
Cov[f, g] = E[fg] - E[f]E[g].  A body that is not a polynomial in the random entries is
unsupported (the comparison is then undecided, never guessed).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction

import sympy
from sympy.concrete.summations import Sum
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.caches import memo
from checker.engine import exact as ex
from checker.engine.exact import Mat, Scalar, Unsupported, Value, ZeroTest
from checker.symbols import Covariance, Expectation, Moment, Variance

__all__ = ["moment_value", "raw_moment"]

Evaluate = Callable[[sympy.Basic, Mapping[str, Value]], Value]

_MAX_TERMS = 20_000
_MAX_POWER = 16


def moment_value(node: Moment, env: Mapping[str, Value], zt: ZeroTest, evaluate: Evaluate) -> Scalar:
    """The exact value of an expectation, variance or covariance node at the point ``env``.

    Args:
        node: the node (its last argument lists the random symbols averaged over).
        env: the point: a value for every non-random name (dimensions included).
        zt: the zero test of the evaluation.
        evaluate: the ordinary evaluator (for the parts that are not random).

    Returns:
        The exact scalar.

    Raises:
        Unsupported: a body that is not polynomial in the random entries, a moment the
            distribution does not give, sizes past the bounds.

    >>> from checker.symbols import random_over
    >>> from checker.table import RandomSpec
    >>> from checker.engine.evaluate import evaluate
    >>> m, p = sympy.Symbol("m"), sympy.Symbol("p")
    >>> over = sympy.Tuple(random_over(RandomSpec("bernoulli"), m, {"p": p}))
    >>> moment_value(Variance(m / p, over), {"p": Fraction(1, 4)}, ZeroTest(),
    ...              lambda e, env: evaluate(e, env, ZeroTest()))
    Fraction(3, 1)
    """
    names = tuple(sorted({s.name for s in node.atoms(sympy.Symbol, sympy.MatrixSymbol)}))  # sizes too
    point = tuple((name, env[name]) for name in names if name in env)
    return _moment_at(node, point, zt.digits, evaluate)


@memo(maxsize=4096)
def _moment_at(node: Moment, point: tuple[tuple[str, Value], ...], digits: int, evaluate: Evaluate) -> Scalar:
    """:func:`moment_value` at the values of the node's own names: a solver varies one unknown and
    steps revisit points, so each (node, point) is expanded once per process."""
    env = dict(point)
    zt = ZeroTest(digits=digits)
    expander = _Expander(env, zt, evaluate, node.over)
    operands = [expander.expand(op) for op in node.operands]
    if isinstance(node, Expectation):
        value = expander.expect(operands[0])
    elif isinstance(node, Variance):
        f = operands[0]
        value = expander.expect(f * f) - expander.expect(f) ** 2
    elif isinstance(node, Covariance):
        f, g = operands
        value = expander.expect(f * g) - expander.expect(f) * expander.expect(g)
    else:
        raise Unsupported(f"unknown operator {type(node).__name__}")
    if value.has(sympy.Float):
        raise Unsupported("an expectation with a decimal parameter")
    return ex.normalize(sympy.expand(value)) if not value.free_symbols else sympy.expand(value)


class _Expander:
    """The body of one node at one point, as a SymPy polynomial in the random entries."""

    def __init__(self, env: Mapping[str, Value], zt: ZeroTest, evaluate: Evaluate, over: sympy.Tuple) -> None:
        self.env = env
        self.zt = zt
        self.evaluate = evaluate
        self.random: dict[str, sympy.Basic] = {}  # name → the random symbol
        self.laws: dict[sympy.Symbol, tuple[str, dict[str, sympy.Basic]]] = {}
        self.entries: dict[str, sympy.Basic] = {}  # name → its formal value (a Dummy or a matrix of them)
        for item in over:
            symbol, law, pairs = item
            params = {str(k): self._parameter(v) for k, v in pairs}
            self.random[symbol.name] = symbol
            if isinstance(symbol, sympy.MatrixSymbol):
                rows, cols = (self._size(d) for d in symbol.shape)
                if rows * cols > 400:
                    raise Unsupported(f"random matrix {symbol.name} would have {rows * cols} entries")
                cells = [[sympy.Dummy(f"{symbol.name}{r}_{c}") for c in range(cols)] for r in range(rows)]
                for row in cells:
                    for cell in row:
                        self.laws[cell] = (str(law), params)
                self.entries[symbol.name] = sympy.ImmutableMatrix(cells)
            else:
                cell = sympy.Dummy(symbol.name)
                self.laws[cell] = (str(law), params)
                self.entries[symbol.name] = cell

    def _parameter(self, value: sympy.Basic) -> sympy.Basic:
        if isinstance(value, sympy.Tuple):
            return sympy.Tuple(*(self._parameter(v) for v in value))
        return _sympy_of(self.evaluate(value, self.env))

    def _size(self, expr: sympy.Basic) -> int:
        value = self.evaluate(expr, self.env)
        if not isinstance(value, Fraction) or value.denominator != 1 or value < 1:
            raise Unsupported(f"size {expr} is not a positive integer")
        return int(value)

    def _random_in(self, e: sympy.Basic) -> bool:
        names = self.random
        return any(getattr(s, "name", None) in names for s in e.free_symbols)

    def expand(self, e: sympy.Basic, env: Mapping[str, Value] | None = None) -> sympy.Expr:
        out = self._expand(e, self.env if env is None else env)
        if isinstance(out, sympy.MatrixBase):
            if out.shape != (1, 1):
                raise Unsupported("an expectation of a matrix")
            out = out[0, 0]
        return sympy.expand(out)

    def _expand(self, e: sympy.Basic, env: Mapping[str, Value]) -> sympy.Basic:
        if not self._random_in(e):
            return _sympy_of(self.evaluate(e, env))
        if isinstance(e, sympy.Symbol | sympy.MatrixSymbol):
            return self.entries[e.name]
        if isinstance(e, sympy.Add):
            return sympy.Add(*(self._expand(a, env) for a in e.args))
        if isinstance(e, sympy.Mul):
            return sympy.Mul(*(self._expand(a, env) for a in e.args))
        if isinstance(e, sympy.Pow):
            k = e.exp
            if not (k.is_Integer and 0 <= int(k) <= _MAX_POWER):
                raise Unsupported("a random quantity under a power that is not a small whole number")
            return sympy.expand(self._expand(e.base, env) ** int(k))
        if isinstance(e, Sum):
            var, lo, hi = e.limits[-1]  # the outermost; the others stay inside the term
            function = e.func(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
            start, stop = (self._integer(b, env) for b in (lo, hi))
            if stop - start > 2_000:
                raise Unsupported("summation range too long")
            return sympy.Add(
                *(self._expand(function, {**env, var.name: Fraction(k)}) for k in range(start, stop + 1))
            )
        if isinstance(e, MatrixElement):
            parent = self._expand(e.parent, env)
            i, j = self._integer(e.i, env), self._integer(e.j, env)
            if not isinstance(parent, sympy.MatrixBase) or not (
                0 <= i < parent.rows and 0 <= j < parent.cols
            ):
                raise Unsupported(f"entry ({i}, {j}) is outside the matrix")
            return parent[i, j]
        if isinstance(e, sympy.MatAdd):
            parts = [self._expand(a, env) for a in e.args]
            out = parts[0]
            for part in parts[1:]:
                out = out + part
            return out
        if isinstance(e, sympy.MatMul):
            acc: sympy.Basic = sympy.Integer(1)
            for a in e.args:
                acc = acc * self._expand(a, env)
            return acc
        if isinstance(e, sympy.Transpose):
            inner = self._expand(e.arg, env)
            return inner.T if isinstance(inner, sympy.MatrixBase) else inner
        if isinstance(e, Moment):
            raise Unsupported("an expectation inside an expectation over the same random symbols")
        raise Unsupported(f"cannot take the expectation of {type(e).__name__} exactly")

    def _integer(self, e: sympy.Basic, env: Mapping[str, Value]) -> int:
        value = self.evaluate(e, env)
        if not isinstance(value, Fraction) or value.denominator != 1:
            raise Unsupported(f"{e} is not an integer here")
        return int(value)

    def expect(self, f: sympy.Expr) -> sympy.Expr:
        """E[f] for a polynomial ``f`` in the random entries (independent entries)."""
        f = sympy.expand(f)
        gens = sorted(f.free_symbols & set(self.laws), key=lambda s: s.sort_key())
        if not gens:
            return f
        try:
            poly = sympy.Poly(f, *gens)
        except sympy.PolynomialError as exc:
            raise Unsupported("a body that is not a polynomial in the random entries") from exc
        if len(poly.terms()) > _MAX_TERMS:
            raise Unsupported("an expectation with too many terms")
        total: sympy.Expr = sympy.Integer(0)
        for powers, coeff in poly.terms():
            term = coeff
            for gen, k in zip(gens, powers, strict=True):
                if k:
                    law, params = self.laws[gen]
                    term = term * raw_moment(law, params, k)
            total = total + term
        return total  # a number, or a polynomial in an unknown being solved for


def raw_moment(law: str, params: Mapping[str, sympy.Basic], k: int) -> sympy.Expr:
    """E[X^k] for one entry drawn from ``law`` with these parameter values.

    >>> raw_moment("normal", {"mean": sympy.Integer(0), "variance": sympy.Integer(4)}, 4)
    48
    >>> raw_moment("bernoulli", {"p": sympy.Rational(1, 3)}, 5)
    1/3
    """
    if k == 0:
        return sympy.Integer(1)
    if law == "bernoulli":
        return sympy.sympify(params["p"])
    if law == "normal":
        mu, var = params.get("mean", sympy.Integer(0)), params["variance"]
        out = sympy.Integer(0)
        for r in range(0, k + 1, 2):
            double_factorial = math.prod(range(r - 1, 0, -2)) if r else 1
            out += sympy.binomial(k, r) * mu ** (k - r) * var ** (r // 2) * double_factorial
        return sympy.expand(out)
    if law == "uniform":
        a, b = params["lower"], params["upper"]
        return (b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a))
    if law == "categorical":
        values, probs = params["values"], params["probabilities"]
        if (
            not isinstance(values, sympy.Tuple)
            or not isinstance(probs, sympy.Tuple)
            or len(values) != len(probs)
        ):
            raise Unsupported("a categorical distribution needs as many probabilities as values")
        return sympy.Add(*(q * v**k for v, q in zip(values, probs, strict=True)))
    if law == "moments":
        mu, var = params.get("mean", sympy.Integer(0)), params["variance"]
        if k == 1:
            return mu
        if k == 2:
            return var + mu**2
        raise Unsupported(f"a moment of order {k}: only the mean and the variance are declared")
    raise Unsupported(f"unknown distribution {law}")


def _sympy_of(value: Value) -> sympy.Basic:
    if isinstance(value, Mat):
        return sympy.ImmutableMatrix([[ex.to_sympy(v) for v in row] for row in value.data])
    return ex.to_sympy(value)
