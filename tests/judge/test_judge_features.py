"""What a TA can say beyond a reference and its mistakes, judged: ill-typed mistakes, required
forms, operators left unevaluated, claims.  None of it may make a wrong answer correct."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from keyfeatures import write_features_key

from checker.judge.answer import judge
from checker.judge.selftest import self_test
from checker.key import Key, load_key


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Key:
    return load_key(write_features_key(tmp_path_factory.mktemp("features")))


# (id, question, answer, verdict, answer_note, score)
ROWS = [
    # ill-typed answers matched to ill-typed mistakes, untyped
    ("missing-I", "ridge", r"(X^T X + \lambda)^{-1} X^T t", "incorrect", "missing_identity", 1.0),
    ("missing-I-spelt-otherwise", "ridge", r"\left(X^{T}X+\lambda\right)^{-1}X^{T}t", "incorrect", "missing_identity", 1.0),
    ("gram-swapped", "ridge", r"(X X^T + \lambda I)^{-1} X^T t", "incorrect", "gram_swapped", 0.5),
    ("ill-typed-other", "ridge", r"(X X^T + 2\lambda I)^{-1} X^T t", "incorrect", "shape_mismatch", 0.0),
    ("ill-typed-reordered", "ridge", r"X^T t (X X^T + \lambda I)^{-1}", "incorrect", "shape_mismatch", 0.0),
    # the required form: the n x n inverse
    ("in-form", "ridge", r"X^T (X X^T + \lambda I)^{-1} t", "correct", "correct", 2.0),
    ("in-form-spelt-otherwise", "ridge", r"X^{\top}\left(XX^{\top}+\lambda I_n\right)^{-1}t", "correct", "correct", 2.0),
    ("other-form", "ridge", r"(X^T X + \lambda I)^{-1} X^T t", "incorrect", "not_required_form", 1.0),
    ("wrong-in-form", "ridge", r"X^T (X X^T + 2\lambda I)^{-1} t", "incorrect", "incorrect", 0.0),
    # operators left unevaluated
    ("gradient-listed", "grad", r"\nabla_x (x^T A x)", "incorrect", "unevaluated_operator", 0.0),
    ("gradient-default", "grad-default", r"\nabla_x (x^T A x)", "needs_review", "unevaluated_operator", 0.0),
    ("gradient-evaluated", "grad", r"A x + A^T x", "correct", "correct", 1.0),
    ("gradient-on-the-named-side", "grad", r"\nabla_x (x^T A x) = (A + A^T) x", "correct", "correct", 1.0),
    ("gradient-wrong", "grad", r"\nabla_x (x^T x)", "incorrect", "incorrect", 0.0),
]  # fmt: skip


@pytest.mark.parametrize("row", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_judged(key: Key, row: tuple[str, str, str, str, float]) -> None:
    qid, answer, verdict, note, score = row
    got = judge(key.question(qid), answer, key=key)
    assert (got.verdict, got.answer_note, got.score) == (verdict, note, score), got.feedback


def test_an_ill_typed_match_names_the_shapes_and_the_mistake(key: Key) -> None:
    got = judge(key.question("ridge"), r"(X X^T + \lambda I)^{-1} X^T t", key=key)
    assert got.method == "untyped" and got.feedback == "X X^T is n x n."
    assert "ill-typed" in (got.evidence or "") and "gram_swapped" in (got.evidence or "")


CLAIMS = [
    ("both-right", "2 w", "It is convex.", "correct", "correct", 4.0),
    ("claim-wrong", "2 w", "so it is concave", "incorrect", "wrong_claim", 3.0),
    ("claim-unstated", "2 w", "done", "needs_review", "undecided_claim", 3.0),
    ("formula-wrong-claim-right", "3 w", "It is convex.", "incorrect", "incorrect", 1.0),
    ("both-wrong", "3 w", "It is concave.", "incorrect", "incorrect", 0.0),
]  # fmt: skip


@pytest.mark.parametrize("row", [c[1:] for c in CLAIMS], ids=[c[0] for c in CLAIMS])
def test_claims_are_scored_each(key: Key, row: tuple[str, str, str, str, float]) -> None:
    answer, text, verdict, note, score = row
    got = judge(key.question("claim"), answer, key=key, text=f"$${answer}$$\n{text}")
    assert (got.verdict, got.answer_note, got.score) == (verdict, note, score), got.feedback


def test_the_self_test_checks_the_new_fields(key: Key) -> None:
    report = self_test(key)
    assert report.ok, [f.detail for f in report.failed]
    kinds = {(f.question, f.kind) for f in report.findings}
    assert {("ridge", "required"), ("ridge", "mistake"), ("claim", "claim")} <= kinds


def test_the_self_test_catches_a_required_form_that_is_not_the_reference(tmp_path: Path) -> None:
    from keyfeatures import FEATURES_KEY

    text = FEATURES_KEY.replace(
        "forms = ['X^T (X X^T + \\lambda I)^{-1} t']", "forms = ['X^T (X X^T + 2 \\lambda I)^{-1} t']"
    )
    report = self_test(load_key(write_features_key(tmp_path, text)))
    assert "required" in {f.kind for f in report.failed}


# A wrong answer is never correct: every ill-typed and every wrong well-typed near miss of the
# references, in any of the forms above, is graded below full marks.
NEAR_MISSES = [
    ("ridge", r"(X^T X + \lambda)^{-1} X t"),
    ("ridge", r"(X X^T + \lambda)^{-1} X^T t"),
    ("ridge", r"X^T (X X^T + \lambda)^{-1} t"),
    ("ridge", r"X^T (X^T X + \lambda I)^{-1} t"),
    ("ridge", r"(X^T X)^{-1} X^T t"),
    ("grad", r"\nabla_x (x^T A^T x) + x"),
    ("grad-default", r"2 A x"),
    ("claim", r"\nabla_w (w^T w) + w"),
]


@pytest.mark.parametrize(("qid", "answer"), NEAR_MISSES, ids=[a for _, a in NEAR_MISSES])
def test_no_wrong_answer_is_correct(key: Key, qid: str, answer: str) -> None:
    got = judge(key.question(qid), answer, key=key, text=f"{answer}\nIt is convex.")
    assert got.verdict != "correct" and got.score < got.max_score, got.feedback


FACTORS = [
    "X",
    "X^T",
    "t",
    "t^T",
    r"(X X^T + \lambda I)^{-1}",
    r"(X^T X + \lambda)^{-1}",
    r"(X^T X + \lambda I)^{-1}",
]


@given(st.lists(st.sampled_from(FACTORS), min_size=2, max_size=4))
def test_an_ill_typed_match_is_never_full_credit(key: Key, factors: list[str]) -> None:
    # Random products, mostly ill-typed: whatever the untyped matcher says, it is a mistake's share.
    question = key.question("ridge")
    got = judge(question, " ".join(factors), key=key)
    if got.method == "untyped":
        assert got.verdict == "incorrect" and got.score < got.max_score
        assert got.answer_note in {m.tag for m in question.mistakes}
    if got.verdict == "correct":
        assert got.method != "untyped" and got.answer_note == "correct"
