"""One source of truth: the key's reference answers are the final answers of the derivations.

Every key question with ``derivation = "..."`` names a module of ``derivations/`` for the same
question; its reference (and each accepted form) parsed by the LaTeX front end equals the
derivation's answer step, and each known mistake does not.  Equality is proved exactly by the
prover's zero test: at general dimensions, else at concrete dimensions with symbolic entries.
"""

from __future__ import annotations

import dataclasses

import pytest
import sympy
from hw3_derivations import NAMES, all_derivations, get, homework, key

from checker.derivation import rules as _prove
from checker.derivation.homework import check_against_key
from checker.judge import KeyFinding
from checker.latex import parse

KEY = key()
BACKED = tuple(q for q in KEY.questions if q.derivation is not None)


FINDINGS = check_against_key(homework())


def test_every_derivation_backs_a_key_question_and_back() -> None:
    assert sorted(q.derivation for q in BACKED if q.derivation) == sorted(NAMES)
    for derivation in all_derivations():
        assert KEY.question(derivation.question).derivation == derivation.name
    assert not [f for f in FINDINGS if f.kind in ("derivation:unused", "derivation:question")]


CASES = tuple(f for f in FINDINGS if f.kind.startswith("derivation:"))


@pytest.mark.parametrize("finding", CASES, ids=[f"{f.question}-{f.kind}-{i}" for i, f in enumerate(CASES)])
def test_key_forms_agree_with_the_derivation_answer(finding: KeyFinding) -> None:
    """References and accepted forms equal the derivation's answer; known mistakes do not."""
    assert finding.status == "ok", finding.detail


def test_every_backed_form_is_checked() -> None:
    kinds = [f.kind for f in CASES]
    assert kinds.count("derivation:reference") == len(BACKED)
    assert kinds.count("derivation:accepted") == sum(len(q.accepted) for q in BACKED)
    assert kinds.count("derivation:mistake") == sum(len(q.mistakes) for q in BACKED)


def test_a_mistake_equal_to_the_derivation_answer_fails() -> None:
    """The check can fail: a key whose 'mistake' is the right answer is reported."""
    q = KEY.question("3.2")
    wrong = dataclasses.replace(q, mistakes=(dataclasses.replace(q.mistakes[0], answer=q.reference),))
    broken = dataclasses.replace(KEY, questions=(wrong,))  # only 3.2 and its derivation: fast
    found = check_against_key(dataclasses.replace(homework(), key=broken, derivations=(get("q3_2"),)))
    failed = [f for f in found if f.status == "failed"]
    assert [(f.question, f.kind) for f in failed] == [("3.2", "derivation:mistake")]


def test_1d_ridge_definition_is_the_ridge_answer_at_d_1() -> None:
    """The key's w* for 1.2.3 and step 2 of q1_2_3 are 1.2.2's closed form at d = 1."""
    ridge = get("q1_2_2")
    n, d = ridge.dimensions
    q = KEY.question("1.2.3")
    w_spec = q.symbols.symbol("w")
    assert w_spec.define is not None
    defined = parse(w_spec.define, q.symbols, options=q.options).expr
    one_d = get("q1_2_3")
    step_value = one_d.steps[1].claim.rhs
    for rows in (1, 2, 3):
        closed = _prove.instantiate(ridge.answer, _prove.Sizes((n, d), ((rows, 1),)), (rows, 1))[0, 0]
        sizes = _prove.Sizes((n,), ((rows,),))
        for value in (defined, step_value):
            difference = sympy.simplify(closed - _prove.instantiate(value, sizes, (rows,)))
            assert difference == 0


def test_3_1_reference_is_the_expected_loss_not_its_coefficient() -> None:
    """3.1's reference is the whole expected loss E_m[J]; the bare weight (1-p)/p is not it."""
    q = KEY.question("3.1")
    assert r"\sum" in q.reference
    coefficient_only = dataclasses.replace(q, reference=r"\frac{1-p}{p}", accepted=(), mistakes=())
    broken = dataclasses.replace(
        KEY, questions=tuple(coefficient_only if x.id == "3.1" else x for x in KEY.questions)
    )
    only = dataclasses.replace(homework(), key=broken, derivations=(get("q3_1"),))
    found = check_against_key(only)
    assert [(f.question, f.kind) for f in found if f.status == "failed"] == [("3.1", "derivation:reference")]


def test_nested_sums_normalize_without_looping() -> None:
    """Sum(Sum(f, inner), outer) is one multi-limit Sum to SymPy: the linear normal form must not
    rebuild it (it once recursed forever on the expected loss's double sum)."""
    i, j = sympy.symbols("i j", integer=True, positive=True)
    n, d = sympy.symbols("n d", integer=True, positive=True)
    a, b = sympy.IndexedBase("a"), sympy.IndexedBase("b")
    double = sympy.Sum(a[i] * b[j] ** 2, (j, 1, d), (i, 1, n))
    sizes = _prove.Sizes((n, d), ((2, 2),))
    assert _prove.prove_zero(2 * double - double - double, sizes).ok
    assert not _prove.prove_zero(double - sympy.Sum(a[i] * b[j], (j, 1, d), (i, 1, n)), sizes).ok
