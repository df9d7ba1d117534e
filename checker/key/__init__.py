"""The key stage: a homework's answer key as frozen data, loaded and validated from its folder.

What other stages use: the model (:class:`Key`, :class:`Question`, ...), :func:`load_key` and the
homework folder (:mod:`checker.key.homework`).  The symbol table is re-exported from
:mod:`checker.table`, the bottom value every stage shares.
"""

from checker.key.homework import (
    DEFAULT_HOMEWORK,
    HomeworkPaths,
    bundled_homeworks,
    bundled_key_dir,
    bundled_root,
)
from checker.key.load import load_key
from checker.key.model import (
    KINDS,
    ChoiceOption,
    ChoicePart,
    FollowThrough,
    Key,
    Mistake,
    Question,
    QuestionKind,
)
from checker.table import ASSUMPTIONS, FunctionSpec, ShapeSpec, SymbolSpec, SymbolTable

__all__ = [
    "ASSUMPTIONS",
    "DEFAULT_HOMEWORK",
    "KINDS",
    "ChoiceOption",
    "ChoicePart",
    "FollowThrough",
    "FunctionSpec",
    "HomeworkPaths",
    "Key",
    "Mistake",
    "Question",
    "QuestionKind",
    "ShapeSpec",
    "SymbolSpec",
    "SymbolTable",
    "bundled_homeworks",
    "bundled_key_dir",
    "bundled_root",
    "load_key",
]
