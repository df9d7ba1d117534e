"""A corpus of realistic, distinct LaTeX answers to the hw3 questions, each labelled right or wrong.

Answers are built from templates by varying notation the way students do (transpose styles, hats
and stars, fonts, brackets, term order, ``w^* =`` prefixes) and by planting the mistakes TAs see
(XXᵀ for XᵀX, reversed products, a missing t, a dropped 2 or n, σ² for σ). The label is the
ground truth a grader must reproduce: ``True`` when the answer deserves full credit.

Used by ``answers_benchmark.py`` (and importable by tests); deterministic for a given seed.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Item", "build_corpus", "build_distinct_corpus", "write_jsonl"]

TRANSPOSES = ("^T", "^\\top", "^{\\mathsf T}", "^\\intercal", "^{T}", "^{\\mathrm T}")
LEFT_RIGHT = (("(", ")"), ("\\left(", "\\right)"), ("\\left[", "\\right]"))
W_STAR = ("w^*", "\\hat{w}", "w^*_{ridge}", "w^{\\star}", "w")
TWO_N_LAMBDA = ("2 n \\lambda", "2\\lambda n", "2n\\lambda", "n 2 \\lambda", "2 \\cdot n \\lambda")
BAD_TWO_N_LAMBDA = (
    ("n \\lambda", "missing_factor_2"),
    ("2 \\lambda", "missing_n"),
    ("3 n \\lambda", "coefficient"),
)
IDENT = ("I", "I_d", "\\mathbb{I}")


@dataclass(frozen=True)
class Item:
    """One answer: the question, the LaTeX, whether it deserves full credit, and a short why."""

    question: str
    answer: str
    correct: bool
    why: str

    def to_json(self) -> dict[str, object]:
        return {"question": self.question, "answer": self.answer, "correct": self.correct, "why": self.why}


def _q112() -> Iterator[Item]:
    for T, (lo, ro), prefix in itertools.product(TRANSPOSES, LEFT_RIGHT, ("", "f(x'; w) = ", "f(x';w)=")):
        yield Item("1.1.2", f"{prefix}w{T} x - \\epsilon w{T} w", True, "expanded")
        yield Item("1.1.2", f"{prefix}w{T} {lo}x - \\epsilon w{ro}", True, "factored")
        yield Item("1.1.2", f"{prefix}w{T} x - \\epsilon \\|w\\|^2", True, "norm")
        yield Item("1.1.2", f"{prefix}w{T} x - \\epsilon \\|w\\|_2^2", True, "norm_2")
        yield Item("1.1.2", f"{prefix}x{T} w - \\epsilon \\lVert w \\rVert^2", True, "xTw")
        yield Item("1.1.2", f"{prefix}w{T} x + \\epsilon \\|w\\|^2", False, "sign_flipped")
        yield Item("1.1.2", f"{prefix}w{T} x - \\epsilon", False, "dropped_norm")
        yield Item("1.1.2", f"{prefix}w{T} x - \\epsilon \\|w\\|", False, "norm_not_squared")
        yield Item("1.1.2", f"{prefix}w{T} x - 2\\epsilon w{T} w", False, "coefficient")


def _q122() -> Iterator[Item]:
    for T, (lo, ro), w, tnl, ident in itertools.product(
        TRANSPOSES[:4], LEFT_RIGHT, W_STAR[:3], TWO_N_LAMBDA, IDENT
    ):
        pre = f"{w} = "
        yield Item("1.2.2", f"{pre}{lo}X{T} X + {tnl} {ident}{ro}^{{-1}} X{T} t", True, "reference")
        yield Item("1.2.2", f"{pre}X{T} {lo}X X{T} + {tnl} I{ro}^{{-1}} t", True, "push_through")
        yield Item("1.2.2", f"{pre}{lo}X X{T} + {tnl} {ident}{ro}^{{-1}} X{T} t", False, "XXT_for_XTX")
        yield Item("1.2.2", f"{pre}X{T} t {lo}X{T} X + {tnl} {ident}{ro}^{{-1}}", False, "order_reversed")
        yield Item("1.2.2", f"{pre}{lo}X{T} X + {tnl} {ident}{ro}^{{-1}} X{T}", False, "t_missing")
        yield Item("1.2.2", f"{pre}{lo}X X + {tnl} {ident}{ro}^{{-1}} X t", False, "transpose_missing")
        for bad, why in BAD_TWO_N_LAMBDA:
            yield Item("1.2.2", f"{pre}{lo}X{T} X + {bad} {ident}{ro}^{{-1}} X{T} t", False, why)


def _q123() -> Iterator[Item]:
    for T, (lo, ro), tnl in itertools.product(TRANSPOSES[:4], LEFT_RIGHT, TWO_N_LAMBDA):
        for pre in ("", "\\epsilon = ", "\\epsilon = \\frac{x}{w^*} = "):
            yield Item("1.2.3", f"{pre}\\frac{{x {lo}X{T} X + {tnl}{ro}}}{{X{T} t}}", True, "reference")
            yield Item("1.2.3", f"{pre}x {lo}X{T} X + {tnl}{ro} {lo}X{T} t{ro}^{{-1}}", True, "inverse_form")
            yield Item("1.2.3", f"{pre}\\frac{{X{T} t}}{{x {lo}X{T} X + {tnl}{ro}}}", False, "inverted")
            for bad, why in BAD_TWO_N_LAMBDA:
                yield Item("1.2.3", f"{pre}\\frac{{x {lo}X{T} X + {bad}{ro}}}{{X{T} t}}", False, why)
        yield Item("1.2.3", f"\\frac{{x {lo}X^2 + {tnl}{ro}}}{{X t}}", True, "vector_shorthand")
    yield Item("1.2.3", "\\frac{x}{w^*}", False, "left_in_w_star")
    yield Item("1.2.3", "\\epsilon = x / \\hat{w}", False, "left_in_w_star")


def _q32() -> Iterator[Item]:
    rights = (
        "\\sqrt{\\frac{1-p}{p}}",
        "\\sqrt{\\frac{1 - p}{p}}",
        "\\sqrt{1-p} / \\sqrt{p}",
        "\\frac{\\sqrt{1-p}}{\\sqrt{p}}",
        "\\sqrt{\\frac{1}{p} - 1}",
        "\\left(\\frac{1-p}{p}\\right)^{1/2}",
        "\\sqrt{(1-p)/p}",
        "\\sqrt{p^{-1} - 1}",
    )
    wrongs = (
        ("\\frac{1-p}{p}", "sigma_squared_for_sigma"),
        ("\\sqrt{\\frac{p}{1-p}}", "inverted"),
        ("\\sqrt{p(1-p)}", "missing_scale"),
        ("\\sqrt{1-p}", "missing_p"),
        ("\\frac{1-p}{p^2}", "wrong_power"),
        ("\\sqrt{\\frac{1+p}{p}}", "sign"),
    )
    for prefix in ("", "\\sigma = ", "\\therefore \\sigma = ", "σ = "):
        for r in rights:
            yield Item("3.2", prefix + r, True, "reference")
        for w, why in wrongs:
            yield Item("3.2", prefix + w, False, why)
    yield Item("3.2", "\\sigma^2 = \\frac{1-p}{p}", True, "squared_equation")
    yield Item("3.2", "\\sigma^2 = \\frac{p}{1-p}", False, "inverted")


def build_corpus(n: int = 1000, *, seed: int = 0) -> list[Item]:
    """``n`` distinct answers across the math questions, shuffled deterministically.

    Raises:
        ValueError: when the templates cannot make ``n`` distinct answers.
    """
    seen: dict[tuple[str, str], Item] = {}
    for item in itertools.chain(_q112(), _q122(), _q123(), _q32()):
        seen.setdefault((item.question, item.answer), item)
    items = list(seen.values())
    if len(items) < n:
        raise ValueError(f"the templates make {len(items)} distinct answers, fewer than n={n}")
    rng = random.Random(seed)
    by_question: dict[str, list[Item]] = {}
    for item in items:
        by_question.setdefault(item.question, []).append(item)
    for bucket in by_question.values():
        rng.shuffle(bucket)
    # Round-robin across questions so a question with many templates does not crowd out the rest.
    picked: list[Item] = []
    while len(picked) < n:
        for bucket in by_question.values():
            if bucket and len(picked) < n:
                picked.append(bucket.pop())
    rng.shuffle(picked)
    return picked


def _scaled(rng: random.Random) -> Iterator[Item]:
    """One right and one wrong answer per question, each a new expression: scaled by k, off by j.

    A right answer carries a factor k that cancels only algebraically (``k (k X^T X + 2k n λ I)^{-1}
    X^T t``), so no two right answers are the same expression; the wrong one changes one
    coefficient to j ≠ the right value.
    """
    k = rng.randrange(2, 10_000)
    j = rng.choice([v for v in (2 * k + rng.randrange(1, 50), 2 * k - rng.randrange(1, k)) if v > 0])
    T = rng.choice(TRANSPOSES)
    yield Item("1.1.2", f"\\frac{{1}}{{{k}}} ({k} w{T} x - {k} \\epsilon \\|w\\|^2)", True, "scaled")
    yield Item("1.1.2", f"\\frac{{1}}{{{k}}} ({k} w{T} x - {j} \\epsilon \\|w\\|^2)", False, "coefficient")
    yield Item(
        "1.2.2", f"w^* = {k} \\left({k} X{T} X + {2 * k} n \\lambda I\\right)^{{-1}} X{T} t", True, "scaled"
    )
    yield Item(
        "1.2.2", f"w^* = {k} \\left({k} X{T} X + {j} n \\lambda I\\right)^{{-1}} X{T} t", False, "coefficient"
    )
    yield Item("1.2.3", f"\\frac{{x ({k} X{T} X + {2 * k} n \\lambda)}}{{{k} X{T} t}}", True, "scaled")
    yield Item("1.2.3", f"\\frac{{x ({k} X{T} X + {j} n \\lambda)}}{{{k} X{T} t}}", False, "coefficient")
    yield Item("3.2", f"\\sigma = \\sqrt{{\\frac{{{k} - {k} p}}{{{k} p}}}}", True, "scaled")
    yield Item("3.2", f"\\sigma = \\sqrt{{\\frac{{{k} - {j} p}}{{{k} p}}}}", False, "coefficient")


def build_distinct_corpus(n: int = 1000, *, seed: int = 0) -> list[Item]:
    """``n`` answers that are all different expressions (not only different notation), half right.

    :func:`build_corpus` varies notation, as a class does, so its 1,000 answers are a few dozen
    expressions written many ways; this corpus is the other extreme, where nothing an engine
    learned from one answer (a memoized product, a printed sub-expression) helps with the next.
    """
    rng = random.Random(seed)
    seen: dict[tuple[str, str], Item] = {}
    while len(seen) < n:
        for item in _scaled(rng):
            if len(seen) < n:
                seen.setdefault((item.question, item.answer), item)
    picked = list(seen.values())
    rng.shuffle(picked)
    return picked


def write_jsonl(items: list[Item], path: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i, item in enumerate(items):
            fh.write(json.dumps({"id": i, **item.to_json()}) + "\n")


if __name__ == "__main__":
    corpus = build_corpus()
    by_q: dict[str, int] = {}
    for it in corpus:
        by_q[it.question] = by_q.get(it.question, 0) + 1
    print(len(corpus), by_q, sum(it.correct for it in corpus), "right")
