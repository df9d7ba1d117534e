"""The printer reused and memoized prints exactly what a printer built afresh for each call prints.

The reference is the printer as it was before it was reused and memoized (``checker/latex/_printer.py``
at 4c752d8), kept here verbatim but for its names. Every render is compared byte for byte with it:
the key's forms and the benchmark corpus's answers under every question's table (spellings differ
per question), generated SymPy expressions, and the cases where a memo could go wrong (a node
printed with keyword arguments, numbers equal in value but not in type, one expression under two
tables). Each expression is rendered twice, so the second render is a memo hit.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sympy
from helpers_latex import key
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE

from checker.errors import CheckerError
from checker.key import Question, SymbolTable
from checker.latex import parse, to_latex
from checker.symbols import sympy_symbol

ROOT = Path(__file__).resolve().parents[2]

# ---- the reference: the printer before reuse and memo, verbatim but for its names ---------------


class _ReferencePrinter(LatexPrinter):  # type: ignore[misc]
    """SymPy's LaTeX printer with the table's spellings and our 1×1 collapse read back as a product."""

    def __init__(self, names: dict[sympy.Basic, str], identity: str) -> None:
        super().__init__({"symbol_names": names})
        self._identity = identity

    def _print_MatrixElement(self, expr: MatrixElement) -> str:
        parent = expr.parent
        if parent.shape == (1, 1) and expr.i == 0 and expr.j == 0:
            # Parenthesized so a power or a product applies to the whole collapsed scalar.
            return r"\left(" + str(self._print(parent)) + r"\right)"
        entry = self._entry(expr)
        return entry if entry is not None else str(super()._print_MatrixElement(expr))

    # Index notation (added with 3.1's expected loss): entries 1-based, one \sum per limit.

    def _entry(self, expr: MatrixElement) -> str | None:
        parent = expr.parent
        if not isinstance(parent, sympy.MatrixSymbol):
            return None
        at = (expr.i + 1, expr.j + 1)
        if not all(isinstance(k, sympy.Symbol | sympy.Integer) for k in at):
            return None
        name = str(self._print(parent))
        if any(mark in name for mark in "^_'{"):
            return None
        rows, cols = parent.shape
        if cols == 1:
            script = str(self._print(at[0]))
        elif rows == 1:
            script = str(self._print(at[1]))
        else:
            script = f"{self._print(at[0])},{self._print(at[1])}"
        return f"{name}_{{{script}}}"

    def _print_Sum(self, expr: sympy.Sum) -> str:
        head = "".join(
            rf"\sum_{{{self._print(var)}={self._print(low)}}}^{{{self._print(high)}}} "
            for var, low, high in reversed(expr.limits)
        )
        body = str(self._print(expr.function))
        if isinstance(expr.function, sympy.Add):
            body = r"\left(" + body + r"\right)"
        return head + body

    # SymPy's own matrix printers call ``could_extract_minus_sign``, which runs ``doit`` on every
    # product (slow, and it would expand our collapsed 1×1 scalars into sums): print them directly.

    def _print_MatMul(self, expr: sympy.MatMul) -> str:
        coeff, matrices = expr.as_coeff_matrices()
        factors = " ".join(self._factor(m) for m in matrices)
        if coeff == 1:
            return factors
        sign = ""
        if coeff.could_extract_minus_sign():
            sign, coeff = "- ", -coeff
        if coeff == 1:
            return sign + factors
        return sign + str(self.parenthesize(coeff, PRECEDENCE["Mul"], strict=True)) + " " + factors

    def _factor(self, matrix: sympy.Basic) -> str:
        text = str(self._print(matrix))
        if isinstance(matrix, sympy.MatAdd) or text.startswith("-"):
            return r"\left(" + text + r"\right)"
        return text

    def _print_MatAdd(self, expr: sympy.MatAdd) -> str:
        out = ""
        for term in expr.args:
            text = str(self._print(term))
            if not out:
                out = text
            elif text.startswith("- "):
                out += " - " + text[2:]
            else:
                out += " + " + text
        return out

    def _script(self, matrix: sympy.Basic, script: str) -> str:
        text = str(self._print(matrix))
        if not isinstance(matrix, sympy.MatrixSymbol | sympy.Identity) or "^" in text or "'" in text:
            text = r"\left(" + text + r"\right)"
        return text + "^{" + script + "}"

    def _print_Transpose(self, expr: sympy.Transpose) -> str:
        return self._script(expr.arg, "T")

    def _print_Inverse(self, expr: sympy.Inverse) -> str:
        return self._script(expr.arg, "-1")

    def _print_MatPow(self, expr: sympy.MatPow) -> str:
        return self._script(expr.base, str(self._print(expr.exp)))

    def _print_Identity(self, expr: sympy.Identity) -> str:
        return self._identity

    def _print_ZeroMatrix(self, expr: sympy.ZeroMatrix) -> str:
        return "0"

    def _print_sign(self, expr: sympy.Expr, exp: str | None = None) -> str:
        text = r"\operatorname{sgn}\left(" + str(self._print(expr.args[0])) + r"\right)"
        return text if exp is None else f"{text}^{{{exp}}}"


@functools.lru_cache(maxsize=64)
def _reference_spellings(table: SymbolTable) -> tuple[tuple[tuple[sympy.Basic, str], ...], str]:
    """The table's (symbol, LaTeX) pairs and the identity's spelling, built once per table."""
    names: list[tuple[sympy.Basic, str]] = []
    identity = "I"
    for spec in table.symbols:
        if spec.shape == "identity":
            identity = spec.latex
            continue
        names.append((sympy_symbol(spec, table), spec.latex))
    return tuple(names), identity


def reference_render(expr: sympy.Basic, table: SymbolTable) -> str:
    """``expr`` in LaTeX with the table's spellings, a printer built for this call alone."""
    names, identity = _reference_spellings(table)
    printer = _ReferencePrinter(dict(names), identity)
    if isinstance(expr, MatrixElement) and expr.parent.shape == (1, 1):
        return str(printer.doprint(expr.parent))
    if isinstance(expr, sympy.Identity):
        # Alone, the identity has no context to take its size from: write it.
        return f"{identity}_{{{printer.doprint(expr.shape[0])}}}"
    return str(printer.doprint(expr))


# ---- comparing ----------------------------------------------------------------------------------


def _outcome(render: Callable[[sympy.Basic, SymbolTable], str], expr: sympy.Basic, table: SymbolTable) -> str:
    """The text, or the exception's type and message: both printers must fail alike too."""
    try:
        return render(expr, table)
    except Exception as exc:  # the reference may fail on a generated value; ours must fail the same way
        return f"{type(exc).__name__}: {exc}"


def _assert_same(expr: sympy.Basic, tables: tuple[SymbolTable, ...]) -> None:
    for table in tables:
        expected = _outcome(reference_render, expr, table)
        assert _outcome(to_latex, expr, table) == expected, (expr, table)
        assert _outcome(to_latex, expr, table) == expected, (expr, table)  # again: a memo hit


def _questions() -> list[Question]:
    return [q for q in key().questions if q.kind != "choice"]


def _respelled(table: SymbolTable) -> SymbolTable:
    """``table`` with every symbol, the identity included, spelled differently."""
    symbols = tuple(dataclasses.replace(s, latex=r"\mathbf{" + s.latex + "}") for s in table.symbols)
    return dataclasses.replace(table, symbols=symbols)


@functools.cache
def _tables() -> tuple[SymbolTable, ...]:
    """Every question's table (w is spelled ``w`` in some, ``w^*`` in others) and a respelling of each."""
    tables = tuple(dict.fromkeys(q.symbols for q in key().questions))
    return tables + tuple(_respelled(t) for t in tables)


def _sides(text: str, q: Question) -> tuple[sympy.Basic, ...]:
    try:
        return parse(text, q.symbols, options=q.options).sides
    except CheckerError:
        return ()


def _key_forms(q: Question) -> Iterator[sympy.Basic]:
    forms = [q.reference, *q.accepted, *(m.answer for m in q.mistakes)]
    if q.follow_through is not None:
        forms.append(q.follow_through.reference)
    for text in forms:
        yield from _sides(text, q)


# ---- the key and the corpus -----------------------------------------------------------------------


@pytest.mark.parametrize("q", _questions(), ids=lambda q: q.id)
def test_key_forms_print_as_before(q: Question) -> None:
    forms = list(_key_forms(q))
    assert forms
    for expr in forms:
        _assert_same(expr, _tables())


@functools.cache
def _corpus(seed: int) -> tuple[tuple[sympy.Basic, SymbolTable], ...]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from corpus import build_corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    questions = {q.id: q for q in key().questions}
    return tuple(
        (side, questions[item.question].symbols)
        for item in build_corpus(1000, seed=seed)
        for side in _sides(item.answer, questions[item.question])
    )


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2], ids=lambda s: f"seed{s}")
def test_corpus_answers_print_as_before(seed: int) -> None:
    answers = _corpus(seed)
    assert len(answers) > 500
    for expr, table in answers:
        _assert_same(expr, (table,))
    for expr in dict.fromkeys(expr for expr, _ in answers):
        _assert_same(expr, _tables())


# ---- where a memo could go wrong -----------------------------------------------------------------


def _symbols(qid: str) -> dict[str, sympy.Basic]:
    table = key().question(qid).symbols
    return {s.name: sympy_symbol(s, table) for s in table if s.shape != "identity"}


def _hazards() -> list[tuple[str, list[sympy.Basic]]]:
    """Rows of expressions rendered in order, each compared with the reference."""
    s = _symbols("1.2.2")
    p, lam, n, d = s["p"], s["lambda"], s["n"], s["d"]
    X, w, x = s["X"], s["w"], s["x"]
    gram = X.T * X
    scalar = MatrixElement(w.T * x, 0, 0)
    k = sympy.Symbol("k", integer=True)
    return [
        # sin(p) alone, then printed with exp= inside a power: the memo must not answer the second.
        ("function_then_its_power", [sympy.sin(p), sympy.sin(p) ** 2, sympy.log(p) ** 3, sympy.log(p)]),
        ("integer_float_rational", [2 * p, sympy.Float(2) * p, p / 2, sympy.Float(0.5) * p, p**2, p**2.0]),
        ("unevaluated_forms", [sympy.Mul(2, p, evaluate=False), sympy.Mul(p, 2, evaluate=False), 2 * p]),
        ("unevaluated_sums", [sympy.Add(p, lam, evaluate=False), sympy.Add(lam, p, evaluate=False)]),
        ("order_of_matrices", [gram, X * X.T, (gram + 2 * n * lam * sympy.Identity(d)).I * X.T]),
        ("negated_child", [-gram, gram - gram.T * 3, (-gram).T, gram * (-gram)]),
        ("collapsed_scalar", [scalar, scalar**2, 2 * scalar, p * scalar + 1, sympy.sqrt(scalar)]),
        ("identity_alone_then_inside", [sympy.Identity(d), sympy.Identity(d) + gram, 2 * sympy.Identity(d)]),
        ("fraction_parts", [p / (1 - p), (1 - p) / p, 1 / (1 - p), (1 - p) ** -2, -p / (lam + n)]),
        ("sign_and_abs", [sympy.sign(p - 1), sympy.Abs(p - 1), sympy.Abs(p - 1) ** 2]),
        # the printer's own product and sum (signs from the first factor, one walk for brackets)
        (
            "products_with_brackets",
            [
                sympy.Sum(k * p, (k, 1, 3)) * lam,
                lam * sympy.Sum(k * p, (k, 1, 3)) + 1,
                sympy.Mod(n, 3) * p,
                p * sympy.Mod(n, 3) - lam,
                sympy.Integral(p, p) * lam,
                sympy.Mul(2, 3, p, evaluate=False),
                sympy.Mul(-1, p + lam, evaluate=False),
                sympy.Mul(-2, sympy.Rational(1, 2), p, evaluate=False),
                -2 * (p + lam),
                -(p + lam) / (1 - p),
                p - 2 * lam - 3 * n * p,
                sympy.Mul(p, -lam, evaluate=False) + n,
                sympy.zoo * p,
            ],
        ),
    ]


@pytest.mark.parametrize(("name", "exprs"), _hazards(), ids=[name for name, _ in _hazards()])
def test_memo_hazards_print_as_before(name: str, exprs: list[sympy.Basic]) -> None:
    for expr in exprs:
        _assert_same(expr, _tables())
    for expr in reversed(exprs):
        _assert_same(expr, _tables())


def test_one_expression_takes_each_tables_spellings() -> None:
    # 1.2.3 spells its scalar w as w^*; in 1.1.2 w is a vector, so the scalar w has no spelling there.
    w = _symbols("1.2.3")["w"]
    star, plain = key().question("1.2.3").symbols, key().question("1.1.2").symbols
    expected = {star: "2 w^*", plain: "2 w", _respelled(star): r"2 \mathbf{w^*}"}
    for table in [star, plain, _respelled(star), star, plain]:
        assert to_latex(2 * w, table) == reference_render(2 * w, table) == expected[table]


# ---- generated expressions -----------------------------------------------------------------------

NUMBERS = [sympy.Integer(k) for k in (-3, -1, 2, 3)] + [
    sympy.Rational(1, 2),
    sympy.Rational(-2, 3),
    sympy.Float(0.5),
    sympy.Float(2.0),
]
EXPONENTS = [sympy.Integer(k) for k in (-2, -1, 2, 3)] + [sympy.Rational(1, 2), sympy.Rational(-1, 2)]


@functools.cache
def _typed(qid: str) -> tuple[list[sympy.Basic], list[sympy.MatrixSymbol]]:
    scalars: list[sympy.Basic] = []
    matrices: list[sympy.MatrixSymbol] = []
    for spec in key().question(qid).symbols:
        if spec.shape == "identity":
            continue
        symbol = sympy_symbol(spec, key().question(qid).symbols)
        (matrices if isinstance(symbol, sympy.MatrixSymbol) else scalars).append(symbol)
    return scalars, matrices


@functools.cache
def _scalar(qid: str, depth: int) -> st.SearchStrategy[sympy.Basic]:
    scalars, matrices = _typed(qid)
    columns = [m for m in matrices if m.shape[1] == 1]
    leaf = st.sampled_from(scalars + NUMBERS)
    if depth == 0:
        return leaf
    sub = _scalar(qid, depth - 1)
    pair = st.tuples(sub, sub)
    dims = sorted({c.shape[0] for c in columns}, key=str)
    products = [
        st.tuples(_column(qid, k, depth - 1), _column(qid, k, depth - 1)).map(
            lambda uv: MatrixElement(uv[0].T * uv[1], 0, 0)
        )
        for k in dims
    ]
    return st.one_of(
        leaf,
        pair.map(lambda ab: ab[0] + ab[1]),
        pair.map(lambda ab: ab[0] - ab[1]),
        pair.map(lambda ab: ab[0] * ab[1]),
        pair.map(lambda ab: ab[0] / ab[1] if ab[1] != 0 else ab[0]),
        pair.map(lambda ab: sympy.Add(*ab, evaluate=False)),
        pair.map(lambda ab: sympy.Mul(*ab, evaluate=False)),
        st.tuples(sub, st.sampled_from(EXPONENTS)).map(lambda ak: ak[0] ** ak[1] if ak[0] != 0 else ak[0]),
        st.tuples(sub, st.sampled_from(_typed(qid)[0])).map(lambda ab: ab[0] ** ab[1]),
        sub.map(lambda a: -a),
        st.tuples(
            st.sampled_from([sympy.sqrt, sympy.Abs, sympy.sign, sympy.exp, sympy.log, sympy.sin]), sub
        ).map(lambda fa: fa[0](fa[1])),
        *products,
    )


@functools.cache
def _square(qid: str, size: sympy.Expr, depth: int) -> st.SearchStrategy[sympy.Basic]:
    _, matrices = _typed(qid)
    leaves: list[sympy.Basic] = [sympy.Identity(size)]
    leaves += [m.T * m for m in matrices if m.shape[1] == size]
    leaves += [m * m.T for m in matrices if m.shape[0] == size]
    leaf = st.sampled_from(leaves)
    if depth == 0:
        return leaf
    sub = _square(qid, size, depth - 1)
    pair = st.tuples(sub, sub)
    scalar = _scalar(qid, depth - 1)
    return st.one_of(
        leaf,
        pair.map(lambda ab: ab[0] + ab[1]),
        pair.map(lambda ab: ab[0] - ab[1]),
        pair.map(lambda ab: ab[0] * ab[1]),
        sub.map(lambda a: a.T),
        sub.map(lambda a: sympy.Inverse(a)),
        st.tuples(sub, st.sampled_from([2, 3, -2])).map(lambda ak: sympy.MatPow(ak[0], ak[1])),
        st.tuples(scalar, sub).map(lambda ca: ca[0] * ca[1]),
        sub.map(lambda a: -a),
    )


@functools.cache
def _column(qid: str, size: sympy.Expr, depth: int) -> st.SearchStrategy[sympy.Basic]:
    _, matrices = _typed(qid)
    leaf = st.sampled_from([m for m in matrices if m.shape == (size, 1)])
    if depth == 0:
        return leaf
    sub = _column(qid, size, depth - 1)
    return st.one_of(
        leaf,
        st.tuples(sub, sub).map(lambda ab: ab[0] + ab[1]),
        st.tuples(sub, sub).map(lambda ab: ab[0] - ab[1]),
        st.tuples(_square(qid, size, depth - 1), sub).map(lambda ab: ab[0] * ab[1]),
        st.tuples(_scalar(qid, depth - 1), sub).map(lambda ab: ab[0] * ab[1]),
        sub.map(lambda a: -a),
    )


def _expressions() -> st.SearchStrategy[sympy.Basic]:
    d = _typed("1.2.2")[1][0].shape[1]  # X is n×d
    return st.one_of(
        _scalar("1.2.3", 3),
        _scalar("3.2", 3),
        _column("1.2.2", d, 2),
        _square("1.2.2", d, 2),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_expressions(), min_size=1, max_size=4))
def test_generated_expressions_print_as_before(exprs: list[sympy.Basic]) -> None:
    for expr in exprs:
        _assert_same(expr, _tables())


def test_a_power_of_sgn_prints_and_reads_back() -> None:
    """Regression (found by the generated expressions): SymPy hands a power's exponent to the
    function's printer, and ``1/sgn(x)^2`` raised a TypeError instead of printing."""
    table = key().question("1.2.3").symbols
    x = _symbols("1.2.3")["x"]  # real, of unknown sign: sgn(x) stays
    expr = -1 / sympy.sign(x) ** 2
    text = to_latex(expr, table)
    assert r"\operatorname{sgn}\left(" in text and "^{2}" in text
    assert parse(text, table).expr == expr
