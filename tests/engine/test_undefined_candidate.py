"""A candidate undefined where the reference is defined is refuted, not accepted where both exist.

(XᵀX)⁻¹Xᵀt and Xᵀ(XXᵀ)⁻¹t agree where n = d, the only sizes where both inverses exist; at n > d
only the first exists.  Accepting on agreement at the square sizes alone was a false accept.
"""

from __future__ import annotations

import pytest

from checker import latex
from checker.engine.cascade import compare
from checker.key import bundled_key_dir, load_key

TABLE = load_key(bundled_key_dir("hw1"), validate_latex=False).question("1.2").symbols

# (id, reference, candidate, outcome)
ROWS = [
    ("n-by-n-where-n>d-is-singular", r"(X^T X)^{-1} X^T t", r"X^T (X X^T)^{-1} t", "not_equivalent"),
    ("d-by-d-where-d>n-is-singular", r"X^T (X X^T)^{-1} t", r"(X^T X)^{-1} X^T t", "not_equivalent"),
    ("both-defined-everywhere", r"(X^T X + I)^{-1} X^T t", r"X^T (X X^T + I)^{-1} t", "equivalent"),
    ("same-domain", r"(X^T X)^{-1} X^T t", r"(X^T X)^{-1} (X^T t)", "equivalent"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("reference", "candidate", "outcome"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS]
)
def test_undefined_candidates_are_refuted(reference: str, candidate: str, outcome: str) -> None:
    result = compare(latex.parse(reference, TABLE).expr, latex.parse(candidate, TABLE).expr, TABLE)
    assert result.outcome == outcome, result.evidence
    if outcome == "not_equivalent":
        assert "the candidate is not" in result.evidence
