"""derivcheck: a symbolic derivation checker and autograder for written math homework.

The public API is re-exported here; everything else is internal.
"""

from checker.config import Budget, EquivalenceConfig, GradeConfig, ParseOptions
from checker.errors import (
    AnswerKeyError,
    BudgetExceeded,
    CheckerError,
    DerivationError,
    LatexSyntaxError,
    ShapeError,
    SubmissionError,
    UnknownQuestionError,
    UnknownSymbolError,
    UnsupportedConstructError,
)
from checker.key import Key, Question, SymbolSpec, SymbolTable, bundled_key_dir, load_key
from checker.verdict import Equivalence, QuestionVerdict, StepCheck, SubmissionResult

__all__ = [
    "AnswerKeyError",
    "Budget",
    "BudgetExceeded",
    "CheckerError",
    "DerivationError",
    "Equivalence",
    "EquivalenceConfig",
    "GradeConfig",
    "Key",
    "LatexSyntaxError",
    "ParseOptions",
    "Question",
    "QuestionVerdict",
    "ShapeError",
    "StepCheck",
    "SubmissionError",
    "SubmissionResult",
    "SymbolSpec",
    "SymbolTable",
    "UnknownQuestionError",
    "UnknownSymbolError",
    "UnsupportedConstructError",
    "bundled_key_dir",
    "load_key",
]
