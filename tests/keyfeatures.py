"""A small key using what a TA can say beyond reference and mistakes (shared by the key and judge tests)."""

from __future__ import annotations

import textwrap
from pathlib import Path

FEATURES_KEY = textwrap.dedent(
    """\
    [key]
    name = "features"

    [symbols.n]
    assumptions = ["integer", "positive"]
    [symbols.d]
    assumptions = ["integer", "positive"]
    [symbols.X]
    shape = ["n", "d"]
    [symbols.t]
    shape = ["n", 1]
    [symbols.w]
    shape = ["d", 1]
    [symbols.x]
    shape = ["d", 1]
    [symbols.A]
    shape = ["d", "d"]
    [symbols.I]
    shape = "identity"
    [symbols.lambda]
    latex = '\\lambda'
    assumptions = ["positive"]

    [[question]]
    id = "ridge"
    points = 2
    kind = "expression"
    reference = 'X^T (X X^T + \\lambda I)^{-1} t'
    accepted = ['(X^T X + \\lambda I)^{-1} X^T t']
    [question.required]
    forms = ['X^T (X X^T + \\lambda I)^{-1} t']
    share = 0.5
    feedback = "Write it with the n x n inverse."
    [[question.mistakes]]
    answer = '(X^T X + \\lambda)^{-1} X^T t'
    tag = "missing_identity"
    score = 0.5
    feedback = "lambda needs the identity: lambda I."
    [[question.mistakes]]
    answer = '(X X^T + \\lambda I)^{-1} X^T t'
    tag = "gram_swapped"
    score = 0.25
    feedback = "X X^T is n x n."

    [[question]]
    id = "grad"
    points = 1
    kind = "expression"
    reference = '(A + A^T) x'
    unevaluated = ["gradient"]

    [[question]]
    id = "grad-default"
    points = 1
    kind = "expression"
    reference = '(A + A^T) x'

    [[question]]
    id = "claim"
    points = 4
    kind = "expression"
    reference = '2 w'
    [[question.parts]]
    name = "convexity"
    answer = "convex"
    share = 0.25
    [question.parts.choices]
    convex = ["convex"]
    concave = ["concave"]
    """
)


def write_features_key(folder: Path, text: str = FEATURES_KEY) -> Path:
    """Write the key into ``folder``; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "key.toml").write_text(text, encoding="utf-8")
    return folder
