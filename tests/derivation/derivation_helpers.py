"""Helpers for the derivation tests: copy a derivation with one step changed."""

from __future__ import annotations

import dataclasses
from typing import Any

from hw3_derivations import get

from checker.derivation.chain import Derivation, Step


def with_step(derivation: Derivation | str, index: int, **changes: Any) -> Derivation:
    """A copy of ``derivation`` whose step ``index`` (1-based) has ``changes`` applied."""
    der = get(derivation) if isinstance(derivation, str) else derivation
    steps = list(der.steps)
    steps[index - 1] = dataclasses.replace(steps[index - 1], **changes)
    return dataclasses.replace(der, steps=tuple(steps))


def with_steps(derivation: Derivation | str, steps: tuple[Step, ...]) -> Derivation:
    der = get(derivation) if isinstance(derivation, str) else derivation
    return dataclasses.replace(der, steps=steps)
