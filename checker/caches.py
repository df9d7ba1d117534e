"""The one registry of per-process caches (a bottom module).

derivcheck keeps no module-level mutable state but bounded caches of pure functions of immutable
values (a parsed key entry, a canonical product, a value at a sample point, the cascade's decision
on two small expressions).  Each is created here, by :func:`memo` or :class:`Kept`, so that all of
them are listed in one place and :func:`clear_all` empties every one: tests that must start cold,
and a long-lived process that loads many keys, call it.  A cache never holds a verdict.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

__all__ = ["Kept", "clear_all", "memo", "registered"]

F = TypeVar("F", bound=Callable[..., Any])
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

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


class Kept(Generic[K, V]):
    """A bounded least-recently-used map of a pure function's results, listed in the registry.

    For a pure function whose computation needs more than its key: :func:`memo` keys on every
    argument, while a caller of :class:`Kept` looks its key up, computes on a miss with whatever
    else it holds (a per-call memo that only changes how fast the value comes), and stores it.

    >>> kept: Kept[int, int] = Kept(maxsize=2)
    >>> kept.put(1, 10); kept.put(2, 20); kept.get(1); kept.put(3, 30)
    10
    >>> kept.get(2) is None, kept.get(1), kept in registered()
    (True, 10, True)
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[K, V] = OrderedDict()
        _REGISTRY.append(self)

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` for ``key``, dropping the least recently used past ``maxsize``."""
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.maxsize:
            self._items.popitem(last=False)

    def cache_clear(self) -> None:
        """Forget every value (as ``functools.lru_cache`` does)."""
        self._items.clear()


def registered() -> tuple[Any, ...]:
    """Every cache created by :func:`memo`, in creation order."""
    return tuple(_REGISTRY)


def clear_all() -> None:
    """Empty every registered cache (the functions stay; they refill on use).

    >>> clear_all()
    """
    for cached in _REGISTRY:
        cached.cache_clear()
