"""A corpus of answers in index notation, sums and expectations (issue 10), labelled right or wrong.

Two questions of hw3 answered the ways students write index notation:

* 3.1, the expected dropout loss E_m[J] = (1/2N) Σᵢ (y⁽ⁱ⁾ − t⁽ⁱ⁾)² + (1/2N) ((1−p)/p) Σᵢ Σⱼ (wⱼxⱼ⁽ⁱ⁾)²:
  entries spelled ``x_j^{(i)}``, ``X_{ij}``, ``x_{ij}``, ``X_{i,j}``; targets ``t^{(i)}``, ``t_i``;
  the prediction as ``y^{(i)}`` or as its sum; bounds explicit (``N`` or ``n``) or implied; the
  weight as ``\\frac{1-p}{p}`` or ``\\frac{1}{p} - 1``; some with the variance left as
  ``\\text{var}_m[\\hat{y}^{(i)}]`` or the loss as ``\\mathbb{E}_m[J]`` (evaluated exactly);
  and the mistakes TAs see (no 1/p, the weight inverted, the 1/2 dropped, the penalty unsquared).
* 1.2.3 in the 1-D case, with Xᵀt and XᵀX written as sums Σᵢ xᵢtᵢ and Σᵢ xᵢ².
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

from corpus import Item

__all__ = ["build_indexed_corpus"]

ENTRY = ("x_j^{(i)}", "X_{ij}", "x_{ij}", "X_{i,j}")
TARGET = ("t^{(i)}", "t_i")
SUM_I = ("\\sum_{i=1}^{N}", "\\sum_{i=1}^{n}", "\\sum_{i}", "\\sum_i")
SUM_J = ("\\sum_{j=1}^{d}", "\\sum_{j}", "\\sum_j")
HALF_N = ("\\frac{1}{2N}", "\\frac{1}{2n}", "\\frac{1}{2 N}")
WEIGHT = ("\\frac{1-p}{p}", "\\left(\\frac{1}{p} - 1\\right)", "\\frac{(1-p)}{p}")
PREFIX = ("", "\\mathbb{E}_m[J] = ", "E_m[J] = ")


def _q31() -> Iterator[Item]:
    for x, t, si, sj, half, weight, prefix in itertools.product(
        ENTRY, TARGET, SUM_I, SUM_J, HALF_N, WEIGHT, PREFIX
    ):
        y = f"{sj} w_j {x}" if x != "x_j^{(i)}" else "y^{(i)}"
        loss = f"{half} {si} \\left({y} - {t}\\right)^2"
        penalty = f"{si} {sj} \\left(w_j {x}\\right)^2"
        yield Item("3.1", f"{prefix}{loss} + {half} {weight} {penalty}", True, "expected_loss")
        yield Item("3.1", f"{prefix}{loss} + {half} (1-p) {penalty}", False, "missing_1_over_p")
        yield Item("3.1", f"{prefix}{loss} + {half} \\frac{{p}}{{1-p}} {penalty}", False, "weight_inverted")
        yield Item("3.1", f"{prefix}{loss} + \\frac{{1}}{{N}} {weight} {penalty}", False, "half_dropped")
        yield Item("3.1", f"{prefix}{loss} + {half} {weight} {si} {sj} w_j {x}", False, "not_squared")
    for t, si, half in itertools.product(TARGET, SUM_I, HALF_N):
        variance = f"{half} {si} \\text{{var}}_m\\left[\\hat{{y}}^{{(i)}}\\right]"
        # equivalent, but the variance is left unevaluated: the judge sends it to a TA, never correct
        yield Item("3.1", f"{half} {si} (y^{{(i)}} - {t})^2 + {variance}", False, "variance_left")
        yield Item("3.1", f"{half} {si} (y^{{(i)}} - {t})^2", False, "no_penalty")


def _q123() -> Iterator[Item]:
    xs = ("x_i", "X_i", "x^{(i)}")
    for xi, si, t in itertools.product(xs, SUM_I, TARGET):
        xtx = f"{si} {xi}^2"
        xtt = f"{si} {xi} {t}"
        yield Item("1.2.3", f"\\frac{{x ({xtx} + 2 n \\lambda)}}{{{xtt}}}", True, "sums")
        yield Item(
            "1.2.3", f"\\epsilon = \\frac{{x \\left({xtx} + 2 N \\lambda\\right)}}{{{xtt}}}", True, "sums_N"
        )
        yield Item("1.2.3", f"\\frac{{x ({xtx} + n \\lambda)}}{{{xtt}}}", False, "missing_factor_2")
        yield Item("1.2.3", f"\\frac{{x {xtx}}}{{{xtt}}}", False, "no_regularizer")
        yield Item("1.2.3", f"\\frac{{{xtt}}}{{x ({xtx} + 2 n \\lambda)}}", False, "inverted")


def build_indexed_corpus(n: int = 1000, *, seed: int = 0) -> list[Item]:
    """``n`` distinct index-notation answers, both questions, round-robin, shuffled deterministically.

    Raises:
        ValueError: when the templates cannot make ``n`` distinct answers.
    """
    rng = random.Random(seed)
    by_question: dict[str, list[Item]] = {}
    seen: set[tuple[str, str]] = set()
    for item in itertools.chain(_q31(), _q123()):
        if (item.question, item.answer) not in seen:
            seen.add((item.question, item.answer))
            by_question.setdefault(item.question, []).append(item)
    if len(seen) < n:
        raise ValueError(f"the templates make {len(seen)} distinct answers, fewer than n={n}")
    for bucket in by_question.values():
        rng.shuffle(bucket)
    picked: list[Item] = []
    while len(picked) < n:
        for bucket in by_question.values():
            if bucket and len(picked) < n:
                picked.append(bucket.pop())
    rng.shuffle(picked)
    return picked
