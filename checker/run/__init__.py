"""The run stage: untrusted answers, chains and whole submissions judged in budgeted workers.

Its names load on first use (PEP 562): ``derivcheck check`` never imports the submission readers
that grading needs, and ``grade`` never imports what only checking needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker._lazy import lazy_exports

if TYPE_CHECKING:
    from checker.run.check import check_answer, check_batch, check_chain
    from checker.run.grade import expand_paths, grade_paths, grade_text, read_submission
    from checker.run.sandbox import Outcome, WorkerPool

__all__ = [
    "Outcome",
    "WorkerPool",
    "check_answer",
    "check_batch",
    "check_chain",
    "expand_paths",
    "grade_paths",
    "grade_text",
    "read_submission",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "Outcome": "checker.run.sandbox",
        "WorkerPool": "checker.run.sandbox",
        "check_answer": "checker.run.check",
        "check_batch": "checker.run.check",
        "check_chain": "checker.run.check",
        "expand_paths": "checker.run.grade",
        "grade_paths": "checker.run.grade",
        "grade_text": "checker.run.grade",
        "read_submission": "checker.run.grade",
    },
)
