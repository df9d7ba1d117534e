"""Names a package re-exports but loads on first use (PEP 562), one mechanism for every package.

A package whose re-exports would import SymPy (the top-level actions, the derivation stage that the
pytest plugin's package holds, the key loader that validates LaTeX) lists them as name → module and
sets ``__getattr__ = lazy_exports(__name__, {...})``; importing the package stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``where[name]`` (a module path) and returns its ``name``.

    >>> getattr_ = lazy_exports("demo", {"sqrt": "math"})
    >>> getattr_("sqrt")(9.0)
    3.0
    """

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(module), name)

    return __getattr__
