"""Every runnable example in a docstring of the package stays true (STYLE rule 15)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import checker

MODULES = sorted(
    m.name
    for package in (checker,)
    for m in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + ".")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, (
        f"{result.failed} docstring example(s) of {name} fail; run python -m doctest -v"
    )


def test_public_functions_carry_examples() -> None:
    # The package's public entry points each show a runnable example.
    finder = doctest.DocTestFinder()
    with_examples = {
        test.name.rsplit(".", 1)[-1]
        for name in MODULES
        for test in finder.find(importlib.import_module(name))
        if test.examples
    }
    for name in (
        "load_key",
        "parse",
        "compare",
        "judge",
        "check_answer",
        "check_batch",
        "check_steps",
        "extract",
        "prove",
    ):
        assert name in with_examples, f"{name} has no runnable example"
