"""judge() on the second bundled homework, hw1 (linear models and gradient descent)."""

from __future__ import annotations

import pytest

from checker.judge.answer import judge
from checker.key import Key, bundled_key_dir, load_key


@pytest.fixture(scope="module")
def key() -> Key:
    return load_key(bundled_key_dir("hw1"))


# (id, question, answer, verdict, answer_note, score)
ROWS = [
    ("grad", "1.1", r"\frac{1}{n} X^T (X w - t)", "correct", "correct", 1.0),
    ("grad-named", "1.1", r"\nabla_w J(w) = \frac{1}{n}\left(X^{\top}Xw - X^{\top}t\right)", "correct", "correct", 1.0),
    ("grad-unevaluated", "1.1", r"\nabla_w J(w)", "incorrect", "unevaluated_operator", 0.0),
    ("grad-unevaluated-norm", "1.1", r"\nabla_w \frac{1}{2n}\|Xw - t\|^2", "incorrect", "unevaluated_operator", 0.0),
    ("grad-no-1/n", "1.1", r"X^T (X w - t)", "incorrect", "missing_1_over_n", 0.5),
    ("grad-row", "1.1", r"\frac{1}{n} (X w - t)^T X", "incorrect", "row_gradient", 0.5),
    ("grad-ill-typed", "1.1", r"\frac{1}{n} X (X w - t)", "incorrect", "missing_transpose", 0.25),
    ("normal", "1.2", r"w^* = (X^T X)^{-1} X^T t", "correct", "correct", 1.0),
    # agrees with the reference only where n = d, undefined where n > d: refuted, its mistake
    ("normal-n-by-n", "1.2", r"X^T (X X^T)^{-1} t", "incorrect", "n_by_n_inverse", 0.0),
    ("normal-gram-swapped", "1.2", r"(X X^T)^{-1} X^T t", "incorrect", "gram_matrix_swapped", 0.0),
    ("normal-inverse-of-X", "1.2", r"X^{-1} t", "incorrect", "inverted_rectangular", 0.0),
    ("min-norm", "1.3", r"w = X^T (X X^T)^{-1} t", "correct", "correct", 1.0),
    ("min-norm-d-by-d", "1.3", r"(X^T X)^{-1} X^T t", "incorrect", "d_by_d_inverse", 0.0),
    ("min-norm-d-by-d-scaled", "1.3", r"2 (X^T X)^{-1} X^T \frac{t}{2}", "incorrect", "d_by_d_inverse", 0.0),
    ("min-norm-wrong-side", "1.3", r"(X X^T)^{-1} X^T t", "incorrect", "inverse_on_the_wrong_side", 0.25),
    ("gd", "2.1", r"w_{k+1} = w_k - \frac{\eta}{n} X^T (X w_k - t)", "correct", "correct", 1.0),
    ("gd-expanded", "2.1", r"w_{t+1} = (I - \frac{\eta}{n} X^T X) w_t + \frac{\eta}{n} X^T t", "correct", "correct", 1.0),
    ("gd-ascent", "2.1", r"w_{k+1} = w_k + \frac{\eta}{n} X^T (X w_k - t)", "incorrect", "gradient_ascent", 0.0),
    ("gd-no-eta", "2.1", r"w_{k+1} = w_k - \frac{1}{n} X^T (X w_k - t)", "incorrect", "missing_learning_rate", 0.5),
    ("var", "3.1", r"a^2 s^2", "correct", "correct", 1.0),
    ("var-sigma", "3.1", r"a^2 \sigma^2", "correct", "correct", 1.0),
    ("var-shift", "3.1", r"a^2 s^2 + b^2", "incorrect", "shift_squared", 0.5),
    ("var-sd", "3.1", r"a s", "incorrect", "standard_deviation", 0.25),
    ("choice", "2.2", "It blows up: the iterates diverge.", "correct", "correct", 1.0),
    ("choice-negated", "2.2", "It does not converge.", "correct", "correct", 1.0),
    ("choice-wrong", "2.2", "It converges, only more slowly.", "incorrect", "wrong_choice", 0.0),
]  # fmt: skip


@pytest.mark.parametrize("row", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_hw1_answers(key: Key, row: tuple[str, str, str, str, float]) -> None:
    qid, answer, verdict, note, score = row
    got = judge(key.question(qid), answer, key=key)
    assert (got.verdict, got.answer_note, got.score) == (verdict, note, score), got.feedback
