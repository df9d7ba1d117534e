"""The one registry of per-process caches (a bottom module).

derivcheck keeps no module-level mutable state but bounded caches of pure functions of immutable
values (a parsed key entry, a canonical product, a value at a sample point).  Each is created
here, by :func:`memo`, so that all of them are listed in one place and :func:`clear_all` empties
every one: tests that must start cold, and a long-lived process that loads many keys, call it.
A cache never holds a verdict.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["clear_all", "memo", "registered"]

F = TypeVar("F", bound=Callable[..., Any])

_REGISTRY: list[Any] = []  # the caches themselves: append-only, filled at import time


def memo(maxsize: int | None) -> Callable[[F], F]:
    """A bounded ``functools.lru_cache`` of a pure function, listed in the registry.

    Args:
        maxsize: the bound (None only for functions of a few fixed arguments, e.g. the grammar).

    >>> @memo(maxsize=8)
    ... def square(x: int) -> int:
    ...     return x * x
    >>> square(3), square in registered()
    (9, True)
    """

    def wrap(fn: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _REGISTRY.append(cached)
        return cached  # type: ignore[return-value]

    return wrap


def registered() -> tuple[Any, ...]:
    """Every cache created by :func:`memo`, in creation order."""
    return tuple(_REGISTRY)


def clear_all() -> None:
    """Empty every registered cache (the functions stay; they refill on use).

    >>> clear_all()
    """
    for cached in _REGISTRY:
        cached.cache_clear()
