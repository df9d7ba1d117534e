"""Reference derivations of the homework, one module per question.

Each module ``qX_Y_Z`` has ``derivation() -> Derivation``; the key names the module in its
``derivation = "..."`` field.  Build them with :func:`all_derivations` or :func:`get`; prove them
with :func:`checker.derivation.prove` (``pytest`` runs every step as its own test item).

Writing the next one (a TA's checklist):

1. Take the symbols from the key, so the derivation and the parser mean the same thing:
   ``s = key_symbols("1.2.2")`` (``derivations._symbols``) gives ``X``, ``w``, ``t``, ``n``, ``d``,
   ``lambda``... with the key's shapes and assumptions.  Name intermediate results with fresh
   symbols (``sympy.MatrixSymbol(r"\nabla_{w} J", d, 1)``); they are substituted in later checks.
2. Write the steps: ``Step(claim, "one-line justification", rule, ...)`` with ``sympy.Eq`` for
   scalar equations, :class:`~checker.derivation.MatrixEquation` for matrix ones, ``sympy.Gt`` for
   premises.  Pick the rule that says how the step follows (``definition``, ``derivative`` with
   ``wrt=``, ``stationary``, ``equivalent`` (``by=`` a nonzero scalar), ``implies`` (``by=`` a
   left factor, or ``solve_for=``), ``expectation``/``variance`` over ``noise``, ``positive`` and
   ``equivalent`` with ``using=`` premises, ``coefficient`` with ``of=``).  ``ref=`` names the step
   it follows from when that is not the previous one.
3. Give ``dimensions=(n, d)``: steps SymPy cannot decide at general dimensions are proved at
   ``concrete`` ones (n > d and n < d by default), and the report says so.
4. Set ``answer_step`` when the answer is not the last step, add the module to :data:`NAMES`,
   and point the key's question at it; ``tests/test_key_derivations.py`` then checks that the
   key's reference equals the answer step and that every known mistake differs from it.
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
