"""The sample's Q3 derivation (dropout as Gaussian noise) is read line by line and checked as steps."""

from __future__ import annotations

import pytest

from checker.judge import check_steps
from checker.key import Question, load_key


def question(qid: str) -> Question:
    return load_key().question(qid)


LINES = (
    r"\mathbb{E}_\pi [\mathcal{J}] = \frac{1}{2N} \sum_{i=1}^N (\mathbb{E}_\pi [\hat{y}^{(i)}] - t^{(i)})^2 + \frac{1}{2N} \sum_{i=1}^N \text{var}_\pi [\hat{y}^{(i)}]",
    r"\mathbb{E}_\pi [\hat{y}_\pi^{(i)}] = y^{(i)} \quad \text{if} \quad \hat{y}_\pi^{(i)} = \sum_j (1 + \pi_j^{(i)}) w_j x_j^{(i)} \quad \text{where } \pi_j^{(i)} \stackrel{i.i.d.}{\sim} \mathcal{N}(0, \sigma^2)",
    r"\frac{1}{2N} \sum_{i=1}^N \text{var}_m \left[\frac{1}{p} \sum_j m_j^{(i)} x_j^{(i)} w_j \right] = \frac{1}{2N} \sum_{i=1}^N \text{var}_\pi \left[\sum_j (1 + \pi_j^{(i)}) x_j^{(i)} w_j \right]",
    r"\frac{1}{p^2} \sum_j \text{var}_m [m_j^{(i)}] (x_j^{(i)} w_j)^2 = \sum_j \text{var}_\pi [1 + \pi_j^{(i)}] (x_j^{(i)} w_j)^2",
    r"\frac{1}{p^2} \sum_j p(1-p) (x_j^{(i)} w_j)^2 = \sum_j \sigma^2 (x_j^{(i)} w_j)^2",
    r"\therefore \sigma^2 = \frac{1-p}{p}",
    r"\therefore \sigma = \sqrt{\frac{1-p}{p}}",
)


def test_every_q3_line_is_read_and_follows_or_is_given() -> None:
    result = check_steps(LINES, question("3.2"))
    statuses = [s.status for s in result.steps]
    assert "unparsed" not in statuses
    assert statuses == ["given", "follows", "given", "follows", "follows", "follows", "follows"]
    assert result.first_invalid is None


@pytest.mark.parametrize(
    ("index", "wrong"),
    [
        (3, (r"\frac{1}{p^2}", r"\frac{1}{p}")),
        (4, ("p(1-p)", "p(1-p)^2")),
    ],
    ids=["dropped-square-of-scale", "wrong-bernoulli-variance"],
)
def test_a_wrong_q3_step_is_flagged(index: int, wrong: tuple[str, str]) -> None:
    lines = list(LINES)
    lines[index] = lines[index].replace(*wrong)
    result = check_steps(lines, question("3.2"))
    assert result.first_invalid == index + 1
