"""The runnable examples in the engine's docstrings stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "checker._exact",
    "checker._quadratic",
    "checker._instantiate",
    "checker._pointwise",
    "checker.equivalence",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
