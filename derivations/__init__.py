"""Reference derivations of the homework, one module per question.

Each module ``qX_Y_Z`` has ``derivation() -> Derivation``; the key names the module in its
``derivation = "..."`` field.  Build them with :func:`all_derivations` or :func:`get`; prove them
with :func:`checker.derivation.prove`.
"""

from __future__ import annotations

from importlib import import_module

from checker.derivation import Derivation
from checker.errors import DerivationError

__all__ = ["NAMES", "all_derivations", "get"]

NAMES: tuple[str, ...] = ("q1_1_2", "q1_2_2", "q1_2_3", "q1_2_4", "q3_1", "q3_2")


def get(name: str) -> Derivation:
    """The derivation called ``name`` (a module of this package).

    Raises:
        DerivationError: for a name that is not one of :data:`NAMES`.

    >>> get("q1_2_2").question
    '1.2.2'
    """
    if name not in NAMES:
        raise DerivationError(f"expected a derivation name, one of {', '.join(NAMES)}; found name={name!r}")
    module = import_module(f"derivations.{name}")
    built: Derivation = module.derivation()
    return built


def all_derivations() -> tuple[Derivation, ...]:
    """Every derivation, in the homework's order.

    >>> [d.name for d in all_derivations()][:2]
    ['q1_1_2', 'q1_2_2']
    """
    return tuple(get(name) for name in NAMES)
