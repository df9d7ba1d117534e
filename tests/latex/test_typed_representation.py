"""The typed SymPy the equivalence engine and the derivations rely on: exact objects, not just values."""

from __future__ import annotations

import pytest
import sympy
from helpers_latex import equivalent, question, table
from sympy.matrices.expressions.matexpr import MatrixElement

from checker.key import SymbolSpec, SymbolTable
from checker.latex import definitions, parse, shape_of, to_latex
from checker.latex._algebra import _matmul
from checker.symbols import scalar_symbol, sympy_symbol


def sym(qid: str, name: str) -> sympy.Basic:
    tbl = table(qid)
    return sympy_symbol(tbl.symbol(name), tbl)


def test_scalars_are_the_key_symbols_with_their_assumptions() -> None:
    tbl = table("3.2")
    parsed = parse(r"\sigma \lambda p", tbl).expr
    expected = {scalar_symbol(tbl.symbol(name)) for name in ("sigma", "lambda", "p")}
    assert parsed.free_symbols == expected
    assert all(s.is_positive for s in parsed.free_symbols)


def test_matrices_are_matrix_symbols_with_dimension_symbols() -> None:
    X = parse("X", table("1.2.2")).expr
    assert isinstance(X, sympy.MatrixSymbol)
    assert sym("1.2.2", "X") == X
    n, d = X.shape
    assert (n.name, d.name) == ("n", "d") and n.is_integer and d.is_positive


def test_products_keep_their_order() -> None:
    tbl = table("1.2.2")
    xtx = parse(r"X^T X", tbl).expr
    xxt = parse(r"X X^T", tbl).expr
    X = sym("1.2.2", "X")
    assert xtx == sympy.MatMul(sympy.Transpose(X), X)
    assert xxt == sympy.MatMul(X, sympy.Transpose(X))
    assert xtx != xxt
    assert shape_of(xtx) == (X.shape[1], X.shape[1])
    assert shape_of(xxt) == (X.shape[0], X.shape[0])


def test_xxt_is_never_a_square() -> None:
    xxt = parse(r"X X^T", table("1.2.2")).expr
    assert not xxt.has(sympy.MatPow)
    assert not isinstance(xxt, sympy.Pow)


def test_prime_is_a_different_symbol_never_a_transpose() -> None:
    tbl = table("1.1.2")
    x_adv = parse("x'", tbl).expr
    x_t = parse("x^T", tbl).expr
    assert x_adv == sym("1.1.2", "x_adv")
    assert x_t == sympy.Transpose(sym("1.1.2", "x"))
    assert x_adv != x_t
    assert shape_of(x_adv) == shape_of(sym("1.1.2", "x"))


def test_star_transpose_is_the_transpose_of_w_star() -> None:
    assert parse(r"w^{*T}", table("1.2.2")).expr == sympy.Transpose(sym("1.2.2", "w"))


@pytest.mark.parametrize(
    ("latex", "inner"),
    [
        (r"w^T x", lambda w, x: sympy.MatMul(sympy.Transpose(w), x)),
        (r"w^T w", lambda w, x: sympy.MatMul(sympy.Transpose(w), w)),
        (r"\|w\|^2", lambda w, x: sympy.MatMul(sympy.Transpose(w), w)),
    ],
    ids=["wTx", "wTw", "norm"],
)
def test_one_by_one_collapses_to_a_matrix_element(latex: str, inner: object) -> None:
    tbl = table("1.1.2")
    w, x = sym("1.1.2", "w"), sym("1.1.2", "x")
    value = parse(latex, tbl).expr
    assert isinstance(value, MatrixElement)
    assert value == MatrixElement(inner(w, x), 0, 0)  # type: ignore[operator]
    assert shape_of(value) is None


def test_collapsed_scalars_mix_with_scalars() -> None:
    value = parse(r"\frac{w^T x}{\epsilon} + 1", table("1.1.2")).expr
    assert shape_of(value) is None
    assert isinstance(value, sympy.Expr)


def test_scalar_coefficient_stays_outside_the_collapse() -> None:
    value = parse(r"\epsilon w^T w", table("1.1.2")).expr
    eps = scalar_symbol(table("1.1.2").symbol("epsilon"))
    w = sym("1.1.2", "w")
    assert value == eps * MatrixElement(sympy.MatMul(sympy.Transpose(w), w), 0, 0)


def test_only_literal_one_by_one_shapes_collapse() -> None:
    value = parse(r"X^T X", table("1.2.2")).expr  # d×d with symbolic d: never collapsed
    assert not isinstance(value, MatrixElement)
    one_d = parse(r"X^T X", table("1.2.3")).expr  # n×1 column: XᵀX is literally 1×1
    assert isinstance(one_d, MatrixElement)


@pytest.mark.parametrize(
    ("latex", "size"),
    [(r"X^T X + \lambda I", "d"), (r"X X^T + \lambda I", "n"), (r"I_d", "d"), (r"I_{n}", "n")],
    ids=["next-to-XtX", "next-to-XXt", "I_d", "I_n"],
)
def test_identity_takes_its_size_from_context(latex: str, size: str) -> None:
    value = parse(latex, table("1.2.2")).expr
    identities = list(value.atoms(sympy.Identity)) if not isinstance(value, sympy.Identity) else [value]
    assert identities
    assert all(i.shape[0].name == size for i in identities)


def test_inverse_is_a_matrix_inverse() -> None:
    value = parse(r"(X^T X)^{-1}", table("1.2.2")).expr
    X = sym("1.2.2", "X")
    assert value == sympy.Inverse(sympy.MatMul(sympy.Transpose(X), X))


def test_defined_symbols_are_not_substituted() -> None:
    parsed = parse(r"f(x'; w^*)", table("1.2.3"), options=question("1.2.3").options)
    assert sym("1.2.3", "x_adv") in parsed.expr.free_symbols
    assert sym("1.2.3", "w") in parsed.expr.free_symbols


def test_functions_are_applied_at_parse_time() -> None:
    tbl = table("1.1.2")
    assert equivalent(parse(r"f(x'; w)", tbl).expr, parse(r"w^T x'", tbl).expr, tbl)
    assert parse(r"f(x'; w)", tbl).expr == parse(r"w^T x'", tbl).expr


def test_definitions_give_every_defined_symbol() -> None:
    q = question("1.2.3")
    defs = definitions(q.symbols, q.options)
    assert set(defs) == {sym("1.2.3", "x_adv"), sym("1.2.3", "w")}
    w_def = defs[sym("1.2.3", "w")]
    assert equivalent(
        w_def, parse(r"\frac{X^T t}{X^T X + 2 n \lambda}", q.symbols, options=q.options).expr, q.symbols
    )
    assert definitions(table("1.2.4")) == {}


@pytest.mark.parametrize(
    ("qid", "latex", "shown"),
    [
        ("1.1.2", r"x_{adv}", "x'"),
        ("1.2.3", r"w", "w^*"),
        ("1.2.2", r"(X^T X + \lambda I)^{-1}", r"\left(X^{T} X + \lambda I\right)^{-1}"),
        ("1.1.2", r"\epsilon", r"\epsilon"),
        ("1.2.2", r"X^T X w - X^T t = 0", "0"),
    ],
    ids=["x-prime", "w-star", "identity", "greek", "zero-matrix"],
)
def test_to_latex_uses_the_key_spellings(qid: str, latex: str, shown: str) -> None:
    tbl = table(qid)
    parsed = parse(latex, tbl)
    assert to_latex(parsed.expr, tbl) == shown or shown in parsed.read_as


def test_read_as_joins_sides() -> None:
    parsed = parse(r"\sigma = \sqrt{p}", table("3.2"))
    assert parsed.read_as == r"\sigma = \sqrt{p}"


def test_parse_is_pure_between_calls() -> None:
    tbl = table("1.2.2")
    first = parse(r"(X^T X + 2 n \lambda I)^{-1} X^T t", tbl)
    parse(r"X^2", table("1.2.3"), options=question("1.2.3").options)  # shorthand elsewhere
    again = parse(r"(X^T X + 2 n \lambda I)^{-1} X^T t", tbl)
    assert first == again


def test_identity_subscript_sizes_it_without_an_alias() -> None:
    tbl = SymbolTable(
        (
            SymbolSpec("n", "n", assumptions=frozenset({"integer", "positive"})),
            SymbolSpec("v", "v", shape=("n", 1)),
            SymbolSpec("I", "I", shape="identity"),
        )
    )
    value = parse(r"I_n v", tbl)
    assert value.expr == sympy_symbol(tbl.symbol("v"), tbl)
    assert parse(r"I_{3}", tbl).expr == sympy.Identity(3)


def test_the_product_memo_keeps_order_and_tells_symbols_apart() -> None:
    n = sympy.Symbol("n", integer=True, positive=True)
    a, b = sympy.MatrixSymbol("A", n, n), sympy.MatrixSymbol("B", n, n)
    assert _matmul(a, b) is _matmul(a, b)  # one canonical product, built once
    assert _matmul(a, b) != _matmul(b, a)  # order is never lost to the memo
    m = sympy.Symbol("n")  # same name, other assumptions: another symbol, another product
    c = sympy.MatrixSymbol("A", m, m)
    assert _matmul(c, c).shape == (m, m) and _matmul(a, a).shape == (n, n)
