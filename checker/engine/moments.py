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
from dataclasses import dataclass
from fractions import Fraction

import sympy
from sympy.concrete.summations import Sum
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.caches import memo
from checker.engine import exact as ex
from checker.engine.exact import Mat, Scalar, Unsupported, Value, ZeroTest
from checker.engine.quadratic import Quad
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
    point = tuple((name, env[name]) for name in _names(node) if name in env)
    return _moment_at(node, point, zt.digits, evaluate)


@memo(maxsize=4096)
def _names(node: Moment) -> tuple[str, ...]:
    """The names a node's value depends on (sizes too), found once per node."""
    return tuple(sorted({s.name for s in node.atoms(sympy.Symbol, sympy.MatrixSymbol)}))


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
        value = ex.sub(expander.expect(_p_mul(f, f)), ex.power(expander.expect(f), 2, zt))
    elif isinstance(node, Covariance):
        f, g = operands
        value = ex.sub(expander.expect(_p_mul(f, g)), ex.mul(expander.expect(f), expander.expect(g)))
    else:
        raise Unsupported(f"unknown operator {type(node).__name__}")
    if isinstance(value, Fraction | Quad):
        return value
    if value.has(sympy.Float):
        raise Unsupported("an expectation with a decimal parameter")
    return ex.normalize(sympy.expand(value)) if not value.free_symbols else sympy.expand(value)


# A polynomial in the random entries: monomial → coefficient, where a monomial lists
# (entry number, power) by entry number and the coefficients are exact scalars (a symbolic
# unknown being solved for may enter them).  Plain dicts, built once and never changed after:
# SymPy's own polynomials cost more than the expectation they serve.
_Monomial = tuple[tuple[int, int], ...]
_Poly = dict[_Monomial, Scalar]


@dataclass(frozen=True)
class _PolyMat:
    """A matrix whose entries are polynomials in the random entries."""

    rows: int
    cols: int
    data: tuple[tuple[_Poly, ...], ...]

    def transpose(self) -> _PolyMat:
        return _PolyMat(self.cols, self.rows, tuple(zip(*self.data, strict=True)))


_Part = _Poly | _PolyMat


def _constant(c: Scalar) -> _Poly:
    return {} if isinstance(c, Fraction) and c == 0 else {(): c}


def _checked(p: _Poly) -> _Poly:
    if len(p) > _MAX_TERMS:
        raise Unsupported("an expectation with too many terms")
    return p


def _p_add(a: _Poly, b: _Poly) -> _Poly:
    out = dict(a)
    for mono, c in b.items():
        if mono in out:
            total = ex.add(out[mono], c)
            if isinstance(total, Fraction) and total == 0:
                del out[mono]
            else:
                out[mono] = total
        else:
            out[mono] = c
    return _checked(out)


def _mono_mul(a: _Monomial, b: _Monomial) -> _Monomial:
    if not a:
        return b
    if not b:
        return a
    powers = dict(a)
    for entry, k in b:
        powers[entry] = powers.get(entry, 0) + k
    return tuple(sorted(powers.items()))


def _p_mul(a: _Poly, b: _Poly) -> _Poly:
    out: _Poly = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            mono = _mono_mul(ma, mb)
            c = ex.mul(ca, cb)
            out[mono] = ex.add(out[mono], c) if mono in out else c
            _checked(out)  # bounded while it grows, not only at the end
    return {m: c for m, c in out.items() if not (isinstance(c, Fraction) and c == 0)}


def _add(a: _Part, b: _Part) -> _Part:
    if isinstance(a, _PolyMat) and isinstance(b, _PolyMat):
        if (a.rows, a.cols) != (b.rows, b.cols):
            raise Unsupported("a sum of matrices of different sizes")
        return _PolyMat(
            a.rows,
            a.cols,
            tuple(
                tuple(_p_add(x, y) for x, y in zip(ra, rb, strict=True))
                for ra, rb in zip(a.data, b.data, strict=True)
            ),
        )
    if isinstance(a, _PolyMat) or isinstance(b, _PolyMat):
        raise Unsupported("a matrix added to a scalar")
    return _p_add(a, b)


def _times(a: _Part, b: _Part) -> _Part:
    if isinstance(a, _PolyMat) and isinstance(b, _PolyMat):
        if a.cols != b.rows:
            raise Unsupported(f"a {a.rows}x{a.cols} matrix times a {b.rows}x{b.cols} matrix")
        rows = []
        for i in range(a.rows):
            row = []
            for j in range(b.cols):
                entry: _Poly = {}
                for k in range(a.cols):
                    entry = _p_add(entry, _p_mul(a.data[i][k], b.data[k][j]))
                row.append(entry)
            rows.append(tuple(row))
        return _PolyMat(a.rows, b.cols, tuple(rows))
    if isinstance(a, _PolyMat):
        assert not isinstance(b, _PolyMat)
        return _PolyMat(a.rows, a.cols, tuple(tuple(_p_mul(x, b) for x in row) for row in a.data))
    if isinstance(b, _PolyMat):
        return _PolyMat(b.rows, b.cols, tuple(tuple(_p_mul(a, x) for x in row) for row in b.data))
    return _p_mul(a, b)


class _Expander:
    """The body of one node at one point, as a polynomial in the random entries."""

    def __init__(self, env: Mapping[str, Value], zt: ZeroTest, evaluate: Evaluate, over: sympy.Tuple) -> None:
        self.env = env
        self.zt = zt
        self.evaluate = evaluate
        self.random: set[str] = set()
        self.laws: list[tuple[str, dict[str, sympy.Basic]]] = []  # entry number → its law
        self.entries: dict[str, _Part] = {}  # name → its formal value (an entry or a matrix of them)
        self.moments: dict[tuple[int, int], Scalar] = {}
        for item in over:
            symbol, law, pairs = item
            params = {str(k): self._parameter(v) for k, v in pairs}
            self.random.add(symbol.name)
            if isinstance(symbol, sympy.MatrixSymbol):
                rows, cols = (self._size(d) for d in symbol.shape)
                if rows * cols > 400:
                    raise Unsupported(f"random matrix {symbol.name} would have {rows * cols} entries")
                self.entries[symbol.name] = _PolyMat(
                    rows,
                    cols,
                    tuple(tuple(self._entry(str(law), params) for _ in range(cols)) for _ in range(rows)),
                )
            else:
                self.entries[symbol.name] = self._entry(str(law), params)

    def _entry(self, law: str, params: dict[str, sympy.Basic]) -> _Poly:
        self.laws.append((law, params))
        return {((len(self.laws) - 1, 1),): Fraction(1)}

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

    def expand(self, e: sympy.Basic) -> _Poly:
        out = self._expand(e, self.env)
        if isinstance(out, _PolyMat):
            if (out.rows, out.cols) != (1, 1):
                raise Unsupported("an expectation of a matrix")
            return out.data[0][0]
        return out

    def _value(self, e: sympy.Basic, env: Mapping[str, Value]) -> _Part:
        value = self.evaluate(e, env)
        if isinstance(value, Mat):
            return _PolyMat(
                value.rows, value.cols, tuple(tuple(_constant(v) for v in row) for row in value.data)
            )
        return _constant(value)

    def _expand(self, e: sympy.Basic, env: Mapping[str, Value]) -> _Part:
        if not self._random_in(e):
            return self._value(e, env)
        if isinstance(e, sympy.Symbol | sympy.MatrixSymbol):
            return self.entries[e.name]
        if isinstance(e, sympy.Add | sympy.MatAdd):
            parts = [self._expand(a, env) for a in e.args]
            total = parts[0]
            for part in parts[1:]:
                total = _add(total, part)
            return total
        if isinstance(e, sympy.Mul | sympy.MatMul):
            acc: _Part = _constant(Fraction(1))
            for a in e.args:
                acc = _times(acc, self._expand(a, env))
            return acc
        if isinstance(e, sympy.Pow):
            k = e.exp
            if not (k.is_Integer and 0 <= int(k) <= _MAX_POWER):
                raise Unsupported("a random quantity under a power that is not a small whole number")
            base = self._expand(e.base, env)
            if isinstance(base, _PolyMat) and base.rows != base.cols:
                raise Unsupported("a power of a matrix that is not square")
            out: _Part = (
                _constant(Fraction(1))
                if not isinstance(base, _PolyMat)
                else _PolyMat(
                    base.rows,
                    base.cols,
                    tuple(
                        tuple(_constant(Fraction(int(i == j))) for j in range(base.cols))
                        for i in range(base.rows)
                    ),
                )
            )
            for _ in range(int(k)):
                out = _times(out, base)
            return out
        if isinstance(e, Sum):
            var, lo, hi = e.limits[-1]  # the outermost; the others stay inside the term
            function = e.func(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
            start, stop = (self._integer(b, env) for b in (lo, hi))
            if stop - start > 2_000:
                raise Unsupported("summation range too long")
            total = _constant(Fraction(0))
            for k in range(start, stop + 1):
                total = _add(total, self._expand(function, {**env, var.name: Fraction(k)}))
            return total
        if isinstance(e, MatrixElement):
            parent = self._expand(e.parent, env)
            i, j = self._integer(e.i, env), self._integer(e.j, env)
            if not isinstance(parent, _PolyMat) or not (0 <= i < parent.rows and 0 <= j < parent.cols):
                raise Unsupported(f"entry ({i}, {j}) is outside the matrix")
            return parent.data[i][j]
        if isinstance(e, sympy.Transpose):
            inner = self._expand(e.arg, env)
            return inner.transpose() if isinstance(inner, _PolyMat) else inner
        if isinstance(e, Moment):
            raise Unsupported("an expectation inside an expectation over the same random symbols")
        raise Unsupported(f"cannot take the expectation of {type(e).__name__} exactly")

    def _integer(self, e: sympy.Basic, env: Mapping[str, Value]) -> int:
        value = self.evaluate(e, env)
        if not isinstance(value, Fraction) or value.denominator != 1:
            raise Unsupported(f"{e} is not an integer here")
        return int(value)

    def _moment(self, entry: int, k: int) -> Scalar:
        known = self.moments.get((entry, k))
        if known is None:
            law, params = self.laws[entry]
            known = self.moments[(entry, k)] = ex.normalize(raw_moment(law, params, k))
        return known

    def expect(self, f: _Poly) -> Scalar:
        """E[f] for a polynomial ``f`` in the random entries (independent entries)."""
        total: Scalar = Fraction(0)
        for mono, coeff in f.items():
            term = coeff
            for entry, k in mono:
                term = ex.mul(term, self._moment(entry, k))
            total = ex.add(total, term)
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
