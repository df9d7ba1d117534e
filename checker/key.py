"""Answer keys as data: ``answers/<hw>/key.toml`` → a frozen :class:`Key`.

A key declares the symbol table (shapes, assumptions, aliases, definitions), the functions the
homework defines, and per question: points, kind, the reference answer in LaTeX, accepted
alternatives, known mistakes with feedback and partial credit, forbidden symbols, follow-through
from an earlier question and the derivation that backs the reference.

Every problem is raised as :class:`~checker.errors.AnswerKeyError` when the key is loaded, naming
the file, the line and the question, never in the middle of grading: :mod:`checker._keyfile` reads
and checks the file; this module holds the frozen types and the public functions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from checker._frozen import hash_once, state_without_hash
from checker.config import ParseOptions
from checker.errors import UnknownQuestionError

if TYPE_CHECKING:
    from checker.latex import Parsed

__all__ = [
    "ASSUMPTIONS",
    "KINDS",
    "ChoicePart",
    "FollowThrough",
    "FunctionSpec",
    "Key",
    "Mistake",
    "Question",
    "QuestionKind",
    "SymbolSpec",
    "SymbolTable",
    "bundled_key_dir",
    "load_key",
    "parse_key_latex",
]

QuestionKind = Literal["expression", "equation", "choice"]
KINDS: tuple[QuestionKind, ...] = ("expression", "equation", "choice")
ASSUMPTIONS = frozenset({"positive", "nonnegative", "nonzero", "integer"})
Dim = str | int
ShapeSpec = Literal["scalar", "identity"] | tuple[Dim, Dim]

# The frozen key objects are the keys of the per-process caches (judge.key_side, the parser's
# resolver and definitions, the printer's spellings, parse_key_latex...), looked up several times
# per answer: each class below hashes once (checker._frozen).


@dataclass(frozen=True)
class SymbolSpec:
    """One symbol of a question's table.

    Attributes:
        name: identifier used in SymPy and in ``forbid`` lists (``w``, ``x_adv``, ``lambda``).
        latex: how it is printed (``w^*``, ``x'``, ``\\lambda``); also read as this symbol.
        aliases: other LaTeX spellings read as this symbol.
        shape: ``"scalar"``, ``"identity"`` (sized by context) or ``(rows, cols)`` with each a
            dimension symbol's name or a positive integer.
        assumptions: subset of :data:`ASSUMPTIONS`.
        lower: open lower bound (``p > 0``), or None.
        upper: open upper bound (``p < 1``), or None.
        define: LaTeX of a definition (``w* := X^T t / (X^T X + 2n\\lambda)``), or None.
        description: one line for people.
    """

    name: str
    latex: str
    aliases: tuple[str, ...] = ()
    shape: ShapeSpec = "scalar"
    assumptions: frozenset[str] = frozenset()
    lower: Fraction | None = None
    upper: Fraction | None = None
    define: str | None = None
    description: str = ""

    __hash__ = hash_once
    __getstate__ = state_without_hash

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every LaTeX spelling read as this symbol: ``latex`` first, then the aliases."""
        return (self.latex, *(a for a in self.aliases if a != self.latex))

    @property
    def is_matrix(self) -> bool:
        return self.shape != "scalar"


@dataclass(frozen=True)
class FunctionSpec:
    """A function the homework defines, e.g. ``f(x; w) := w^T x``.

    Attributes:
        name: the function's name as written (``f``).
        params: parameter symbol names in order (``("x", "w")``).
        body: LaTeX of the body in terms of the parameters.
        description: one line for people.
    """

    name: str
    params: tuple[str, ...]
    body: str
    description: str = ""

    __hash__ = hash_once
    __getstate__ = state_without_hash


@dataclass(frozen=True)
class SymbolTable:
    """The symbols and functions one question's answers may use.

    >>> table = SymbolTable((SymbolSpec("w", "w", shape=("d", 1)),), ())
    >>> table.symbol("w").shape
    ('d', 1)
    """

    symbols: tuple[SymbolSpec, ...]
    functions: tuple[FunctionSpec, ...] = ()

    __hash__ = hash_once
    __getstate__ = state_without_hash

    def __iter__(self) -> Iterator[SymbolSpec]:
        return iter(self.symbols)

    def symbol(self, name: str) -> SymbolSpec:
        """The symbol called ``name``; KeyError when there is none."""
        for spec in self.symbols:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def has(self, name: str) -> bool:
        return any(spec.name == name for spec in self.symbols)

    def without_definition(self, name: str) -> SymbolTable:
        """This table with symbol ``name`` undefined (a follow-through reference leaves it free)."""
        return replace(self, symbols=tuple(replace(s, define=None) if s.name == name else s for s in self))

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Names of the dimension symbols that some shape uses (``n``, ``d``), in table order."""
        used = {dim for spec in self.symbols if isinstance(spec.shape, tuple) for dim in spec.shape}
        return tuple(spec.name for spec in self.symbols if spec.name in used)


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer: recognized by equivalence, given its own feedback and share of points.

    Attributes:
        answer: LaTeX of the wrong form.
        tag: stable ``answer_note`` for class statistics (``missing_factor_2``).
        score: share of the question's points, in [0, 1).
        feedback: what the student should change.
    """

    answer: str
    tag: str
    score: float
    feedback: str

    __hash__ = hash_once
    __getstate__ = state_without_hash


@dataclass(frozen=True)
class FollowThrough:
    """Credit for an answer that is right given the student's own earlier answer.

    Attributes:
        source: the earlier question's id (``1.2.2``).
        symbol: the symbol that the earlier answer defines here (``w``).
        reference: this question's answer in terms of that symbol (``\\frac{x}{w}``).
        share: share of the points a follow-through answer earns, in (0, 1].
    """

    source: str
    symbol: str
    reference: str
    share: float

    __hash__ = hash_once
    __getstate__ = state_without_hash


@dataclass(frozen=True)
class ChoicePart:
    """One graded choice inside a short-answer question.

    Attributes:
        name: what the part asks (``regime of A``).
        answer: the right option's name.
        choices: ``(option, patterns)`` pairs; a pattern is a literal phrase matched
            case-insensitively at word boundaries, or a regular expression written ``re:...``.
        scope: name of a question scope: the part reads only the text of that scope.
    """

    name: str
    answer: str
    choices: tuple[tuple[str, tuple[str, ...]], ...]
    scope: str | None = None

    __hash__ = hash_once
    __getstate__ = state_without_hash


@dataclass(frozen=True)
class Question:
    """One question of the key.

    Attributes:
        id: the question id used everywhere (``1.2.2``).
        points: full marks (0 for reference-only derivations).
        kind: ``expression``, ``equation`` or ``choice``.
        prompt: the question in one line.
        symbols: the question's symbol table (the key's, with the question's overrides).
        options: how its answers are parsed (vector shorthand...).
        target: LaTeX of what the answer gives the value of (``w``, ``\\sigma``, ``f(x'; w)``).
        reference: the reference answer (LaTeX for math kinds, prose for choice).
        accepted: other forms that must be equivalent to the reference.
        mistakes: known wrong forms.
        forbid: symbol names an answer must not leave in.
        forbid_feedback: what to tell a student whose answer uses a forbidden symbol.
        follow_through: credit from an earlier question's answer, or None.
        derivation: name of the module in ``derivations/`` backing the reference, or None.
        parts: the graded choices of a choice question.
        scopes: ``(name, pattern)`` pairs splitting a choice answer into scopes.
        cues: phrases that introduce the student's decision (``the best option is``).
        line: line of the question's ``id`` in the key file, for messages.
    """

    id: str
    points: float
    kind: QuestionKind
    prompt: str
    symbols: SymbolTable
    options: ParseOptions = ParseOptions()
    target: str | None = None
    reference: str = ""
    accepted: tuple[str, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    forbid: tuple[str, ...] = ()
    forbid_feedback: str = ""
    follow_through: FollowThrough | None = None
    derivation: str | None = None
    parts: tuple[ChoicePart, ...] = ()
    scopes: tuple[tuple[str, str], ...] = ()
    cues: tuple[str, ...] = ()
    line: int = 0

    __hash__ = hash_once
    __getstate__ = state_without_hash

    @property
    def graded(self) -> bool:
        return self.points > 0


@dataclass(frozen=True)
class Key:
    """A loaded answer key.

    Attributes:
        path: the key file.
        name: short name (``hw3``).
        title: for reports.
        questions: in key order.
    """

    path: Path
    name: str
    title: str
    questions: tuple[Question, ...]
    functions: tuple[FunctionSpec, ...] = field(default=(), repr=False)

    __hash__ = hash_once
    __getstate__ = state_without_hash

    def question(self, qid: str) -> Question:
        """The question ``qid``.

        Raises:
            UnknownQuestionError: naming the ids the key has.
        """
        for q in self.questions:
            if q.id == qid:
                return q
        known = ", ".join(q.id for q in self.questions)
        raise UnknownQuestionError(
            f"expected a question id of this key, found question={qid!r}; known ids: {known}",
            where=str(self.path),
        )

    @property
    def graded(self) -> tuple[Question, ...]:
        """The questions worth points, in key order."""
        return tuple(q for q in self.questions if q.graded)

    @property
    def max_score(self) -> float:
        return float(sum(q.points for q in self.questions))


def bundled_key_dir() -> Path:
    """The directory of the bundled hw3 key, from a checkout and from an installed wheel alike.

    The wheel carries the key inside the package (``checker/_bundled/hw3``); a checkout or an
    editable install has it at the top level (``answers/hw3``).
    """
    packaged = Path(str(resources.files("checker"))) / "_bundled" / "hw3"
    if (packaged / "key.toml").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "answers" / "hw3"


def load_key(path: str | Path | None = None, *, validate_latex: bool = True) -> Key:
    """Load and validate an answer key.

    Args:
        path: the key file, or a directory holding ``key.toml``; None for the bundled hw3 key.
        validate_latex: also parse every reference, accepted form, mistake, definition and
            follow-through reference with the question's symbol table, so bad LaTeX fails here.

    Returns:
        The frozen key.

    Raises:
        AnswerKeyError: naming the file, line, question and field that is wrong.

    >>> key = load_key(validate_latex=False)
    >>> key.question("1.2.2").points
    1.0
    """
    # Imported here: the reader builds this module's types, so it imports this module.
    from checker._keyfile import read_key  # noqa: PLC0415

    return read_key(path, validate_latex=validate_latex)


# ----------------------------------------------------------------------------------------------
# the key's LaTeX, parsed once per process
# ----------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def parse_key_latex(source: str, table: SymbolTable, *, options: ParseOptions = ParseOptions()) -> Parsed:
    """:func:`checker.latex.parse` for the key's own LaTeX, cached: loading validates, judging reuses.

    Args:
        source: LaTeX of the key, never an answer (the cache is bounded but sized for a key).
        table: the question's symbol table.
        options: the question's parse options (by keyword, as every caller passes them).

    Returns:
        The parsed value, shared by every caller (it is frozen).

    Raises:
        CheckerError: for LaTeX the parser cannot read (errors are not cached).

    >>> table = load_key(validate_latex=False).question("3.2").symbols
    >>> parse_key_latex("\\\\sigma", table) is parse_key_latex("\\\\sigma", table)
    True
    """
    # Imported here: checker.latex reads symbol tables from this module (a cycle at import time).
    from checker.latex import parse  # noqa: PLC0415

    return parse(source, table, options=options)
