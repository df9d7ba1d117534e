"""``collect``'s one-walk fast path finds exactly what the plain three-walk definition finds.

The variables' order and rules decide the sample points, so any difference would change verdict
evidence.  The plain definition (the original ``collect``: ``too_large`` on every side, the
recursive ``walk``, ``atoms(Identity)``, ``rule_for`` per scalar) is kept here verbatim and compared
with :func:`checker._collect.collect`, with the merge of cached summaries used for the key's side,
and with the per-expression summaries, on the hw3 key's forms, the benchmark corpus's answers,
hand-made edge cases and random trees.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from sympy.concrete.summations import Sum

from checker.engine import collect as col
from checker.engine.cascade import PointMemo, compare, substitute_definitions
from checker.engine.exact import Unsupported
from checker.engine.symbolic import atomized
from checker.errors import CheckerError
from checker.key import Question, SymbolSpec, SymbolTable, load_key
from checker.latex import definitions, parse

ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------------
# the plain definition, as it was before the fast path
# ---------------------------------------------------------------------------------------------


def plain_rule_for(symbol: sympy.Symbol, table: SymbolTable) -> col.Rule:
    lower = upper = None
    if table.has(symbol.name):
        spec = table.symbol(symbol.name)
        lower, upper = spec.lower, spec.upper
    positive = bool(symbol.is_positive)
    nonneg = bool(symbol.is_nonnegative) and not positive
    nonzero = bool(symbol.is_nonzero) and not positive
    if symbol.is_integer:
        return col.Rule("integer", positive, nonneg, nonzero)
    if lower is not None and upper is not None:
        return col.Rule("interval", lower=lower, upper=upper)
    if lower is not None:
        return col.Rule("rational", lower=lower)
    if upper is not None:
        return col.Rule("rational", positive=positive, nonnegative=nonneg, nonzero=nonzero, upper=upper)
    return col.Rule("rational", positive, nonneg, nonzero)


def plain_walk(expr: sympy.Basic, bound: frozenset[sympy.Basic], out: dict[str, sympy.Basic]) -> None:
    if isinstance(expr, Sum):
        inner = bound | frozenset(expr.variables)
        plain_walk(expr.function, inner, out)
        for limit in expr.limits:
            for part in limit[1:]:
                plain_walk(part, bound, out)
        return
    if isinstance(expr, sympy.MatrixSymbol):
        out[expr.name] = expr
        for dim in expr.shape:
            plain_walk(dim, bound, out)
        return
    if isinstance(expr, sympy.Symbol):
        if expr not in bound:
            out[expr.name] = expr
        return
    for arg in expr.args:
        if isinstance(arg, sympy.Basic):
            plain_walk(arg, bound, out)


def plain_too_large(expr: sympy.Basic) -> str | None:
    stack: list[tuple[sympy.Basic, int]] = [(expr, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > 120:
            return "the expression is nested deeper than 120 levels"
        if nodes > 50_000:
            return "the expression has more than 50000 nodes"
        stack.extend((arg, depth + 1) for arg in node.args if isinstance(arg, sympy.Basic))
    return None


def plain_collect(exprs: Iterable[sympy.Basic], table: SymbolTable) -> col.Variables:
    exprs = list(exprs)
    for e in exprs:
        problem = plain_too_large(e)
        if problem is not None:
            raise Unsupported(problem)
    found: dict[str, sympy.Basic] = {}
    for e in exprs:
        plain_walk(e, frozenset(), found)
    shape_dims: set[str] = set()
    for obj in found.values():
        if isinstance(obj, sympy.MatrixSymbol):
            shape_dims |= {s.name for s in obj.shape[0].free_symbols | obj.shape[1].free_symbols}
    for e in exprs:
        for ident in e.atoms(sympy.Identity):
            shape_dims |= {s.name for s in ident.rows.free_symbols}
    used = shape_dims | (set(table.dimensions) & set(found))
    order = [spec.name for spec in table.symbols]
    dims = tuple(sorted(used, key=lambda nm: (order.index(nm) if nm in order else len(order), nm)))
    scalars = tuple(
        (name, plain_rule_for(obj, table))
        for name, obj in sorted(found.items())
        if isinstance(obj, sympy.Symbol) and name not in dims
    )
    matrices = tuple(
        (name, obj.shape[0], obj.shape[1])
        for name, obj in sorted(found.items())
        if isinstance(obj, sympy.MatrixSymbol)
    )
    latex = tuple((spec.name, spec.latex) for spec in table.symbols if spec.name in found)
    return col.Variables(dims, scalars, matrices, latex)


def _outcome(run: object) -> object:
    """The value of ``run()``, or the Unsupported message it raised."""
    try:
        return run()  # type: ignore[operator]
    except Unsupported as exc:
        return ("Unsupported", str(exc))


def assert_same(exprs: Sequence[sympy.Basic], table: SymbolTable) -> None:
    expected = _outcome(lambda: plain_collect(exprs, table))
    assert _outcome(lambda: col.collect(exprs, table)) == expected
    assert _outcome(lambda: col.collect(iter(exprs), table)) == expected  # any iterable, walked once
    if exprs:  # the judge's merge: the key's side from the process cache, the answer's walked now
        merged = [col.summarize_fixed(exprs[0]), *(col.summarize(e) for e in exprs[1:])]
        assert _outcome(lambda: col.variables_of(merged, table)) == expected
    for e in exprs:
        summary = col.summarize(e)
        assert summary.problem == plain_too_large(e)
        if summary.problem is None:
            found: dict[str, sympy.Basic] = {}
            plain_walk(e, frozenset(), found)
            assert summary.found == tuple(found.items())  # same symbols, same order
            idents = {s.name for i in e.atoms(sympy.Identity) for s in i.rows.free_symbols}
            assert summary.identity_dims == idents
    if isinstance(expected, col.Variables):  # rule_for, on its own, as it was
        every: dict[str, sympy.Basic] = {}
        for e in exprs:
            plain_walk(e, frozenset(), every)
        for name, rule in expected.scalars:
            assert isinstance(every[name], sympy.Symbol)
            assert col.rule_for(every[name], table) == rule


# ---------------------------------------------------------------------------------------------
# the hw3 key and the benchmark corpus
# ---------------------------------------------------------------------------------------------


def _math_questions() -> list[Question]:
    return [q for q in load_key().questions if q.kind != "choice"]


def _sides(text: str, q: Question) -> tuple[sympy.Basic, ...]:
    try:
        return parse(text, q.symbols, options=q.options).sides
    except CheckerError:  # an answer the parser refuses has no variables to collect
        return ()


def _forms(q: Question) -> Iterator[sympy.Basic]:
    for text in (q.reference, *q.accepted, *(m.answer for m in q.mistakes)):
        yield from _sides(text, q)


def _corpus_answers() -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from corpus import build_corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    out: dict[str, list[str]] = {}
    for item in build_corpus(600):
        out.setdefault(item.question, []).append(item.answer)
    return out


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[str]]:
    return _corpus_answers()


@pytest.mark.parametrize("q", _math_questions(), ids=lambda q: q.id)
def test_key_forms_and_corpus_answers(q: Question, corpus: dict[str, list[str]]) -> None:
    table = q.symbols
    forms = list(_forms(q))
    assert forms, "the reference parses"
    answers = [side for text in corpus.get(q.id, [])[:30] for side in _sides(text, q)]
    defs = definitions(table, q.options)
    checked = 0
    for ref in forms:
        for cand in [*forms, *answers]:
            for a, b in ((ref, cand), (cand, ref)):
                assert_same([a, b], table)
                assert_same([substitute_definitions(a, defs), substitute_definitions(b, defs)], table)
                atomized_pair, _ = atomized(a, b)
                assert_same(atomized_pair, table)
                checked += 1
    assert_same(forms, table)
    assert_same([], table)
    assert checked >= len(forms) ** 2


def test_the_judge_memo_collects_what_the_plain_definition_does() -> None:
    q = next(q for q in _math_questions() if q.id == "1.2.2")
    ref = _sides(q.reference, q)[-1]
    for text in (q.reference, *q.accepted):
        cand = _sides(text, q)[-1]
        for fixed in (True, False):
            memo = PointMemo(reference_fixed=fixed)
            compare(ref, cand, q.symbols, memo=memo)  # fills the memo as a judgement does
            for (r, c, table), found in memo.variables.items():
                assert found == plain_collect([r, c], table)


# ---------------------------------------------------------------------------------------------
# edge cases
# ---------------------------------------------------------------------------------------------

n, d, k = sympy.symbols("n d k", integer=True, positive=True)
i, j = sympy.symbols("i j", integer=True)
x, y = sympy.symbols("x y")
x_pos = sympy.Symbol("x", positive=True)
p = sympy.Symbol("p", real=True, positive=True)
W = sympy.MatrixSymbol("W", n, d)
V = sympy.MatrixSymbol("V", k + 1, 1)
X_mat = sympy.MatrixSymbol("x", 1, 1)  # a matrix named like the scalar x
N_mat = sympy.MatrixSymbol("n", n, 1)  # a matrix named like its own dimension

TABLE = SymbolTable(
    (
        SymbolSpec("n", "n", shape="scalar", assumptions=frozenset({"integer", "positive"})),
        SymbolSpec("W", "W", shape=("n", "d"), assumptions=frozenset()),
        SymbolSpec("d", "d", assumptions=frozenset({"integer", "positive"})),
        SymbolSpec("p", "p", lower=Fraction(0), upper=Fraction(1)),
        SymbolSpec("y", "y", lower=Fraction(2)),
        SymbolSpec("x", "x", upper=Fraction(5)),
        SymbolSpec("p", "\\pi", lower=Fraction(-1)),  # a repeated name: the first spec counts
        SymbolSpec("n", "N"),
    )
)
EMPTY = SymbolTable(())


def _nested(depth: int) -> sympy.Basic:
    """``x`` at the given depth, in tuples."""
    e: sympy.Basic = x
    for _ in range(depth - 1):
        e = sympy.Tuple(e)
    return e


def _deep(levels: int) -> sympy.Basic:
    e: sympy.Basic = x
    for m in range(levels):
        e = sympy.sin(e + m)
    return e


EDGE_CASES: list[list[sympy.Basic]] = [
    [Sum(x * i**2, (i, 1, n)) + i, y],  # the index is bound inside the sum, free outside
    [Sum(Sum(i * j, (j, 1, i)), (i, 1, n + k))],
    [Sum(i, (i, 1, n)), i + p],
    [x + y, x_pos * 2],  # the same name with other assumptions: the last one met counts
    [x_pos * 2, x + y],
    [x_pos + x + sympy.sin(x_pos)],
    [X_mat[0, 0] + x],
    [x + X_mat[0, 0]],
    [N_mat.T * N_mat],
    [(N_mat.T * N_mat)[0, 0] + n],
    [W.T * W + sympy.Identity(d)],
    [sympy.Trace(sympy.Identity(k + 1) + V * V.T), p],
    [sympy.Identity(n)[0, 0]],
    [(V.T * V)[0, 0] * sympy.Dummy("entry0", real=True)],
    [sympy.Integer(3)],
    [x, y, p, n],
    [_deep(130)],
    [_deep(119), _deep(121)],
    [_nested(120), y],  # at the depth limit
    [_nested(121), y],  # past it
    [x, sympy.Tuple(*sympy.symbols("a0:49999"))],  # at the node limit
    [x, sympy.Tuple(*sympy.symbols("a0:50000"))],  # past it
]


@pytest.mark.parametrize("exprs", EDGE_CASES, ids=range(len(EDGE_CASES)))
@pytest.mark.parametrize("table", [TABLE, EMPTY], ids=["table", "empty"])
def test_edge_cases(exprs: list[sympy.Basic], table: SymbolTable) -> None:
    assert_same(exprs, table)
    assert_same(exprs[::-1], table)


def test_both_limits_report_what_too_large_reports() -> None:
    # too_large meets the last argument first: its message depends on its order, kept as it is
    wide_then_deep = sympy.Tuple(*sympy.symbols("c0:50010"), _deep(125))
    deep_then_wide = sympy.Tuple(_deep(125), *sympy.symbols("c0:50010"))
    for e in (wide_then_deep, deep_then_wide):
        assert col.summarize(e).problem == plain_too_large(e) == col.too_large(e)
    assert "deeper" in str(col.too_large(wide_then_deep))
    assert "nodes" in str(col.too_large(deep_then_wide))


# ---------------------------------------------------------------------------------------------
# random trees
# ---------------------------------------------------------------------------------------------

LEAVES: list[sympy.Basic] = [x, y, x_pos, p, n, d, k, i, j, sympy.Integer(2), sympy.Rational(1, 3)]
ENTRIES: list[sympy.Basic] = [
    X_mat[0, 0],
    (W.T * W)[0, 0],
    (V.T * V)[0, 0],
    sympy.Trace(sympy.Identity(n)),
    (N_mat.T * N_mat)[0, 0],
    sympy.Identity(k + 2)[1, 1],
]


def _trees() -> st.SearchStrategy[sympy.Basic]:
    leaves = st.sampled_from(LEAVES + ENTRIES)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(inner, inner).map(lambda ab: ab[0] + ab[1]),
            st.tuples(inner, inner).map(lambda ab: ab[0] * ab[1]),
            st.tuples(inner, st.sampled_from([2, 3, -1])).map(lambda ab: ab[0] ** ab[1]),
            st.tuples(inner, st.sampled_from([i, j]), st.sampled_from([n, d + 1, x])).map(
                lambda t: Sum(t[0], (t[1], 1, t[2]))
            ),
            inner.map(sympy.Abs),
        ),
        max_leaves=10,
    )


@given(st.lists(_trees(), min_size=1, max_size=3), st.sampled_from([TABLE, EMPTY]))
def test_random_trees(exprs: list[sympy.Basic], table: SymbolTable) -> None:
    assert_same(exprs, table)
