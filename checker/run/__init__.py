"""The run stage: untrusted answers, chains and whole submissions judged in budgeted workers."""

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
