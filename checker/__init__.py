"""derivcheck: a symbolic derivation checker and autograder for written math homework.

The actions are re-exported here; everything else is reached through its stage's package
(``checker.key``, ``checker.latex``, ``checker.engine``, ``checker.judge``, ``checker.derivation``,
``checker.read``, ``checker.run``, ``checker.report``).  They load on first use (PEP 562), so
``import checker`` stays cheap (the pytest plugin imports it in every run).

>>> import checker
>>> checker.check_answer(checker.load_key(), "3.2", r"\\sigma = \\sqrt{\\frac{1-p}{p}}").verdict
'correct'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker._lazy import lazy_exports

if TYPE_CHECKING:
    from checker.derivation import prove
    from checker.key import load_key
    from checker.run import check_answer, check_batch, grade_paths

__all__ = ["check_answer", "check_batch", "grade_paths", "load_key", "prove"]

__getattr__ = lazy_exports(
    __name__,
    {
        "check_answer": "checker.run",
        "check_batch": "checker.run",
        "grade_paths": "checker.run",
        "load_key": "checker.key",
        "prove": "checker.derivation",
    },
)
