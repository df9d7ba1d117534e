"""Errors carry spans as data, draw one caret excerpt, and pickle across worker processes."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker import errors
from checker.errors import CheckerError, LatexSyntaxError, excerpt

SUBCLASSES = [
    cls
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, CheckerError) and cls is not CheckerError
]


@pytest.mark.parametrize("cls", SUBCLASSES, ids=lambda c: c.__name__)
def test_every_error_documents_cause_and_fix_and_pickles(cls: type[CheckerError]) -> None:
    doc = (cls.__doc__ or "").lower()
    assert "cause" in doc or "raised" in doc or "this is" in doc, "the docstring names the cause"
    assert "fix" in doc, "the docstring names the fix"
    err = cls("expected x, found y", source="a + }", start=4, end=5, where="here", approximate=True)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert (back.message, back.source, back.start, back.end, back.where, back.approximate) == (
        "expected x, found y",
        "a + }",
        4,
        5,
        "here",
        True,
    )
    assert str(back) == str(err)


EXCERPTS = [
    ("caret-under-span", "w^T x + }", 8, 9, "w^T x + }\n        ^"),
    ("second-line", "a = b\nc + + d", 10, 11, "c + + d\n    ^"),
    ("wide-span", "X X^T", 0, 5, "X X^T\n^^^^^"),
    ("clamped-past-end", "abc", 99, None, "abc\n   ^"),
    ("control-chars-shown-safely", "a\x00b", 1, 2, "a?b\n ^"),
]


@pytest.mark.parametrize(
    ("source", "start", "end", "expected"), [r[1:] for r in EXCERPTS], ids=[r[0] for r in EXCERPTS]
)
def test_excerpt(source: str, start: int, end: int | None, expected: str) -> None:
    assert excerpt(source, start, end) == expected


def test_excerpt_marks_approximate_positions() -> None:
    assert excerpt("abc", 1, approximate=True).endswith("(position approximate)")


def test_render_includes_where_message_and_caret() -> None:
    err = LatexSyntaxError("expected '}', found end of input", source="\\frac{1}{2", start=10, where="1.2.2")
    assert str(err) == "1.2.2: expected '}', found end of input\n\\frac{1}{2\n          ^"


@given(
    st.text(max_size=400), st.integers(min_value=-5, max_value=500), st.integers(min_value=0, max_value=80)
)
def test_excerpt_caret_line_never_wider_than_the_excerpt_window(source: str, start: int, width: int) -> None:
    lines = excerpt(source, start, start + width).split("\n")
    assert len(lines) == 2
    assert lines[1].strip(" ") and set(lines[1].strip()) == {"^"}
    assert len(lines[1]) <= max(len(lines[0]), 1) + 1
