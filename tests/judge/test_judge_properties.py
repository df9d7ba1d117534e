"""Property tests at the judge's seams: any text gets a verdict, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.config import Budget
from checker.judge.choice import grade_choice
from checker.key import load_key
from checker.run.check import check_answer
from checker.run.sandbox import WorkerPool
from checker.verdict import VERDICTS

KEY = load_key()
MATH_IDS = [q.id for q in KEY.graded if q.kind != "choice"]
CHOICE_IDS = [q.id for q in KEY.graded if q.kind == "choice"]

# Fragments of the homework's notation, so that many generated answers parse and reach the engine.
TOKENS = [
    "X", "X^T", "w", "w^*", "x", "x'", "t", "I", "n", "\\lambda", "\\epsilon", "p", "\\sigma", "2", "1",
    "+", "-", " ", "=", "(", ")", "^{-1}", "^2", "\\frac{", "}{", "}", "\\sqrt{", "\\|w\\|^2", "\\cdot",
]  # fmt: skip
latexish = st.lists(st.sampled_from(TOKENS), max_size=14).map("".join)


@pytest.fixture(scope="module")
def pool() -> WorkerPool:
    with WorkerPool(Budget(seconds=2.0)) as p:
        yield p  # type: ignore[misc]


@given(qid=st.sampled_from(MATH_IDS), answer=st.one_of(latexish, st.text(max_size=40)))
def test_any_math_answer_gets_a_verdict(pool: WorkerPool, qid: str, answer: str) -> None:
    verdict = check_answer(KEY, qid, answer, pool=pool)
    assert verdict.verdict in VERDICTS
    assert 0.0 <= verdict.score <= verdict.max_score
    assert verdict.answer is not None and verdict.answer.startswith(answer[:50])
    assert verdict.verdict != "error" or verdict.feedback.endswith("a TA will grade it by hand")
    if verdict.verdict in ("unparsed", "missing", "error"):
        assert verdict.score == 0.0


@given(qid=st.sampled_from(CHOICE_IDS), answer=st.text(max_size=200))
def test_any_choice_answer_gets_a_verdict(qid: str, answer: str) -> None:
    question = KEY.question(qid)
    verdict = grade_choice(question, answer)
    assert verdict.verdict in ("correct", "incorrect", "needs_review", "missing")
    assert 0.0 <= verdict.score <= verdict.max_score
    assert verdict.answer == answer
    assert (verdict.verdict == "correct") == (
        verdict.score == verdict.max_score and verdict.verdict != "needs_review"
    )


@given(
    qid=st.sampled_from(CHOICE_IDS),
    prefix=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
)
def test_reference_prose_after_unrelated_text_stays_decided(qid: str, prefix: str) -> None:
    # Text without any option phrase cannot change the decision of the key's own reference.
    question = KEY.question(qid)
    base = grade_choice(question, question.reference)
    noise = "".join(ch for ch in prefix if not ch.isalnum())
    combined = grade_choice(question, noise + " " + question.reference)
    assert combined.verdict == base.verdict == "correct"
