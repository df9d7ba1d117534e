"""The key stage: a homework's answer key as frozen data, loaded and validated from its folder.

What other stages use: the model (:class:`Key`, :class:`Question`, ...), :func:`load_key`, the
homework folder (:mod:`checker.key.homework`), its samples' expectations
(:mod:`checker.key.samples`), the untyped reading of ill-typed mistakes (:mod:`checker.key.untyped`)
and the starter homework (:func:`write_starter`).  The symbol table is re-exported from
:mod:`checker.table`, the bottom value every stage shares.
"""

from typing import TYPE_CHECKING

from checker._lazy import lazy_exports
from checker.key.homework import (
    DEFAULT_HOMEWORK,
    HomeworkPaths,
    bundled_homeworks,
    bundled_key_dir,
    bundled_root,
)
from checker.key.model import (
    KINDS,
    ChoiceOption,
    ChoicePart,
    FollowThrough,
    Key,
    Mistake,
    Question,
    QuestionKind,
    RequiredForm,
)
from checker.key.samples import EXPECTED_FILE, Expectation, SampleExpectations, load_expectations
from checker.key.starter import write_starter
from checker.table import ASSUMPTIONS, FunctionSpec, ShapeSpec, SymbolSpec, SymbolTable

if TYPE_CHECKING:
    from checker.key.load import load_key
    from checker.key.untyped import UNTYPED_SIZES, mistake_reading, untyped_options, untyped_table

__all__ = [
    "ASSUMPTIONS",
    "DEFAULT_HOMEWORK",
    "EXPECTED_FILE",
    "KINDS",
    "UNTYPED_SIZES",
    "ChoiceOption",
    "ChoicePart",
    "Expectation",
    "FollowThrough",
    "FunctionSpec",
    "HomeworkPaths",
    "Key",
    "Mistake",
    "Question",
    "QuestionKind",
    "RequiredForm",
    "SampleExpectations",
    "ShapeSpec",
    "SymbolSpec",
    "SymbolTable",
    "bundled_homeworks",
    "bundled_key_dir",
    "bundled_root",
    "load_expectations",
    "load_key",
    "mistake_reading",
    "untyped_options",
    "untyped_table",
    "write_starter",
]


# Loaded on first use: loading and the untyped reading parse LaTeX, so they import the LaTeX
# stage and SymPy, which the model, the homework folder and `derivcheck --help` do not need.
__getattr__ = lazy_exports(
    __name__,
    {
        "load_key": "checker.key.load",
        "UNTYPED_SIZES": "checker.key.untyped",
        "mistake_reading": "checker.key.untyped",
        "untyped_options": "checker.key.untyped",
        "untyped_table": "checker.key.untyped",
    },
)
