"""The derivation stage: reference derivations as SymPy step chains, the prover, the pytest plugin.

* :mod:`checker.derivation.chain`: :class:`Step`, :class:`Derivation`, :func:`prove`;
* :mod:`checker.derivation.rules`: how each rule's step is checked;
* :mod:`checker.derivation.homework`: a homework folder's derivations, loaded with its key;
* :mod:`checker.derivation.plugin`: one pytest item per derivation step.

Names are loaded on first use (PEP 562): the pytest plugin lives in this package and is imported in
every pytest run of an environment where derivcheck is installed, so importing the package must
not import SymPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.derivation.chain import (
        Derivation,
        DerivationReport,
        MatrixEquation,
        Noise,
        Step,
        StepProof,
        prove,
    )
    from checker.derivation.homework import HomeworkDerivations, latex_names, load_derivations, symbols_of

__all__ = [
    "Derivation",
    "DerivationReport",
    "HomeworkDerivations",
    "MatrixEquation",
    "Noise",
    "Step",
    "StepProof",
    "latex_names",
    "load_derivations",
    "prove",
    "symbols_of",
]

_WHERE = {
    "Derivation": "chain",
    "DerivationReport": "chain",
    "MatrixEquation": "chain",
    "Noise": "chain",
    "Step": "chain",
    "StepProof": "chain",
    "prove": "chain",
    "HomeworkDerivations": "homework",
    "latex_names": "homework",
    "load_derivations": "homework",
    "symbols_of": "homework",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'checker.derivation' has no attribute {name!r}")
    return getattr(import_module(f"checker.derivation.{module}"), name)
