"""Algebra behind :func:`checker.derivation.chain.prove`: zero tests, instantiation, expectations, signs.

Everything here is exact and symbolic.  A difference is *proved* zero either at general dimensions
(SymPy's matrix algebra on ``MatrixSymbol`` with symbolic ``n``, ``d``) or, when SymPy cannot
decide it there, at several concrete dimensions with a fresh real Symbol for every matrix entry.
Random numbers are never used to prove anything; a failing check reports the nonzero residual.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise, product
from typing import Any

import sympy
import sympy.stats
from sympy.matrices.expressions.matexpr import MatrixElement

__all__ = [
    "MatrixEquation",
    "ProofOutcome",
    "Sizes",
    "canonical_sums",
    "claim_latex",
    "claim_parts",
    "derivative",
    "distribute",
    "expectation",
    "instantiate",
    "is_equation",
    "is_matrix",
    "moment",
    "names",
    "printable",
    "prove_zero",
    "residual",
    "residual_gt",
    "same_dim",
    "same_shape",
    "shape_problem",
    "sign_cases",
    "value_of",
    "variance",
]

_GENERAL = "symbolic at general dimensions"


@dataclass(frozen=True)
class Sizes:
    """The dimension symbols of a derivation and the concrete values tried when needed.

    Attributes:
        symbols: dimension symbols (``n``, ``d``), in the order of each tuple of ``concrete``.
        concrete: value tuples tried when SymPy cannot decide at general dimensions.
    """

    symbols: tuple[sympy.Symbol, ...]
    concrete: tuple[tuple[int, ...], ...]

    def describe(self) -> str:
        names = ", ".join(str(s) for s in self.symbols)
        values = ", ".join("(" + ",".join(str(v) for v in vals) + ")" for vals in self.concrete)
        if len(self.symbols) == 1:
            values = ", ".join(str(vals[0]) for vals in self.concrete)
            return f"{names} in {{{values}}}"
        return f"({names}) in {{{values}}}"


@dataclass(frozen=True)
class ProofOutcome:
    """What one check found: ``ok``, the method that decided, and why in words."""

    ok: bool
    method: str
    reason: str


def is_matrix(expr: Any) -> bool:
    """True for a SymPy matrix expression (``MatrixSymbol``, products, inverses...)."""
    return isinstance(expr, sympy.MatrixExpr)


def _show(expr: Any, limit: int = 160) -> str:
    text = str(expr)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ----------------------------------------------------------------------------------------------
# Claims: equations, values, residuals, LaTeX
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixEquation:
    """``lhs = rhs`` between matrix expressions (``sympy.Eq`` does not take matrices).

    A right side of scalar ``0`` means the zero matrix of the left side's shape.

    >>> d = sympy.Symbol("d", integer=True, positive=True)
    >>> MatrixEquation(sympy.MatrixSymbol("w", d, 1), 0).latex()
    'w = 0'
    """

    lhs: Any
    rhs: Any

    def __post_init__(self) -> None:
        # A literal 0 (or other int) side is common; never sympify other objects (no eval of text).
        for name in ("lhs", "rhs"):
            value = getattr(self, name)
            if isinstance(value, int) and not isinstance(value, bool):
                object.__setattr__(self, name, sympy.Integer(value))

    def latex(self) -> str:
        """Both sides in LaTeX, joined by `` = ``."""
        return f"{sympy.latex(self.lhs)} = {sympy.latex(self.rhs)}"


def value_of(claim: Any) -> Any:
    if isinstance(claim, MatrixEquation | sympy.Eq):
        return claim.rhs
    return claim


def residual(claim: Any) -> Any:
    lhs, rhs = claim.lhs, claim.rhs
    if is_matrix(lhs) and not is_matrix(rhs) and rhs == 0:
        rhs = sympy.ZeroMatrix(*lhs.shape)
    if is_matrix(rhs) and not is_matrix(lhs) and lhs == 0:
        lhs = sympy.ZeroMatrix(*rhs.shape)
    return lhs - rhs


def is_equation(claim: Any) -> bool:
    return isinstance(claim, MatrixEquation | sympy.Eq)


def claim_parts(claim: Any) -> tuple[Any, ...]:
    if is_equation(claim) or isinstance(claim, sympy.Rel):
        return (claim.lhs, claim.rhs)
    return (claim,)


def claim_latex(claim: Any, names: dict[str, str]) -> str:
    try:
        if names:
            claim = printable(claim, names)
        if isinstance(claim, MatrixEquation):
            return claim.latex()
        return str(sympy.latex(claim))
    except Exception:  # printing must never stop a report; the text form is still useful
        return str(claim)


def printable(claim: Any, names: dict[str, str]) -> Any:
    """The claim with symbols renamed to their LaTeX spelling, for printing only."""
    if isinstance(claim, MatrixEquation):
        return MatrixEquation(printable(claim.lhs, names), printable(claim.rhs, names))
    if not isinstance(claim, sympy.Basic):
        return claim
    reps: dict[Any, Any] = {}
    for entry in claim.atoms(MatrixElement):
        # The entry of a 1×1 product is the product itself: print (Xᵀt)₀₀ as Xᵀt.
        if entry.parent.shape == (1, 1):
            reps[entry] = sympy.Symbol(sympy.latex(printable(entry.parent, names)))
    for sym in claim.atoms(sympy.Symbol, sympy.MatrixSymbol):
        if sym.name in names and isinstance(sym, sympy.MatrixSymbol):
            reps[sym] = sympy.MatrixSymbol(names[sym.name], *sym.shape)
        elif sym.name in names:
            reps[sym] = sympy.Symbol(names[sym.name], **sym.assumptions0)
    return claim.xreplace(reps)


def residual_gt(claim: Any) -> Any:
    return claim.lhs - claim.rhs


# ----------------------------------------------------------------------------------------------
# Shapes and names of claims
# ----------------------------------------------------------------------------------------------


def same_dim(a: Any, b: Any) -> bool:
    return bool(a == b) or bool(sympy.simplify(sympy.sympify(a) - sympy.sympify(b)) == 0)


def same_shape(a: Any, b: Any) -> bool:
    """Scalars and 1×1 matrices mix only as scalars do; otherwise shapes must agree."""
    if is_matrix(a) != is_matrix(b):
        return False
    if not is_matrix(a):
        return True
    return same_dim(a.shape[0], b.shape[0]) and same_dim(a.shape[1], b.shape[1])


def shape_problem(expr: Any) -> str | None:
    """The first ill-typed node of a matrix expression, described; None when it is well typed."""
    if not isinstance(expr, sympy.Basic):
        return None
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.MatMul):
            mats = [a for a in node.args if is_matrix(a)]
            for left, right in pairwise(mats):
                if not same_dim(left.shape[1], right.shape[0]):
                    return (
                        f"expected the inner dimensions of the product {left} · {right} to agree, "
                        f"found shapes {left.shape} and {right.shape}"
                    )
        elif isinstance(node, sympy.MatAdd):
            first = node.args[0]
            for other in node.args[1:]:
                if not same_shape(first, other):
                    return f"expected the terms of {node} to have one shape, found {first.shape} and {other.shape}"
        elif isinstance(node, sympy.Inverse | sympy.MatPow):
            base = node.args[0]
            if not same_dim(base.shape[0], base.shape[1]):
                return f"expected a square matrix under {type(node).__name__}, found {base} of shape {base.shape}"
    return None


def names(expr: Any) -> set[Any]:
    """Symbols, matrix symbols and indexed bases a claim uses (bound summation indices excluded)."""
    if not isinstance(expr, sympy.Basic):
        return set()
    out = {
        s for s in expr.free_symbols if isinstance(s, sympy.Symbol | sympy.MatrixSymbol | sympy.IndexedBase)
    }
    for mat in expr.atoms(sympy.MatrixSymbol):
        for dim in mat.shape:
            out |= sympy.sympify(dim).free_symbols
    return out


def canonical_sums(expr: Any) -> Any:
    """``expr`` with every sum's Dummy index renamed by nesting depth (``_k1`` innermost).

    SymPy writes a 1×1 product such as ``(X.T*t)[0, 0]`` as a sum over a fresh Dummy, so two
    constructions of the same product are different objects; renaming bound variables by depth
    (inner sums renamed first, so no capture) makes them identical.

    >>> n = sympy.Symbol("n", integer=True, positive=True)
    >>> X, t = sympy.MatrixSymbol("X", n, 1), sympy.MatrixSymbol("t", n, 1)
    >>> canonical_sums((X.T * t)[0, 0]) == canonical_sums((X.T * t)[0, 0])
    True
    """
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Sum):
        return expr

    def depth(node: Any) -> int:
        inner = [depth(a) for a in node.args if isinstance(a, sympy.Basic) and a.has(sympy.Sum)]
        return (1 if isinstance(node, sympy.Sum) else 0) + max(inner, default=0)

    def rename(node: Any) -> Any:
        if not isinstance(node, sympy.Sum):
            return node
        var = node.limits[0][0]
        if not isinstance(var, sympy.Dummy) or len(node.limits) != 1:
            return node
        level = depth(node)
        return node.xreplace({var: sympy.Symbol(f"_k{level}", integer=True)})

    return expr.replace(lambda node: isinstance(node, sympy.Sum), rename)


# ----------------------------------------------------------------------------------------------
# Zero tests
# ----------------------------------------------------------------------------------------------


def distribute(factor: Any, expr: Any) -> Any:
    """``factor * expr`` with the product distributed over the top-level sums of ``expr``.

    Distributing only one level keeps ``A⁻¹ (A w)`` as the adjacent pair ``A⁻¹ A`` that SymPy
    cancels, where a full ``expand`` would split ``A`` and lose the cancellation.
    """
    if isinstance(expr, sympy.MatAdd | sympy.Add):
        return (
            sympy.Add(*[distribute(factor, arg) for arg in expr.args])
            if not is_matrix(expr)
            else (sympy.MatAdd(*[distribute(factor, arg) for arg in expr.args]).doit())
        )
    if isinstance(expr, sympy.MatMul):
        coeff, mats = expr.as_coeff_matrices()
        if is_matrix(factor):
            return (coeff * sympy.MatMul(factor, *mats)).doit()
        return (factor * coeff * sympy.MatMul(*mats)).doit()
    if is_matrix(factor) and is_matrix(expr):
        return sympy.MatMul(factor, expr).doit()
    return factor * expr


def _zero_now(expr: Any) -> bool:
    if is_matrix(expr):
        return isinstance(expr, sympy.ZeroMatrix)
    return bool(expr == 0)


def _zero_general(expr: Any) -> bool:
    """Try cheap, sound normalizations on the expression as written (general dimensions).

    ``simplify`` is kept for small scalar expressions with radicals, signs or absolute values:
    on sums and matrix expressions it is slow and rarely decisive, so those get a linear
    normal form for sums instead and otherwise go to concrete dimensions.
    """
    if _zero_now(expr):
        return True
    try:
        # doit() writes each 1×1 product entry as a sum over a fresh Dummy: make equal ones equal.
        done = canonical_sums(_doit_holding_sums(expr))
        if _zero_now(done) or _zero_now(sympy.expand(done)):
            return True
        if is_matrix(done):
            return False
        if sympy.cancel(sympy.together(sympy.expand(done))) == 0:
            return True
        if done.has(sympy.Sum):
            return bool(sympy.expand(_linear_sums(done)) == 0)
        return bool(sympy.simplify(done) == 0)
    except (TypeError, ValueError, AttributeError, NotImplementedError):
        return False


def _doit_holding_sums(expr: Any) -> Any:
    """``expr.doit()`` except that sums stay sums (their summands are done).

    SymPy's ``Sum.doit`` at symbolic bounds tries Gosper summation, which takes seconds on
    squared sums of matrix entries and never decides what :func:`_linear_sums` cannot; the
    concrete-dimension test expands sums exactly anyway.
    """
    held: dict[Any, Any] = {}

    def hold(total: sympy.Sum) -> Any:
        if all(bound.is_Integer for _, low, high in total.limits for bound in (low, high)):
            return total
        name = sympy.Dummy("S")
        held[name] = sympy.Sum(_doit_holding_sums(total.function), *total.limits)
        return name

    out = expr.replace(lambda e: isinstance(e, sympy.Sum), hold).doit()
    for _ in range(len(held) + 1):  # held sums may hold others
        if not held or not any(out.has(name) for name in held):
            break
        out = out.xreplace(held)
    return out


def _linear_sums(expr: Any) -> Any:
    """Sums pulled apart by linearity: constants out, sums of sums split, like sums combined."""
    out = sympy.Integer(0)
    for term in sympy.Add.make_args(sympy.expand(expr)):
        sums = [f for f in sympy.Mul.make_args(term) if isinstance(f, sympy.Sum)]
        if len(sums) != 1:
            out += term
            continue
        out += sympy.Mul(*[f for f in sympy.Mul.make_args(term) if f is not sums[0]]) * _normal_sum(sums[0])
    return out


def _normal_sum(total: sympy.Sum) -> Any:
    return _normal_limits(total.function, total.limits)


def _normal_limits(function: Any, limits: tuple[Any, ...]) -> Any:
    """Σ over ``limits`` (innermost first) of ``function``, pulled apart by linearity.

    Nested sums are normalized from the inside out without rebuilding ``Sum(Sum(f, inner), outer)``:
    SymPy flattens that back into one multi-limit Sum, which would loop.
    """
    if len(limits) > 1:
        return _normal_limits(_normal_limits(function, limits[:1]), limits[1:])
    var, low, high = limits[0]
    out = sympy.Integer(0)
    for term in sympy.Add.make_args(sympy.expand(_linear_sums(function))):
        free = [f for f in sympy.Mul.make_args(term) if var not in f.free_symbols]
        bound = [f for f in sympy.Mul.make_args(term) if var in f.free_symbols]
        if not bound:
            out += sympy.Mul(*free) * (high - low + 1)
        else:
            out += sympy.Mul(*free) * sympy.Sum(sympy.Mul(*bound), limits[0])
    return out


def instantiate(expr: Any, sizes: Sizes, values: tuple[int, ...]) -> Any:
    """``expr`` at concrete dimensions, every matrix entry a fresh real Symbol, sums expanded.

    ``X`` becomes the explicit matrix of ``X_{ij}``; sums over a dimension are written out;
    the result is an explicit ``ImmutableMatrix`` for matrix expressions, a scalar otherwise.

    >>> n, d = sympy.symbols("n d", integer=True, positive=True)
    >>> w = sympy.MatrixSymbol("w", d, 1)
    >>> instantiate(w.T * w, Sizes((n, d), ((2, 2),)), (2, 2))
    Matrix([[w_00**2 + w_10**2]])
    """
    subs = dict(zip(sizes.symbols, [sympy.Integer(v) for v in values], strict=True))
    out = expr.xreplace(subs) if subs else expr
    out = _rebuild_matrices(out, subs)
    out = out.doit()
    reps = {}
    for mat in out.atoms(sympy.MatrixSymbol):
        rows, cols = mat.shape
        if not (rows.is_Integer and cols.is_Integer):
            raise ValueError(f"matrix {mat.name} keeps a symbolic shape {mat.shape} at {values}")
        reps[mat] = sympy.ImmutableMatrix(
            int(rows), int(cols), lambda i, j, m=mat: sympy.Symbol(f"{m.name}_{i}{j}", real=True)
        )
    out = out.xreplace(reps)
    # Explicit inverses as adjugate / determinant (Berkowitz): much faster than elimination on
    # symbolic entries, and division-free until the one final division.
    out = out.replace(lambda e: isinstance(e, sympy.Inverse), _explicit_inverse).doit()
    if is_matrix(out) or isinstance(out, sympy.MatrixBase):
        return sympy.ImmutableMatrix(out.as_explicit() if is_matrix(out) else out)
    return out


def _explicit_inverse(node: Any) -> Any:
    matrix = sympy.ImmutableMatrix(node.arg.as_explicit())
    det = matrix.det(method="berkowitz")
    return sympy.ImmutableMatrix(matrix.adjugate(method="berkowitz") / det)


def _rebuild_matrices(expr: Any, subs: Mapping[Any, Any]) -> Any:
    """Re-create matrix symbols and identities with substituted shapes (xreplace leaves shapes)."""
    reps: dict[Any, Any] = {}
    for mat in expr.atoms(sympy.MatrixSymbol):
        reps[mat] = sympy.MatrixSymbol(mat.name, *[sympy.sympify(s).xreplace(subs) for s in mat.shape])
    for ident in expr.atoms(sympy.Identity):
        reps[ident] = sympy.Identity(sympy.sympify(ident.rows).xreplace(subs))
    for zero in expr.atoms(sympy.ZeroMatrix):
        reps[zero] = sympy.ZeroMatrix(*[sympy.sympify(s).xreplace(subs) for s in zero.shape])
    return expr.xreplace(reps) if reps else expr


def _entry_zero(entry: Any) -> tuple[bool, Any]:
    """Whether one entry is identically 0, and its canonical form for the failure message.

    A rational function of the entries is 0 exactly when ``cancel`` makes it 0 (a canonical
    form), so ``simplify`` (slow on large nonzero expressions) runs only on other entries.
    """
    entry = sympy.sympify(entry)
    if entry == 0:
        return True, entry
    # Over one common denominator (a nonzero polynomial), the entry is 0 iff the expanded
    # numerator is; no gcd needed, which keeps large symbolic inverses fast.
    numerator, denominator = sympy.fraction(sympy.together(entry))
    if sympy.expand(numerator) == 0:
        return True, sympy.Integer(0)
    if entry.is_rational_function():
        return False, sympy.cancel(entry) if len(str(numerator)) < 2000 else numerator / denominator
    simplified = sympy.simplify(entry)
    return bool(simplified == 0), simplified


def _concrete_zero(expr: Any, sizes: Sizes) -> tuple[bool, str]:
    for values in sizes.concrete:
        at = ", ".join(f"{s}={v}" for s, v in zip(sizes.symbols, values, strict=True))
        try:
            inst = instantiate(expr, sizes, values)
        except (ValueError, TypeError, sympy.matrices.exceptions.ShapeError) as exc:
            return False, f"cannot be evaluated at {at}: {exc}"
        entries = list(inst) if isinstance(inst, sympy.MatrixBase) else [inst]
        for pos, entry in enumerate(entries):
            zero, shown = _entry_zero(entry)
            if not zero:
                where = f" entry {pos}" if len(entries) > 1 else ""
                return False, f"the difference is nonzero at {at}:{where} {_show(shown)}"
    return True, ""


def prove_zero(expr: Any, sizes: Sizes, *, what: str = "the difference") -> ProofOutcome:
    """Prove that ``expr`` is identically zero: at general dimensions, else at concrete ones.

    Args:
        expr: a scalar or matrix SymPy expression (the difference of two sides).
        sizes: dimension symbols and the concrete values to fall back on.
        what: how the reason names ``expr``.

    Returns:
        An :class:`ProofOutcome`; ``ok`` is False with the nonzero residual when the check fails.

    >>> a = sympy.Symbol("a")
    >>> prove_zero((a + 1) ** 2 - a**2 - 2 * a - 1, Sizes((), ((),))).ok
    True
    """
    if _zero_general(expr):
        return ProofOutcome(True, _GENERAL, f"{what} simplifies to 0")
    free_dims = [s for s in sizes.symbols if s in _all_symbols(expr)]
    if not free_dims and not expr.atoms(sympy.MatrixSymbol):
        return ProofOutcome(False, _GENERAL, f"{what} does not simplify to 0: {_show(sympy.simplify(expr))}")
    method = f"symbolic at concrete dimensions {sizes.describe()} with symbolic entries"
    ok, why = _concrete_zero(expr, sizes)
    if ok:
        return ProofOutcome(
            True, method, f"{what} is 0 at every dimension tried (not decided at general dimensions)"
        )
    return ProofOutcome(False, method, why)


def _all_symbols(expr: Any) -> set[Any]:
    found: set[Any] = set(expr.free_symbols)
    for mat in expr.atoms(sympy.MatrixSymbol):
        for dim in mat.shape:
            found |= sympy.sympify(dim).free_symbols
    for ident in expr.atoms(sympy.Identity):
        found |= sympy.sympify(ident.rows).free_symbols
    return found


# ----------------------------------------------------------------------------------------------
# Calculus
# ----------------------------------------------------------------------------------------------


def derivative(value: Any, wrt: Any) -> Any:
    """d value / d wrt: SymPy's matrix calculus for matrix symbols, ``diff`` for scalars.

    A 1×1 matrix expression differentiated by a d×1 vector gives the d×1 gradient.
    """
    if is_matrix(wrt):
        return sympy.sympify(value).diff(wrt).doit()
    return sympy.diff(value, wrt)


# ----------------------------------------------------------------------------------------------
# Signs under premises
# ----------------------------------------------------------------------------------------------


def _sign_atoms(premise: Any) -> list[Any]:
    atoms: list[Any] = []
    for factor in sympy.Mul.make_args(premise):
        base = factor.base if isinstance(factor, sympy.Pow) and factor.exp.is_Integer else factor
        if base.is_number or base.is_positive:
            continue
        atoms.append(base)
    return atoms


def sign_cases(premises: Iterable[Any]) -> list[dict[Any, Any]]:
    """Replacements covering every sign pattern that the premises ``P > 0`` allow.

    Each factor of a premise that SymPy cannot sign is replaced by ``+u`` or ``-u`` with ``u`` a
    positive Dummy; patterns under which some premise is certainly not positive are dropped.  A
    premise that is not a product is one atom, replaced by a positive Dummy.

    >>> x, b = sympy.symbols("x b", real=True)
    >>> len(sign_cases([x * b]))
    2
    """
    atoms: list[Any] = []
    for premise in premises:
        for atom in _sign_atoms(premise):
            if atom not in atoms:
                atoms.append(atom)
    dummies = [sympy.Dummy(f"u{k}", positive=True) for k in range(len(atoms))]
    cases: list[dict[Any, Any]] = []
    for signs in product((1, -1), repeat=len(atoms)):
        case = {atom: sign * u for atom, sign, u in zip(atoms, signs, dummies, strict=True)}
        verdicts = [sympy.sympify(p).xreplace(case).is_positive for p in premises]
        if all(v is not False for v in verdicts):
            cases.append(case)
    return cases


# ----------------------------------------------------------------------------------------------
# Expectations over independent noise
# ----------------------------------------------------------------------------------------------

NoiseMap = Mapping[Any, Any]  # IndexedBase → a sympy.stats random symbol with the distribution


class _NotLinear(Exception):
    """The general-dimension expectation rules do not apply; fall back to concrete dimensions."""


def moment(noise: NoiseMap, base: Any, power: int) -> Any:
    """E[(family member)^power], computed by sympy.stats from the family's distribution."""
    return sympy.simplify(sympy.stats.E(noise[base] ** power))


def _random_atoms(expr: Any, noise: NoiseMap) -> set[Any]:
    return {a for a in expr.atoms(sympy.Indexed) if a.base in noise}


def _expect(expr: Any, noise: NoiseMap) -> Any:
    if not _random_atoms(expr, noise):
        return expr
    if isinstance(expr, sympy.Indexed):
        return moment(noise, expr.base, 1)
    if isinstance(expr, sympy.Add):
        return sympy.Add(*[_expect(a, noise) for a in expr.args])
    if isinstance(expr, sympy.Mul):
        fixed = [a for a in expr.args if not _random_atoms(a, noise)]
        rand = [a for a in expr.args if _random_atoms(a, noise)]
        if len(rand) != 1:
            raise _NotLinear
        return sympy.Mul(*fixed) * _expect(rand[0], noise)
    if isinstance(expr, sympy.Sum):
        return sympy.Sum(_expect(expr.function, noise), *expr.limits)
    if isinstance(expr, sympy.Pow) and expr.exp.is_Integer and expr.exp > 0:
        if isinstance(expr.base, sympy.Indexed):
            return moment(noise, expr.base.base, int(expr.exp))
        if expr.exp == 2:
            # E[Y²] = Var[Y] + E[Y]²: the bias–variance decomposition.
            return _variance(expr.base, noise) + _expect(expr.base, noise) ** 2
    raise _NotLinear


def _variance(expr: Any, noise: NoiseMap) -> Any:
    if not _random_atoms(expr, noise):
        return sympy.Integer(0)
    if isinstance(expr, sympy.Add):
        rand = [a for a in expr.args if _random_atoms(a, noise)]
        if len(rand) != 1:
            raise _NotLinear
        return _variance(rand[0], noise)
    if isinstance(expr, sympy.Mul):
        fixed = [a for a in expr.args if not _random_atoms(a, noise)]
        rand = [a for a in expr.args if _random_atoms(a, noise)]
        if len(rand) != 1:
            raise _NotLinear
        return sympy.Mul(*fixed) ** 2 * _variance(rand[0], noise)
    if isinstance(expr, sympy.Sum):
        if len(expr.limits) != 1:
            raise _NotLinear
        index = expr.limits[0][0]
        # Independence: each summand holds one noise variable with the summation index as one of
        # its indices, so distinct summands hold distinct (independent) variables: variances add.
        atoms = _random_atoms(expr.function, noise)
        if len(atoms) != 1 or index not in next(iter(atoms)).indices:
            raise _NotLinear
        return sympy.Sum(_variance(expr.function, noise), *expr.limits)
    # Var[Z] = E[Z²] − E[Z]² for a term depending on one noise variable.
    if len(_random_atoms(expr, noise)) != 1:
        raise _NotLinear
    return sympy.expand(_expect(sympy.expand(expr**2), noise) - _expect(expr, noise) ** 2)


def _moments_concrete(expr: Any, noise: NoiseMap) -> Any:
    """Exact E of a polynomial in independent noise variables: expand, factor moments."""
    total = sympy.Integer(0)
    for term in sympy.Add.make_args(sympy.expand(expr)):
        coeff = sympy.Integer(1)
        for factor in sympy.Mul.make_args(term):
            base, power = factor.as_base_exp()
            if isinstance(base, sympy.Indexed) and base.base in noise and power.is_Integer:
                coeff *= moment(noise, base.base, int(power))
            elif _random_atoms(factor, noise):
                raise ValueError(f"not a polynomial in the noise variables: {factor}")
            else:
                coeff *= factor
        total += coeff
    return total


def expectation(
    expr: Any, noise: NoiseMap, sizes: Sizes
) -> tuple[Any, str] | list[tuple[tuple[int, ...], Any]]:
    """E[expr] over independent noise, at general dimensions when the structure allows.

    Returns:
        ``(value, method)`` at general dimensions (linearity of expectation, independence across
        the summation index, bias–variance for squares), or a list of ``(dimensions, value)``
        computed exactly at each concrete dimension when the general rules do not apply.
    """
    try:
        return _expect(
            expr, noise
        ), "symbolic at general dimensions (linearity; independence across the summation index)"
    except _NotLinear:
        return [(vals, _moments_concrete(instantiate(expr, sizes, vals), noise)) for vals in sizes.concrete]


def variance(expr: Any, noise: NoiseMap, sizes: Sizes) -> tuple[Any, str] | list[tuple[tuple[int, ...], Any]]:
    """Var[expr] over independent noise; same contract as :func:`expectation`."""
    try:
        return _variance(
            expr, noise
        ), "symbolic at general dimensions (independence across the summation index)"
    except _NotLinear:
        out = []
        for vals in sizes.concrete:
            inst = instantiate(expr, sizes, vals)
            mean = _moments_concrete(inst, noise)
            out.append((vals, sympy.expand(_moments_concrete(inst**2, noise) - mean**2)))
        return out
