"""The normalizer: canonical text for the grammar, and a map back into the source."""

from __future__ import annotations

import pytest

from checker.errors import LatexSyntaxError, UnsupportedConstructError
from checker.latex._normalize import NORM_CLOSE, NORM_OPEN, PRIME, STAR, TRANSPOSE, normalize

# (id, source, canonical text with spaces removed)
CANONICAL = [
    ("transpose", r"X^T", "X" + TRANSPOSE),
    ("top", r"X^{\top}", "X" + TRANSPOSE),
    ("mathsf", r"X^{\mathsf{T}}", "X" + TRANSPOSE),
    ("star-T", r"w^{*T}", "w" + STAR + TRANSPOSE),
    ("prime", r"x'", "x" + PRIME),
    ("minus-T", r"X^{-T}", "X^{-1}" + TRANSPOSE),
    ("braced-scripts", r"x_j^2", "x_{j}^{2}"),
    ("norm", r"\left\| w \right\|_2", NORM_OPEN + "w" + NORM_CLOSE + "_{2}"),
    ("fonts", r"\mathbf{w}^T \boldsymbol x", "w" + TRANSPOSE + "x"),
    ("frac-digits", r"\frac12", r"\frac{1}{2}"),
    ("dfrac", r"\dfrac{a}{b}", r"\frac{a}{b}"),
    ("hat", r"\hat w", r"\hat{w}"),
    ("sgn", r"\operatorname{sgn}(x)", r"\sgn(x)"),
    ("spaces", r"a\,b\;c\!d\quad e~f", "abcdef"),
    ("unicode", "σ·λ", r"\sigma\cdot\lambda"),
    ("leader", r"\therefore x", "x"),
    ("label", r"1.2.2 \quad x", "x"),
]


@pytest.mark.parametrize(("source", "canonical"), [r[1:] for r in CANONICAL], ids=[r[0] for r in CANONICAL])
def test_canonical_text(source: str, canonical: str) -> None:
    assert "".join(normalize(source, max_depth=60).text.split()) == canonical


def test_every_character_maps_into_the_source() -> None:
    source = r"\therefore \mathbf{w}^{*T} (X^T X + \lambda I)^{-1} \|w\|_2^2 \quad \text{done}"
    norm = normalize(source, max_depth=60)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    for i in range(len(norm.text)):
        start, end, _ = norm.span(i, i + 1)
        assert 0 <= start < end <= len(source)


def test_verbatim_spans_are_exact() -> None:
    source = r"w^T x + \epsilon"
    norm = normalize(source, max_depth=60)
    i = norm.text.index("+")
    assert norm.span(i, i + 1) == (6, 7, False)
    j = norm.text.index("\\epsilon")
    assert norm.span(j, j + len("\\epsilon")) == (8, 16, False)


def test_notes_record_dropped_prose_and_labels() -> None:
    norm = normalize(r"1.2.2 \quad \text{Gradient of loss} = x", max_depth=60)
    assert any("1.2.2" in note for note in norm.notes)
    assert any("Gradient of loss" in note for note in norm.notes)


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (r"\input{x}", UnsupportedConstructError),
        (r"\csname x\endcsname", UnsupportedConstructError),
        ("{" * 70 + "}" * 70, UnsupportedConstructError),
        ("x" * 20_001, UnsupportedConstructError),
        ("\x1b[31m", LatexSyntaxError),
        (r"\frac{1}", LatexSyntaxError),
        ("}{", LatexSyntaxError),
    ],
    ids=["input", "csname", "depth", "length", "escape", "missing-argument", "reversed-braces"],
)
def test_refusals(source: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        normalize(source, max_depth=60)
