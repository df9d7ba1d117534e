"""The runnable examples in the step checker's docstrings stay true."""

from __future__ import annotations

import doctest

import checker.steps


def test_docstring_examples() -> None:
    result = doctest.testmod(checker.steps)
    assert result.failed == 0
    assert result.attempted >= 3
