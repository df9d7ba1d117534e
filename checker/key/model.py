"""The frozen answer-key model: a :class:`Key` of :class:`Question` values (the key stage's data).

A key declares the symbol table (shapes, assumptions, aliases, definitions), the functions the
homework defines, and per question: points, kind, the reference answer in LaTeX, accepted
alternatives, known mistakes with feedback and partial credit, forbidden symbols, follow-through
from an earlier question and the derivation that backs the reference.

Every problem is raised as :class:`~checker.errors.AnswerKeyError` when the key is loaded, naming
the file, the line and the field, never in the middle of grading: :mod:`checker.key.load` reads
and checks the file; this module holds the frozen types.  The symbol table a question carries is a
bottom value shared with every stage (:mod:`checker.table`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from checker._frozen import hash_once, state_without_hash
from checker.config import ParseOptions
from checker.errors import UnknownQuestionError
from checker.key.homework import HomeworkPaths
from checker.table import ASSUMPTIONS, FunctionSpec, ShapeSpec, SymbolSpec, SymbolTable

__all__ = [
    "ASSUMPTIONS",
    "KINDS",
    "ChoiceOption",
    "ChoicePart",
    "FollowThrough",
    "FunctionSpec",
    "Key",
    "Mistake",
    "Question",
    "QuestionKind",
    "RequiredForm",
    "ShapeSpec",
    "SymbolSpec",
    "SymbolTable",
]

QuestionKind = Literal["expression", "equation", "choice"]
KINDS: tuple[QuestionKind, ...] = ("expression", "equation", "choice")

# The frozen key objects are the keys of the per-process caches (judge.key_side, the parser's
# resolver and definitions, the printer's spellings, latex.parse_key...), looked up several times
# per answer: each class below hashes once (checker._frozen).


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
class ChoiceOption:
    """One option of a choice part, described by concepts rather than every wording.

    Attributes:
        name: the option's name (``increases``, ``C``).
        phrases: phrasings naming it, matched by word stems with bounded typo tolerance (a
            ``re:...`` phrase is a regular expression matched as written).
        means: a direction, ``up``, ``down`` or ``same``, of the quantities in ``of`` (the
            reader knows the words for each: "grows", "↑", "doubles", "fixed", ...), or None.
        of: the quantities ``means`` applies to (empty: the part's ``about``).
        letter: the option's letter label (``C``), matched case-insensitively but never the
            article "a", or None.
        position: its 1-based place in the question's list ("Option 3", "the third", "(iii)").
    """

    name: str
    phrases: tuple[str, ...] = ()
    means: Literal["up", "down", "same"] | None = None
    of: tuple[str, ...] = ()
    letter: str | None = None
    position: int | None = None


@dataclass(frozen=True)
class RequiredForm:
    """The form an answer must take for full credit (``[question.required]``).

    Attributes:
        forms: LaTeX of the required form(s).
        share: share of the points an equivalent answer in another form earns, in [0, 1).
        feedback: what to tell such a student.
    """

    forms: tuple[str, ...]
    share: float
    feedback: str

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
        options: the options described by concepts (phrases, a direction of a quantity, a
            letter, a position); a key written in the older form has one per ``choices`` entry.
        about: the quantity the part asks about (``learning rate``, ``lr``): the subject a
            bare "it increases" refers to.
        given: the quantity the question varies in its premise (``batch size``): "as the batch
            grows" sets up the question rather than answering it.
        share: for a claim of a math question, its share of the question's points; None for a
            choice question's part (its parts share the points equally).
    """

    name: str
    answer: str
    choices: tuple[tuple[str, tuple[str, ...]], ...]
    scope: str | None = None
    options: tuple[ChoiceOption, ...] = ()
    about: tuple[str, ...] = ()
    given: tuple[str, ...] = ()
    share: float | None = None

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
        parts: the graded choices of a choice question, or the claims of a math question (each
            with its ``share``; the formula earns the rest of the points).
        scopes: ``(name, pattern)`` pairs splitting a choice answer into scopes.
        cues: phrases that introduce the student's decision (``the best option is``).
        labels: other ways students label this question, besides its id (``Q1 (a)``,
            ``Problem 1a``, ``(a)``); extraction matches them as it matches the id.
        required: the form an answer must take for full credit, or None.
        unevaluated: operators an answer must not leave unevaluated (``gradient``,
            ``derivative``, ``expectation``, ``variance``).
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
    labels: tuple[str, ...] = ()
    required: RequiredForm | None = None
    unevaluated: tuple[str, ...] = ()
    line: int = 0

    __hash__ = hash_once
    __getstate__ = state_without_hash

    @property
    def graded(self) -> bool:
        return self.points > 0

    @property
    def claims(self) -> tuple[ChoicePart, ...]:
        """The claims of a math question (its parts); none for a choice question."""
        return () if self.kind == "choice" else self.parts


@dataclass(frozen=True)
class Key:
    """A loaded answer key.

    Attributes:
        path: the key file.
        name: short name (``hw3``).
        title: for reports.
        questions: in key order.
        functions: the functions the homework defines.
        homework: where the homework's folder, derivations and samples are.
    """

    path: Path
    name: str
    title: str
    questions: tuple[Question, ...]
    functions: tuple[FunctionSpec, ...] = field(default=(), repr=False)
    homework: HomeworkPaths | None = field(default=None, repr=False)

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
