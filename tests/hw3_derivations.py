"""The bundled hw3's derivations for tests, built once per process through the homework mechanism."""

from __future__ import annotations

import functools
import sys
from typing import Any

from checker.derivation import Derivation, load_derivations, symbols_of
from checker.derivation.homework import HomeworkDerivations
from checker.key import Key, load_key


@functools.cache
def key() -> Key:
    return load_key()


@functools.cache
def homework() -> HomeworkDerivations:
    return load_derivations(key())


def get(name: str) -> Derivation:
    """The hw3 derivation of module ``name``."""
    return homework().named(name)


def all_derivations() -> tuple[Derivation, ...]:
    return homework().derivations


NAMES: tuple[str, ...] = tuple(q.derivation for q in load_key(validate_latex=False).questions if q.derivation)


def key_symbols(question: str) -> dict[str, Any]:
    return symbols_of(key(), question)


def dropout_symbols(question: str) -> Any:
    """hw3's dropout symbols (its derivations folder's own helper module)."""
    homework()  # the folder's package is imported by now
    module = next(m for name, m in sys.modules.items() if name.endswith("._dropout"))
    return module.dropout_symbols(key(), question)
