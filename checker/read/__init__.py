"""The read stage: a submission file → a document (one reader per format) → question blocks with
their math and final answers."""

from checker.read.document import Document
from checker.read.extract import (
    AnswerChoice,
    Extraction,
    MathSegment,
    QuestionBlock,
    extract,
    final_answer,
    non_answer,
    split_sides,
    step_lines,
)
from checker.read.files import (
    SUBMISSION_SUFFIXES,
    Found,
    Skipped,
    expand_paths,
    find_submissions,
    read_document,
    read_submission,
)

__all__ = [
    "SUBMISSION_SUFFIXES",
    "AnswerChoice",
    "Document",
    "Extraction",
    "Found",
    "MathSegment",
    "QuestionBlock",
    "Skipped",
    "expand_paths",
    "extract",
    "final_answer",
    "find_submissions",
    "non_answer",
    "read_document",
    "read_submission",
    "split_sides",
    "step_lines",
]
