"""The read stage: a submission file → question blocks with their math and final answers."""

from checker.read.extract import (
    AnswerChoice,
    Extraction,
    MathSegment,
    QuestionBlock,
    extract,
    final_answer,
    split_sides,
    step_lines,
)

__all__ = [
    "AnswerChoice",
    "Extraction",
    "MathSegment",
    "QuestionBlock",
    "extract",
    "final_answer",
    "split_sides",
    "step_lines",
]
