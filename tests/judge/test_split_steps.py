"""Splitting a chain of steps from a file or stdin."""

from __future__ import annotations

import pytest

from checker.judge.steps import split_steps

CASES = [
    ("one_per_line", "a = b\nb = c\n", ("a = b", "b = c")),
    ("blank_lines_dropped", "a = b\n\n   \nb = c", ("a = b", "b = c")),
    ("display_dollars", "$$a = b$$\n$$b = c$$", ("a = b", "b = c")),
    ("brackets", "\\[ a = b \\]", ("a = b",)),
    ("inline_dollars", "$a = b$", ("a = b",)),
    (
        "double_backslash",
        "$$\\nabla_x f = w \\\\ x' = x - \\epsilon w$$",
        ("\\nabla_x f = w", "x' = x - \\epsilon w"),
    ),
    ("align", "\\begin{align*}\na &= b \\\\\n&= c\n\\end{align*}", ("a = b", "= c")),
    ("backslash_in_braces_kept", "\\frac{a \\\\ b}{c} = d", ("\\frac{a \\\\ b}{c} = d",)),
    (
        "matrix_rows_kept",
        "A = \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
        ("A = \\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",),
    ),
    ("question_label_kept", "$$1.2.2 \\quad (X^T X) w = X^T t$$", ("1.2.2 \\quad (X^T X) w = X^T t",)),
    ("decimal_kept", "2.5 \\lambda = 1", ("2.5 \\lambda = 1",)),
    ("empty", "", ()),
    ("only_delimiters", "$$\n$$", ()),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_split_steps(text: str, expected: tuple[str, ...]) -> None:
    assert split_steps(text) == expected


def test_sample_first_block() -> None:
    text = "$$1.1.2 \\quad \\nabla_x f(x; w) = w \\\\ x' = x - \\epsilon w$$\n\n$$\\therefore f(x'; w) = w^T x' = w^T (x - \\epsilon w)$$"
    assert split_steps(text) == (
        "1.1.2 \\quad \\nabla_x f(x; w) = w",
        "x' = x - \\epsilon w",
        "\\therefore f(x'; w) = w^T x' = w^T (x - \\epsilon w)",
    )
