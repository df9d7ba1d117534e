"""3.1 graded against the real expected dropout loss, written the ways students write it."""

from __future__ import annotations

import pytest

from checker.judge.answer import judge
from checker.key import Key, load_key


@pytest.fixture(scope="module")
def key() -> Key:
    return load_key()


CASES = [
    (
        "reference-form",
        r"\mathbb{E}_m[J] = \frac{1}{2N} \sum_{i=1}^{N} (y^{(i)} - t^{(i)})^2 + \frac{1-p}{2Np} \sum_{i=1}^{N} \sum_{j=1}^{d} (w_j x_j^{(i)})^2",
        "correct",
    ),
    (
        "implied-bounds-one-sum",
        r"\frac{1}{2N} \sum_{i} \left[ (y^{(i)} - t^{(i)})^2 + \frac{1-p}{p} \sum_{j} w_j^2 (x_j^{(i)})^2 \right]",
        "correct",
    ),
    (
        "prediction-spelled-out",
        r"\frac{1}{2N} \sum_{i=1}^{N} \left(\sum_{j} w_j x_j^{(i)} - t^{(i)}\right)^2 + \frac{1}{2N} \frac{1-p}{p} \sum_{i}\sum_{j} (w_j x_j^{(i)})^2",
        "correct",
    ),
    (
        "missing-1-over-p",
        r"\frac{1}{2N} \sum_{i=1}^{N} (y^{(i)} - t^{(i)})^2 + \frac{1}{2N} (1-p) \sum_{i=1}^{N} \sum_{j=1}^{d} (w_j x_j^{(i)})^2",
        "incorrect",
    ),
    (
        "inverted-weight",
        r"\frac{1}{2N} \sum_{i=1}^{N} (y^{(i)} - t^{(i)})^2 + \frac{1}{2N} \frac{p}{1-p} \sum_{i=1}^{N} \sum_{j=1}^{d} (w_j x_j^{(i)})^2",
        "incorrect",
    ),
    (
        "penalty-outside-the-sum-over-i",
        r"\frac{1}{2N} \sum_{i=1}^{N} (y^{(i)} - t^{(i)})^2 + \frac{1-p}{p} \sum_{j=1}^{d} w_j^2",
        "incorrect",
    ),
    ("old-coefficient-only", r"\frac{1-p}{p}", "incorrect"),
]


@pytest.mark.parametrize(("answer", "verdict"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_expected_loss_answers(key: Key, answer: str, verdict: str) -> None:
    got = judge(key.question("3.1"), answer, key=key)
    assert got.verdict == verdict, (got.read_as, got.feedback, got.evidence)


def test_missing_one_over_p_gets_its_feedback(key: Key) -> None:
    got = judge(key.question("3.1"), key.question("3.1").mistakes[0].answer, key=key)
    assert got.verdict == "incorrect"
    assert "1/p" in got.feedback
