"""Frozen dataclasses that hash once (internal): for immutable objects that key per-process caches.

A frozen dataclass's generated ``__hash__`` walks every field at every lookup (a key's Question
≈7 µs, a sample point's variables and config more), though the object never changes.  A class
sets, in its body (dataclass keeps an explicit one)::

    __hash__ = hash_once
    __getstate__ = state_without_hash

and its hash is the same field hash, computed on first use and kept on the object, outside the
fields: eq, repr and ``replace()`` see only the fields, and a ``replace()``d object computes its
own.  The kept value is never pickled or copied: a str hashes differently in another process
(hash randomization), so a copy sent to a worker computes its own.  (The class needs a
``__dict__``: no ``slots=True``.)
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, cast

__all__ = ["hash_once", "state_without_hash"]

_HASH = "_hash"


def hash_once(self: Any) -> int:
    """The hash of the object's fields, computed on first use and kept on the object."""
    try:
        return cast(int, self.__dict__[_HASH])
    except KeyError:
        value = hash(tuple(getattr(self, f.name) for f in fields(self)))
        object.__setattr__(self, _HASH, value)  # a cache, not a field: the object stays frozen
        return value


def state_without_hash(self: Any) -> dict[str, Any]:
    """What pickle and copy carry: the fields, never the kept hash (see :func:`hash_once`)."""
    return {name: value for name, value in self.__dict__.items() if name != _HASH}
