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

from typing import TYPE_CHECKING

from checker._lazy import lazy_exports

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

__getattr__ = lazy_exports(
    __name__,
    {
        "Derivation": "checker.derivation.chain",
        "DerivationReport": "checker.derivation.chain",
        "MatrixEquation": "checker.derivation.chain",
        "Noise": "checker.derivation.chain",
        "Step": "checker.derivation.chain",
        "StepProof": "checker.derivation.chain",
        "prove": "checker.derivation.chain",
        "HomeworkDerivations": "checker.derivation.homework",
        "latex_names": "checker.derivation.homework",
        "load_derivations": "checker.derivation.homework",
        "symbols_of": "checker.derivation.homework",
    },
)
