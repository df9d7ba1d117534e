"""Claims and declared element-wise functions, judged from a key a TA writes.

A key's reference may be a relation (``\\epsilon > 0``, "∂ε/∂λ > 0" once derivatives are read):
the same relation with equivalent sides is correct, the reversed strict relation incorrect,
anything else a TA's call.  A key may declare σ as the sigmoid applied entry by entry
(``[functions.sigma] elementwise = "sigmoid"``) and ask for a logistic-regression gradient.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import CheckerError
from checker.judge import judge
from checker.key import load_key

KEY = """
[key]
name = "claims"
title = "claims and sigmoids"
version = 1

[symbols.n]
latex = 'n'
assumptions = ["integer", "positive"]

[symbols.d]
latex = 'd'
assumptions = ["integer", "positive"]

[symbols.X]
latex = 'X'
shape = ["n", "d"]

[symbols.y]
latex = 'y'
shape = ["n", 1]

[symbols.w]
latex = 'w'
shape = ["d", 1]

[symbols.lambda]
latex = '\\lambda'
assumptions = ["positive"]

[symbols.a]
latex = 'a'

[functions.sigma]
params = ["a"]
elementwise = "sigmoid"
description = "the logistic function, entry by entry"

[[question]]
id = "1"
points = 1
kind = "expression"
prompt = "Is the penalty's derivative positive?"
reference = '2 \\lambda > 0'

[[question]]
id = "2"
points = 1
kind = "expression"
prompt = "The gradient of the logistic loss."
reference = 'X^T (\\sigma(X w) - y)'
"""


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> object:
    folder: Path = tmp_path_factory.mktemp("claims")
    (folder / "key.toml").write_text(KEY, encoding="utf-8")
    (folder / "derivations").mkdir()
    return load_key(folder)


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        (r"2\lambda > 0", "correct"),
        (r"0 < 2 \lambda", "correct"),
        (r"2\lambda < 0", "incorrect"),
        (r"2 \lambda \ge 0", "needs_review"),  # a weaker claim: a TA decides
        (r"\lambda > 0", "needs_review"),  # equivalent after scaling: not proved here
        (r"2\lambda", "needs_review"),  # a value where a claim is asked for
    ],
    ids=["same", "flipped-sides", "reversed", "weaker", "scaled", "value-not-claim"],
)
def test_claims(key: object, answer: str, verdict: str) -> None:
    assert judge(key.question("1"), answer).verdict == verdict  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        (r"X^T (\sigma(X w) - y)", "correct"),
        # rearranged around a transcendental value: agreement at points leaves no error bound
        (r"-X^T (y - \sigma(Xw))", "needs_review"),
        (r"X^T (\sigma(-X w) - y)", "incorrect"),
        (r"X^T \sigma(X w) - y", "incorrect"),  # shapes: d×1 minus n×1
    ],
    ids=["reference", "rearranged", "sign-inside", "ill-typed"],
)
def test_declared_elementwise_sigmoid(key: object, answer: str, verdict: str) -> None:
    assert judge(key.question("2"), answer).verdict == verdict  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ('params = ["a"]\n', ("neither",)),
        ('params = ["a"]\nbody = "a"\nelementwise = "sigmoid"\n', ("both",)),
        ('params = ["a"]\nelementwise = "gelu"\n', ("elementwise",)),
    ],
    ids=["neither", "both", "unknown-kind"],
)
def test_a_function_has_a_body_or_is_elementwise(tmp_path: Path, entry: str, words: tuple[str, ...]) -> None:
    text = KEY.replace('params = ["a"]\nelementwise = "sigmoid"\n', entry)
    (tmp_path / "key.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CheckerError) as info:
        load_key(tmp_path)
    assert all(word in str(info.value) for word in words)
