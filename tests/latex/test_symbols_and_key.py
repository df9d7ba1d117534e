"""The key's spellings are all readable, and the bundled key validates with this front end."""

from __future__ import annotations

import pytest
from helpers_latex import key, table

from checker.key import SymbolSpec, SymbolTable, load_key
from checker.latex import _function_body, parse
from checker.latex._symbols import Resolver, spelling_key
from checker.symbols import sympy_symbol

SPELLINGS = sorted(
    {
        (q.id, spec.name, spelling)
        for q in key().questions
        for spec in q.symbols
        for spelling in spec.spellings
    }
)


@pytest.mark.parametrize(
    ("qid", "name", "spelling"), SPELLINGS, ids=[f"{q}:{n}:{s}" for q, n, s in SPELLINGS]
)
def test_every_spelling_in_the_key_reads_as_its_symbol(qid: str, name: str, spelling: str) -> None:
    tbl = table(qid)
    assert spelling_key(spelling) is not None
    spec = tbl.symbol(name)
    if spec.shape == "identity":
        return  # sized by context; covered by the identity tests
    assert parse(spelling, tbl).expr == sympy_symbol(spec, tbl)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (r"w^*_{ridge}", r"w_{ridge}^*"),
        (r"\mathbf{w}", "w"),
        (r"\boldsymbol w", "w"),
        (r"\hat w", r"\hat{w}"),
        (r"w^{\star}", r"w^*"),
        ("ε", r"\epsilon"),
        (r"\varepsilon", r"\epsilon"),
        (r"x^{\prime}", "x'"),
        (r"w^*_{\text{ridge}}", r"w^*_{ridge}"),
        (r"\mathbb{I}", "I"),
    ],
    ids=[
        "script-order",
        "mathbf",
        "boldsymbol",
        "hat-braces",
        "star",
        "unicode",
        "varepsilon",
        "prime",
        "text",
        "mathbb",
    ],
)
def test_spellings_normalize_to_one_key(a: str, b: str) -> None:
    assert spelling_key(a) == spelling_key(b) is not None


def test_first_symbol_wins_a_spelling_clash() -> None:
    tbl = SymbolTable((SymbolSpec("a", "a"), SymbolSpec("b", "b", aliases=("a",))))
    resolver = Resolver.build(tbl)
    assert resolver.lookup(spelling_key("a")) == tbl.symbol("a")  # type: ignore[arg-type]


def test_bundled_key_loads_with_latex_validation() -> None:
    loaded = load_key()  # parses every reference, accepted form, mistake, target and definition
    assert {q.id for q in loaded.questions} >= {"1.1.2", "1.2.2", "1.2.3", "3.2"}


def test_every_key_answer_has_the_target_shape() -> None:
    for q in key().questions:
        if q.kind == "choice":
            continue
        reference = parse(q.reference, q.symbols, options=q.options).expr
        for accepted in q.accepted:
            other = parse(accepted, q.symbols, options=q.options).expr
            assert getattr(other, "shape", None) == getattr(reference, "shape", None), (q.id, accepted)


def test_a_key_function_body_is_parsed_once_however_often_it_is_applied() -> None:
    tbl = table("1.1.2")
    once = parse("f(x; w)", tbl).expr
    before = _function_body.cache_info()
    parse("f(x; w) - f(x'; w) + f(x; w)", tbl)
    after = _function_body.cache_info()
    assert after.misses == before.misses  # no new parse of the body ...
    assert after.hits >= before.hits + 3  # ... for any of the three applications
    assert parse("f(x; w)", tbl).expr == once  # and the cached body reads the same
