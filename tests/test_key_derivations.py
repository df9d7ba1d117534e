"""One source of truth: the key's reference answers are the final answers of the derivations.

Every key question with ``derivation = "..."`` names a module of ``derivations/`` for the same
question; its reference (and each accepted form) parsed by the LaTeX front end equals the
derivation's answer step, and each known mistake does not.  Equality is proved exactly by the
prover's zero test: at general dimensions, else at concrete dimensions with symbolic entries.
"""

from __future__ import annotations

from typing import Any

import pytest
import sympy

from checker import _prove
from checker.derivation import Derivation
from checker.key import Question, load_key
from checker.latex import parse
from derivations import NAMES, all_derivations, get

KEY = load_key(validate_latex=False)
BACKED = tuple(q for q in KEY.questions if q.derivation is not None)


def _scalar(expr: Any) -> Any:
    """1×1 matrix expressions as the scalar the parser produces for them."""
    if _prove.is_matrix(expr) and expr.shape == (1, 1):
        return expr[0, 0]
    return expr


def _agrees(derivation: Derivation, question: Question, latex: str) -> _prove.Outcome:
    parsed = parse(latex, question.symbols, options=question.options).expr
    answer = derivation.answer
    sizes = _prove.Sizes(tuple(derivation.dimensions), derivation.trial_dimensions)
    return _prove.prove_zero(_scalar(answer) - _scalar(parsed), sizes, what="answer - key")


def test_every_derivation_backs_a_key_question_and_back() -> None:
    assert sorted(q.derivation for q in BACKED if q.derivation) == sorted(NAMES)
    for derivation in all_derivations():
        assert KEY.question(derivation.question).derivation == derivation.name


@pytest.mark.parametrize("question", BACKED, ids=[q.id for q in BACKED])
def test_reference_equals_the_derivation_answer(question: Question) -> None:
    assert question.derivation is not None
    outcome = _agrees(get(question.derivation), question, question.reference)
    assert outcome.ok, outcome.reason


ACCEPTED = tuple((q, form) for q in BACKED for form in q.accepted)


@pytest.mark.parametrize("question, form", ACCEPTED, ids=[f"{q.id}: {f}" for q, f in ACCEPTED])
def test_accepted_forms_equal_the_derivation_answer(question: Question, form: str) -> None:
    assert question.derivation is not None
    outcome = _agrees(get(question.derivation), question, form)
    assert outcome.ok, outcome.reason


MISTAKES = tuple((q, m.answer, m.tag) for q in BACKED for m in q.mistakes)


@pytest.mark.parametrize("question, answer, tag", MISTAKES, ids=[f"{q.id}: {t}" for q, _, t in MISTAKES])
def test_known_mistakes_differ_from_the_derivation_answer(question: Question, answer: str, tag: str) -> None:
    assert question.derivation is not None
    outcome = _agrees(get(question.derivation), question, answer)
    assert not outcome.ok, f"mistake {tag} equals the derivation's answer"


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
