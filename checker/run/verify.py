"""Verifying a homework folder (``derivcheck verify``): its derivations, its key, its samples.

* every step of every reference derivation is proved (:func:`checker.derivation.prove`);
* the key agrees with its derivations: each reference equals its derivation's answer, each known
  mistake differs from it (:func:`checker.derivation.homework.check_against_key`);
* the key's self-test passes (:func:`checker.judge.self_test`: accepted forms agree, mistakes and
  generated near misses are not graded correct).

A derivation module that cannot be built is a failure of the report (named with its file), not an
exception: the rest of the homework is still verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.config import EquivalenceConfig
from checker.derivation.chain import DerivationReport
from checker.derivation.homework import check_against_key, load_derivations, proved
from checker.errors import DerivationError
from checker.judge import KeyFinding, KeyReport, self_test
from checker.key import Key

__all__ = ["VerifyReport", "verify"]


@dataclass(frozen=True)
class VerifyReport:
    """What ``derivcheck verify`` found.

    Attributes:
        derivations: one proof report per derivation, in the key's question order.
        key: the key's self-test and its agreement with the derivations.
        problems: derivation modules that could not be built (the message names the file).
    """

    derivations: tuple[DerivationReport, ...]
    key: KeyReport
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every step is proved, every key check passed and nothing failed to build."""
        return not self.problems and self.key.ok and all(r.ok for r in self.derivations)

    def to_json(self) -> dict[str, Any]:
        """The contract's object: ``{"derivations": [...], "key": {...}, "problems": [...], "ok"}``."""
        return {
            "derivations": [r.to_json() for r in self.derivations],
            "key": self.key.to_json(),
            "problems": list(self.problems),
            "ok": self.ok,
        }


def verify(key: Key, *, config: EquivalenceConfig = EquivalenceConfig()) -> VerifyReport:
    """Prove a homework's derivations, check them against its key, and self-test the key.

    Args:
        key: the homework's loaded key (its folder says where the derivations are).
        config: the equivalence knobs the self-test judges with (as grading does).

    Returns:
        The report; ``ok`` is False when anything failed.

    >>> from checker.key import load_key
    >>> verify(load_key()).ok
    True
    """
    problems: list[str] = []
    agreement: tuple[KeyFinding, ...] = ()
    reports: tuple[DerivationReport, ...] = ()
    try:
        homework = load_derivations(key)
    except DerivationError as exc:
        problems.append(exc.render())
    else:
        built: list[DerivationReport] = []
        for derivation in homework.derivations:
            try:
                built.append(proved(derivation))
            except DerivationError as exc:
                problems.append(f"{derivation.name}: malformed derivation: {exc.render()}")
        reports = tuple(built)
        agreement = check_against_key(homework)
    report = self_test(key, config=config)
    combined = KeyReport(key=report.key, findings=report.findings + agreement)
    return VerifyReport(derivations=reports, key=combined, problems=tuple(problems))
